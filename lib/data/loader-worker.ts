/**
 * A DataLoader worker thread (started by path by worker-pool.ts). It rebuilds the data set from
 * its DatasetWorkerSpec, then for each task {gen, batch, indices, epoch} loads the items (with
 * getAsync when the data set has it: sharp then decodes on libuv's pool without a helper
 * thread), collates them as the DataLoader would and posts the batch's tensors back as typed
 * arrays (their buffers transferred, not copied). Errors are posted back with their message (which
 * names the file for image data sets) and stack. After each post it bumps a shared counter and
 * wakes the loader, which sleeps in Atomics.wait rather than on the event loop.
 */
import { MessagePort, workerData } from 'worker_threads';

import { Tensor } from '../tensor/tensor';
import { loadBatchAsync } from './batching';
import { Dataset, DatasetWorkerSpec } from './dataset';
import { DONE_SLOT, stateSlot, WORKER_DEAD, WORKER_READY, WorkerReply, WorkerTask } from './worker-protocol';

const data = workerData as { spec: DatasetWorkerSpec; signal: SharedArrayBuffer; port: MessagePort; id: number; collate: boolean };
const signal = new Int32Array(data.signal);

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(reply, transfer);
  Atomics.add(signal, DONE_SLOT, 1);
  Atomics.notify(signal, DONE_SLOT);
}

function setState(state: number): void {
  Atomics.store(signal, stateSlot(data.id), state);
  Atomics.add(signal, DONE_SLOT, 1);
  Atomics.notify(signal, DONE_SLOT);
}

process.on('exit', () => setState(WORKER_DEAD));

function describe(e: unknown): { message: string; name: string; stack?: string } {
  if (e instanceof Error) return { message: e.message, name: e.name, stack: e.stack };
  return { message: String(e), name: 'Error' };
}

function fields(tensors: Tensor[]): { data: ArrayBufferView; shape: number[]; dtype: string }[] {
  return tensors.map((t) => ({ data: t.toTypedArray(), shape: t.shape, dtype: t.dtype }));
}

let dataset: Dataset<Tensor[]> | null = null;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the spec names, found at run time
  const mod = require(data.spec.module) as Record<string, (args: unknown) => Dataset<Tensor[]>>;
  const factory = mod[data.spec.factory];
  if (typeof factory !== 'function') throw new TypeError(`the data set's workerSpec names '${data.spec.factory}', which '${data.spec.module}' does not export as a function`);
  dataset = factory(data.spec.args);
  setState(WORKER_READY);
} catch (e) {
  post({ kind: 'start-error', error: describe(e) });
}

// Tasks run one at a time, in the order they came (a chain of promises).
let chain: Promise<void> = Promise.resolve();
data.port.on('message', (task: WorkerTask) => {
  chain = chain.then(async () => {
    if (!dataset) return;
    try {
      dataset.setEpoch?.(task.epoch);
      const { fields: tensors, itemCount } = await loadBatchAsync(dataset, task.indices, data.collate);
      const out = fields(tensors);
      post({ kind: 'batch', gen: task.gen, batch: task.batch, fields: out, itemCount }, out.map((f) => f.data.buffer as ArrayBuffer));
    } catch (e) {
      post({ kind: 'error', gen: task.gen, batch: task.batch, error: describe(e) });
    }
  });
});
