/**
 * `npm run bench`: optimizer step time (median ms over the measured steps), effective bandwidth
 * and % of the triad roofline for our fused and reference paths, PyTorch's for-loop and foreach
 * paths (same run, when /usr/bin/python3 has torch: Debian's 1.13), the same and fused=True for
 * current PyTorch (SG_OPTIM_BENCH_PYTHON, else scripts/torch-wheel.sh's .venv-torch: 2.15), and
 * step() call overhead. A table on stdout, JSON in bench/results/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { native, packageRoot } from '../lib/native';
import { createOptimizer } from '../lib/optim';
import * as sg from '../lib/tensor';

const OPTIMIZERS = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion'];
/** Tensors read + written per element per step (each state tensor once), for GB/s. */
const ACCESSES: Record<string, number> = { SGD: 5, Adam: 7, AdamW: 7, RMSprop: 5, RMSpropTF: 5, Lamb: 7, Lion: 5 };
const OPTIONS: Record<string, Record<string, unknown>> = {
  SGD: { lr: 0.01, momentum: 0.9 },
  Adam: { lr: 1e-3 },
  AdamW: { lr: 1e-3 },
  RMSprop: { lr: 1e-2 },
  RMSpropTF: { lr: 1e-2 },
  Lamb: { lr: 1e-3 },
  Lion: { lr: 1e-4 },
};

function sharedBenchDir(): string {
  return process.env.SG_BENCH_DIR ?? path.join(packageRoot(), '..', 'shared', 'bench');
}

