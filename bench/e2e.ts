/**
 * End-to-end training throughput, images per second:
 * - sg.models.LeNet + Adam on MNIST in memory (batch 64, one epoch), against the same model and
 *   optimizer in PyTorch Python on the same images;
 * - the digits_folder_resnet recipe's training (PNG decoding, augmentation, the digits ResNet,
 *   Adam), its loader with num_workers 0 and 2, for a fixed number of batches.
 *   npm run bench:e2e
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createDataLoaders, DataLoader, MnistDataset } from '../lib/data';
import { createModel, LeNet } from '../lib/models';
import * as nn from '../lib/nn';
import { packageRoot } from '../lib/native';
import { Adam } from '../lib/optim';
import { loadRecipe } from '../lib/recipes';
import * as sg from '../lib/tensor';

/** Batches of the digits recipe timed per setting, after a few untimed ones (start-up, first decodes). */
const DIGITS_BATCHES = 60;
const DIGITS_WARMUP = 5;

/** The digits_folder_resnet recipe's training step on its own train loader with `workers` loader threads. */
async function digitsThroughput(workers: number): Promise<number> {
  const cfg = loadRecipe('digits_folder_resnet', { overrides: [`num_workers=${workers}`] });
  const loader = createDataLoaders(cfg.dataset_params as Record<string, unknown>).trainLoader as DataLoader;
  sg.manualSeed(0);
  const model = createModel('digits_resnet', cfg.arch_params as Record<string, unknown>) as nn.Module;
  model.train();
  const opt = new Adam(model.parameters(), { lr: 3e-3 });
  let seen = 0;
  let b = 0;
  let t0 = process.hrtime.bigint();
  for (const [x, y] of loader) {
    if (b === DIGITS_WARMUP) t0 = process.hrtime.bigint();
    opt.zeroGrad();
    sg.crossEntropy(model.forward(x) as sg.Tensor, y).backward();
    opt.step();
    if (b >= DIGITS_WARMUP) seen += x.shape[0];
    if (++b === DIGITS_WARMUP + DIGITS_BATCHES) break;
    if (b % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return seen / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function main(): Promise<void> {
  const batch = 64;
  const train = new MnistDataset({ split: 'train' });
  const [images, labels] = train.tensors;
  const n = train.length;
  sg.manualSeed(0);
  const model = new LeNet();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const epoch = async (limit: number) => {
    let seen = 0;
    for (let b = 0; b < Math.min(n, limit); b += batch) {
      const x = images.slice(0, b, Math.min(n, b + batch));
      const y = labels.slice(0, b, Math.min(n, b + batch));
      opt.zeroGrad();
      sg.crossEntropy(model.forward(x), y).backward();
      opt.step();
      seen += x.shape[0];
      if ((b / batch) % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return seen;
  };
  await epoch(batch * 5);
  const t0 = process.hrtime.bigint();
  const seen = await epoch(n);
  const ours = seen / (Number(process.hrtime.bigint() - t0) / 1e9);
  // PyTorch on the same images and batches: Debian's 1.13 (/usr/bin/python3) and current PyTorch
  // (SG_OPTIM_BENCH_PYTHON, else scripts/torch-wheel.sh's .venv-torch: 2.15), where they exist.
  const pythons: Array<[string, string]> = [['/usr/bin/python3', 'PyTorch (Debian)']];
  const current = process.env.SG_OPTIM_BENCH_PYTHON ?? path.join(packageRoot(), '.venv-torch', 'bin', 'python');
  if (fs.existsSync(current)) pythons.push([current, 'PyTorch (current)']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-e2e-'));
  fs.writeFileSync(path.join(dir, 'images.bin'), Buffer.from((images.toTypedArray() as Float32Array).buffer));
  fs.writeFileSync(path.join(dir, 'labels.bin'), Buffer.from((labels.toTypedArray() as BigInt64Array).buffer));
  const spec = JSON.stringify({ threads: sg.getNumThreads(), n, batch_size: batch, images: path.join(dir, 'images.bin'), labels: path.join(dir, 'labels.bin') });
  const pytorch: Record<string, { version: string; imagesPerSecond: number }> = {};
  for (const [python, label] of pythons) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const r = spawnSync(python, [path.join(packageRoot(), 'bench', 'torch_e2e.py'), spec], { encoding: 'utf8' });
    if (r.status === 0) pytorch[label] = { version: probe.stdout.trim(), imagesPerSecond: JSON.parse(r.stdout.trim().split('\n').pop()!).imagesPerSecond };
    else console.error(r.stderr.slice(-400));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const theirs = pytorch['PyTorch (Debian)']?.imagesPerSecond ?? null;
  const digits: Record<string, number> = {};
  for (const workers of [0, 2]) digits[`num_workers_${workers}`] = await digitsThroughput(workers);
  console.log(`${sg.getNumThreads()} LibTorch threads, ${os.cpus().length} CPUs; images per second:`);
  console.log('| workload | sg-optim | PyTorch |');
  console.log('|---|---|---|');
  const versus = Object.values(pytorch).map((t) => `${t.version}: ${t.imagesPerSecond.toFixed(0)} (ratio ${(ours / t.imagesPerSecond).toFixed(2)})`);
  console.log(`| MNIST LeNet + Adam, batch ${batch}, in memory | ${ours.toFixed(0)} | ${versus.length ? versus.join('; ') : 'not available'} |`);
  for (const [key, v] of Object.entries(digits)) console.log(`| digits_folder_resnet (PNG + augmentation, batch 64), ${key.replace(/_(\d+)$/, ' $1')} | ${v.toFixed(0)} | |`);
  const out = path.join(packageRoot(), 'bench', 'results', `e2e-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        imagesPerSecond: ours,
        pytorchImagesPerSecond: theirs,
        pytorch,
        batch,
        threads: sg.getNumThreads(),
        digitsFolderResnet: { batches: DIGITS_BATCHES, warmupBatches: DIGITS_WARMUP, batchSize: 64, imagesPerSecond: digits },
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
