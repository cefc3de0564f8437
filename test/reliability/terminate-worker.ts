/**
 * Child process of process-safety.test.ts: starts worker threads that train in a tight loop and
 * terminates each mid-work, at varying moments; then uses tensors on the main thread. An abort
 * (a C++ exception escaping a finalizer of the terminating worker) kills this process.
 */
import { Worker } from 'worker_threads';

const lib = process.argv[2];
const rounds = Number(process.argv[3]);

const body = `
  const sg = require(${JSON.stringify(lib)});
  const { parentPort } = require('worker_threads');
  const w = sg.randn([128, 128]).requiresGrad_(true);
  const opt = new sg.optim.Adam([w], { lr: 0.01 });
  parentPort.postMessage('up');
  for (;;) {
    const loss = w.matmul(w).sum();
    opt.zeroGrad();
    loss.backward();
    opt.step();
    sg.randn([1000]).dispose();
  }
`;

async function main(): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const worker = new Worker(body, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    // Terminate after a varying number of event-loop turns (work-bounded, not timed).
    for (let k = 0; k < i % 7; k++) await new Promise((resolve) => setImmediate(resolve));
    await worker.terminate();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sg = require(lib);
  console.log(JSON.stringify({ rounds, sum: sg.ones([4]).sum().item() }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
