/**
 * Synchronous sharp for `Dataset.get(i)`: sharp has only asynchronous calls, and a Dataset's
 * get() is synchronous (DataLoader and the Trainer iterate synchronously). The caller posts the
 * effect to one helper worker thread and sleeps in Atomics.wait (a blocking wait, no busy loop)
 * until the worker has run it with sharp and posted the pixels back; receiveMessageOnPort then
 * reads the answer without the event loop. The worker is unref'd: it never keeps a process alive.
 * Code that can await should call the dataset's `getAsync(i)`, which never blocks.
 */
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

import { Effect, ImageDecodeError, RawImage } from './effects';

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
require(workerData.sharp);
const { runEffect } = require(workerData.effects);
const flag = new Int32Array(workerData.flag);
workerData.port.on('message', async (effect) => {
  let answer;
  try {
    answer = { image: await runEffect(effect) };
  } catch (e) {
    answer = { error: String(e && e.message), name: e && e.name, file: e && e.file };
  }
  workerData.port.postMessage(answer, answer.image ? [answer.image.data.buffer] : []);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** How long get() waits for one decode before it reports the helper worker as stuck. */
const TIMEOUT_MS = 120_000;

interface Answer {
  image?: RawImage;
  error?: string;
  name?: string;
  file?: string;
}

let helper: { worker: Worker; port: MessagePort; flag: Int32Array } | null = null;

function start(): { worker: Worker; port: MessagePort; flag: Int32Array } {
  if (helper) return helper;
  // sharp is loaded on the main thread before any worker loads it (sharp's advice for workers).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only
  require('sharp');
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { sharp: require.resolve('sharp'), effects: path.join(__dirname, 'effects'), flag: shared, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    helper = null;
  });
  worker.on('exit', () => {
    helper = null;
  });
  helper = { worker, port: port1, flag: new Int32Array(shared) };
  return helper;
}

/** Runs an effect with sharp on the helper worker and waits for its result. */
export function runEffectSync(effect: Effect): RawImage {
  const { port, flag } = start();
  Atomics.store(flag, 0, 0);
  port.postMessage(effect);
  const deadline = Date.now() + TIMEOUT_MS;
  let message: { message: Answer } | undefined;
  for (;;) {
    message = receiveMessageOnPort(port) as { message: Answer } | undefined;
    if (message) break;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the image decoding worker did not answer within ${TIMEOUT_MS / 1000} s (${effect.kind === 'decode' ? effect.file : 'resize'})`);
    // 'not-equal': the worker has flagged its answer, which is a moment from readable; sleep 1 ms.
    if (Atomics.wait(flag, 0, 0, left) === 'not-equal') Atomics.wait(flag, 0, 1, 1);
  }
  const answer = message.message;
  if (answer.image) return answer.image;
  if (answer.name === 'ImageDecodeError' && answer.file !== undefined) {
    const err = new ImageDecodeError(answer.file, '');
    err.message = answer.error ?? err.message;
    throw err;
  }
  throw new Error(answer.error ?? 'the image decoding worker failed');
}