function workloads(): Record<string, number[][]> {
  const file = path.join(sharedBenchDir(), 'resnet50_shapes.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const resnet = (Array.isArray(raw) ? raw : raw.shapes ?? Object.values(raw)) as number[][];
  return {
    resnet50: resnet,
    big16m: [[16777216]],
    tiny2000: Array.from({ length: 2000 }, () => [256]),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeSteps(step: () => void, warmup: number, steps: number): number {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function ours(shapes: number[][], name: string, fused: boolean, warmup: number, steps: number): number {
  sg.manualSeed(0);
  const params = shapes.map((s) => sg.randn(s).requiresGrad_(true));
  params.forEach((p) => (p.grad = sg.randnLike(p)));
  const opt = createOptimizer(name, params, { ...OPTIONS[name], fused: fused ? null : false });
  const ms = timeSteps(() => opt.step(), warmup, steps);
  params.forEach((p) => p.dispose());
  return ms;
}

/** The Python of current PyTorch (2.x), or null: SG_OPTIM_BENCH_PYTHON, else .venv-torch. */
function currentPython(): string | null {
  if (process.env.SG_OPTIM_BENCH_PYTHON) return process.env.SG_OPTIM_BENCH_PYTHON;
  const venv = path.join(packageRoot(), '.venv-torch', 'bin', 'python');
  return fs.existsSync(venv) ? venv : null;
}

function pytorch(python: string | null, ws: Record<string, number[][]>, warmup: number, steps: number): { version: string; results: Record<string, number> } | null {
  if (python === null) return null;
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const spec = JSON.stringify({ threads: sg.getNumThreads(), workloads: ws, optimizers: OPTIMIZERS, warmup, steps });
  const r = spawnSync(python, [path.join(packageRoot(), 'bench', 'torch_bench.py'), spec], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`PyTorch benchmark failed: ${r.stderr.slice(-500)}`);
    return null;
  }
  const parsed = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { version: parsed.torch, results: parsed.results };
}

/** TensorFlow.js (wasm backend) Adam on a workload: the Node alternative, ms per step. */
async function tfjsAdam(shapes: number[][], warmup: number, steps: number): Promise<number | null> {
  let tf: typeof import('@tensorflow/tfjs-core');
  try {
    tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
    await tf.ready();
  } catch {
    return null;
  }
  const vars = shapes.map((s) => tf.variable(tf.randomNormal(s)));
  const grads: Record<string, import('@tensorflow/tfjs-core').Variable> = {};
  vars.forEach((v) => (grads[v.name] = tf.variable(tf.randomNormal(v.shape), false)));
  const opt = tf.train.adam(1e-3);
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = process.hrtime.bigint();
    opt.applyGradients(grads);
    await vars[vars.length - 1].data();
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  opt.dispose();
  vars.forEach((v) => v.dispose());
  Object.values(grads).forEach((g) => g.dispose());
  return median(times);
}

function stepOverhead(): { perCallUs: number; perTensorUs: number } {
  const one = [sg.zeros([1]).requiresGrad_(true)];
  one[0].grad = sg.zeros([1]);
  const many = Array.from({ length: 1000 }, () => sg.zeros([1]).requiresGrad_(true));
  many.forEach((p) => (p.grad = sg.zeros([1])));
  const a = createOptimizer('SGD', one, { lr: 0.1 });
  const b = createOptimizer('SGD', many, { lr: 0.1 });
  const n = 2000;
  const per = (opt: { step(): unknown }, count: number) => {
    for (let i = 0; i < 200; i++) opt.step();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) opt.step();
    return Number(process.hrtime.bigint() - t0) / 1e3 / count;
  };
  const perCall = per(a, n);
  const perThousand = per(b, 200);
  return { perCallUs: perCall, perTensorUs: (perThousand - perCall) / 999 };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const warmup = 3;
  const steps = quick ? 5 : 11;
  const ws = workloads();
  // The triad is noisy on a shared machine: measure it before and after, keep the best.
  const measureStream = () => native.stream(1 << 25, 10);
  const stream = measureStream();
  let roof = stream.triadGBs;
  console.log(`sg-optim optimizer benchmark — LibTorch ${sg.torchVersion}, ${sg.getNumThreads()} threads; roofline: triad ${roof.toFixed(1)} GB/s, copy ${stream.copyGBs.toFixed(1)} GB/s`);
  const torch = quick ? null : pytorch('/usr/bin/python3', ws, warmup, steps);
  const torch2 = quick ? null : pytorch(currentPython(), ws, warmup, steps);
  if (torch) console.log(`torch: PyTorch ${torch.version} (/usr/bin/python3)`);
  if (torch2) console.log(`torch2: PyTorch ${torch2.version} (${currentPython()})`);
  const rows: Array<Record<string, unknown>> = [];
  const tfjs: Record<string, number | null> = {};
  if (!quick) for (const [workload, shapes] of Object.entries(ws)) tfjs[workload] = await tfjsAdam(shapes, 2, 5);
  const header = ['workload', 'optimizer', 'fused ms', 'GB/s', '% roof', 'ref ms', 'torch loop', 'torch foreach', 'torch2 loop', 'torch2 foreach', 'torch2 fused', 'best torch / fused'];
  console.log(header.map((h, i) => (i < 2 ? h.padEnd(10) : h.padStart(12))).join(' '));
  for (const [workload, shapes] of Object.entries(ws)) {
    const numel = shapes.reduce((acc, s) => acc + s.reduce((a, b) => a * b, 1), 0);
    for (const name of OPTIMIZERS) {
      const fused = ours(shapes, name, true, warmup, steps);
      const reference = ours(shapes, name, false, warmup, quick ? 3 : steps);
      const bytes = numel * 4 * ACCESSES[name];
      const gbs = bytes / (fused / 1e3) / 1e9;
      const loop = torch?.results[`${workload}/${name}/for-loop`] ?? null;
      const foreach = torch?.results[`${workload}/${name}/foreach`] ?? null;
      const loop2 = torch2?.results[`${workload}/${name}/for-loop`] ?? null;
      const foreach2 = torch2?.results[`${workload}/${name}/foreach`] ?? null;
      const fused2 = torch2?.results[`${workload}/${name}/fused`] ?? null;
      const best = [loop, foreach, loop2, foreach2, fused2].filter((x): x is number => x !== null);
      const bestTorch = best.length ? Math.min(...best) : null;
      const row = {
        workload,
        optimizer: name,
        fusedMs: fused,
        referenceMs: reference,
        gbPerS: gbs,
        percentOfRoofline: (100 * gbs) / roof,
        torchLoopMs: loop,
        torchForeachMs: foreach,
        torch2LoopMs: loop2,
        torch2ForeachMs: foreach2,
        torch2FusedMs: fused2,
        speedupVsBestTorch: bestTorch ? bestTorch / fused : null,
      };
      rows.push(row);
      const f = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
      const cells = [f(fused), f(gbs, 1), f(row.percentOfRoofline, 0), f(reference), f(loop), f(foreach), f(loop2), f(foreach2), f(fused2), bestTorch ? `${(bestTorch / fused).toFixed(1)}×` : '—'];
      console.log([workload.padEnd(10), name.padEnd(10), ...cells.map((c) => c.padStart(12))].join(' '));
    }
  }
  for (const [workload, ms] of Object.entries(tfjs)) {
    if (ms !== null) {
      const ours = rows.find((r) => r.workload === workload && r.optimizer === 'Adam')!.fusedMs as number;
      console.log(`TensorFlow.js (wasm) Adam, ${workload}: ${ms.toFixed(1)} ms per step (sg-optim fused ${(ms / ours).toFixed(1)}× faster)`);
    } else console.log(`TensorFlow.js (wasm) not available for ${workload}`);
  }
  const after = measureStream();
  if (after.triadGBs > roof) {
    roof = after.triadGBs;
    stream.triadGBs = after.triadGBs;
    for (const row of rows) row.percentOfRoofline = (100 * (row.gbPerS as number)) / roof;
    console.log(`(roofline re-measured after the runs: triad ${roof.toFixed(1)} GB/s; % of roofline in the JSON uses it)`);
  }
  const overhead = stepOverhead();
  console.log(`step() overhead from JavaScript: ${overhead.perCallUs.toFixed(1)} µs per call + ${overhead.perTensorUs.toFixed(3)} µs per tensor (SGD, 1-element tensors)`);
  const out = path.join(packageRoot(), 'bench', 'results', `optimizers-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), torchVersion: sg.torchVersion, threads: sg.getNumThreads(), roofline: stream, pytorch: torch?.version ?? null, pytorch2: torch2?.version ?? null, rows, tfjsWasmAdamMs: tfjs, stepOverhead: overhead }, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
