/**
 * End-to-end training throughput: sg.models.LeNet + Adam on MNIST (batch 64, one epoch), images
 * per second, against the same model and optimizer in PyTorch Python on the same images.
 *   npm run bench:e2e
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { MnistDataset } from '../lib/data';
import { LeNet } from '../lib/models';
import { packageRoot } from '../lib/native';
import { Adam } from '../lib/optim';
import * as sg from '../lib/tensor';

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
  let theirs: number | null = null;
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-e2e-'));
    fs.writeFileSync(path.join(dir, 'images.bin'), Buffer.from((images.toTypedArray() as Float32Array).buffer));
    fs.writeFileSync(path.join(dir, 'labels.bin'), Buffer.from((labels.toTypedArray() as BigInt64Array).buffer));
    const spec = JSON.stringify({ threads: sg.getNumThreads(), n, batch_size: batch, images: path.join(dir, 'images.bin'), labels: path.join(dir, 'labels.bin') });
    const r = spawnSync('/usr/bin/python3', [path.join(packageRoot(), 'bench', 'torch_e2e.py'), spec], { encoding: 'utf8' });
    if (r.status === 0) theirs = JSON.parse(r.stdout.trim()).imagesPerSecond;
    else console.error(r.stderr.slice(-400));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`MNIST LeNet + Adam, batch ${batch}, ${sg.getNumThreads()} threads: sg-optim ${ours.toFixed(0)} images/s` + (theirs ? `, PyTorch ${theirs.toFixed(0)} images/s (ratio ${(ours / theirs).toFixed(2)})` : ' (PyTorch not available)'));
  const out = path.join(packageRoot(), 'bench', 'results', `e2e-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify({ imagesPerSecond: ours, pytorchImagesPerSecond: theirs, batch, threads: sg.getNumThreads() }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
