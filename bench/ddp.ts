/**
 * Data-parallel cost on this machine (issue 12), npm run bench:ddp:
 * - mnist_lenet's training step (LeNet + Adam, batch 64 per process, MNIST) with 1 process and
 *   with 2 processes under DistributedDataParallel over c10d Gloo (loopback): images per second
 *   in all, the allreduce of the gradients timed on its own, and the bytes each rank moves per
 *   step (a ring allreduce sends and receives 2(N−1)/N of the gradient bytes);
 * - Gloo's allreduce bandwidth over loopback against a plain in-process copy of the same bytes.
 * On 2 cores two processes cannot be faster than one: this measures what the engine costs.
 * The same file is the worker: the launcher starts it with RANK set.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';

import { DataLoader, DistributedSampler, MnistDataset } from '../lib/data';
import { allReduce, barrier, destroyProcessGroup, getWorldSize, initProcessGroup, launch } from '../lib/distributed';
import { LeNet } from '../lib/models';
import { DistributedDataParallel, Module } from '../lib/nn';
import { packageRoot } from '../lib/native';
import { Adam } from '../lib/optim';
import * as sg from '../lib/tensor';

const BATCH = 64;
const WARMUP = 5;
const STEPS = 60;
const ALLREDUCE_REPEATS = 20;
const SIZES = [1 << 16, 1 << 20, 1 << 22]; // float32 elements

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Median seconds of `repeats` calls of `f`, after one untimed call. */
function median(f: () => void, repeats: number): number {
  f();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(seconds(t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One rank's training throughput and the cost of allreducing its gradients once. */
async function trainWorker(distributed: boolean): Promise<Record<string, number>> {
  const world = distributed ? getWorldSize() : 1;
  const data = new MnistDataset({ split: 'train', limit: (WARMUP + STEPS) * BATCH * world });
  const sampler = distributed ? new DistributedSampler(data, { shuffle: true, seed: 0 }) : undefined;
  const loader = new DataLoader(data, { batch_size: BATCH, ...(sampler ? { sampler } : { shuffle: true }) });
  sg.manualSeed(0);
  const net = new LeNet();
  const model: Module = distributed ? new DistributedDataParallel(net) : net;
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  let step = 0;
  let t0 = process.hrtime.bigint();
  for (const [x, y] of loader) {
    if (step === WARMUP) {
      if (distributed) barrier();
      t0 = process.hrtime.bigint();
    }
    opt.zeroGrad();
    sg.crossEntropy(model.call(x) as sg.Tensor, y).backward();
    opt.step();
    // Yield as the Trainer does after every batch: Node-API frees collected tensors only when the
    // event loop turns, and a loop that never yields grows by every step's activations (33 MB
    // here), which cost 2-4x the step time in page faults.
    await new Promise((resolve) => setImmediate(resolve));
    if (++step === WARMUP + STEPS) break;
  }
  const elapsed = seconds(t0);
  const gradElements = net.parameters().reduce((n, p) => n + p.numel(), 0);
  const flat = sg.zeros([gradElements]);
  const allreduceSeconds = distributed ? median(() => allReduce(flat, { op: 'sum' }), ALLREDUCE_REPEATS) : 0;
  return { imagesPerSecond: (STEPS * BATCH) / elapsed, stepMs: (elapsed / STEPS) * 1e3, gradBytes: gradElements * 4, allreduceMs: allreduceSeconds * 1e3 };
}

/** Gloo's allreduce of each size, median seconds. */
function allreduceWorker(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of SIZES) {
    const t = sg.ones([n]);
    out[n] = median(() => allReduce(t, { op: 'sum' }), ALLREDUCE_REPEATS);
  }
  return out;
}

async function worker(): Promise<void> {
  initProcessGroup({ backend: 'gloo', timeoutMs: 600000 });
  const result = process.argv[2] === 'allreduce' ? allreduceWorker() : await trainWorker(true);
  console.log(JSON.stringify(result));
  destroyProcessGroup();
}

/** A writable that keeps what it gets. */
class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** Runs this file as `n` workers with `mode`; returns rank 0's JSON line. */
async function launched(n: number, mode: string): Promise<Record<string, number>> {
  const out = new Collect();
  const err = new Collect();
  const env = { ...process.env };
  for (const k of ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
  const l = await launch({ nprocPerNode: n, command: [process.execPath, __filename, mode], env, stdout: out, stderr: err });
  const result = await l.result;
  if (result.exitCode !== 0) throw new Error(`bench:ddp: the ${mode} workers failed:\n${err.text}${out.text}`);
  const line = out.text.split('\n').find((l0) => l0.startsWith('[rank0]:'));
  return JSON.parse(line!.replace(/^\[rank0\]:/, ''));
}

async function main(): Promise<void> {
  sg.setNumThreads(1); // as each launched worker (OMP_NUM_THREADS=1): the same arithmetic per process
  const single = await trainWorker(false);
  const two = await launched(2, 'train');
  const gloo = await launched(2, 'allreduce');
  const copy: Record<string, number> = {};
  for (const n of SIZES) {
    const src = sg.ones([n]);
    const dst = sg.zeros([n]);
    copy[n] = median(() => dst.copy_(src), ALLREDUCE_REPEATS);
  }
  const ringBytes = (bytes: number, world: number) => (2 * (world - 1) * bytes) / world;
  console.log(`mnist_lenet (LeNet + Adam, batch ${BATCH} per process, ${STEPS} steps), 1 LibTorch thread per process:`);
  console.log('| processes | images/s in all | ms per step | allreduce of the gradients, ms | bytes sent per rank per step |');
  console.log('|---|---|---|---|---|');
  console.log(`| 1 | ${single.imagesPerSecond.toFixed(0)} | ${single.stepMs.toFixed(2)} | — | — |`);
  console.log(`| 2 (DDP, Gloo) | ${(2 * two.imagesPerSecond).toFixed(0)} | ${two.stepMs.toFixed(2)} | ${two.allreduceMs.toFixed(3)} | ${ringBytes(two.gradBytes, 2).toFixed(0)} (${two.gradBytes} gradient bytes) |`);
  console.log("Gloo allreduce over loopback (2 processes) vs one process's copy of the same bytes:");
  console.log('| float32 elements | MB | allreduce ms | allreduce GB/s (bytes / time) | copy ms | copy GB/s |');
  console.log('|---|---|---|---|---|---|');
  for (const n of SIZES) {
    const bytes = n * 4;
    console.log(`| ${n} | ${(bytes / 1e6).toFixed(2)} | ${(gloo[n] * 1e3).toFixed(3)} | ${(bytes / gloo[n] / 1e9).toFixed(2)} | ${(copy[n] * 1e3).toFixed(3)} | ${(bytes / copy[n] / 1e9).toFixed(2)} |`);
  }
  const out = path.join(packageRoot(), 'bench', 'results', `ddp-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify({ batch: BATCH, steps: STEPS, single, twoProcesses: two, glooAllreduceSeconds: gloo, copySeconds: copy }, null, 2));
  console.log(`wrote ${path.relative(packageRoot(), out)}`);
}

(process.env.RANK !== undefined ? worker() : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
