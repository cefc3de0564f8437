/**
 * `npm run soak` (outside the default suite): 100,000 optimizer steps, 1,000,000 tensor
 * creations, and DataLoader batches from worker threads over hundreds of epochs (workers started
 * and ended every epoch); resident memory after warm-up must grow by less than 5%.
 */
import { DataLoader, ensureDigitsFolder, ImageFolderDataset, MnistDataset } from '../lib/data';
import { createOptimizer } from '../lib/optim';
import * as sg from '../lib/tensor';

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function phase(name: string, total: number, warmup: number, body: (i: number) => void): Promise<boolean> {
  let base = 0;
  let peak = 0;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    body(i);
    if (i % 1000 === 0) {
      await tick();
      if (i === warmup) base = rssMb();
      if (i > warmup) peak = Math.max(peak, rssMb());
    }
  }
  await tick();
  const end = rssMb();
  peak = Math.max(peak, end);
  const growth = (100 * (peak - base)) / base;
  const ok = growth < 5;
  console.log(`${name}: ${total} iterations in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS after warm-up ${base.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(2)}%) ${ok ? 'OK' : 'GROWING'}`);
  return ok;
}

async function main(): Promise<void> {
  sg.manualSeed(0);
  const params = Array.from({ length: 20 }, (_, i) => sg.randn([64 + i]).requiresGrad_(true));
  const optimizers = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion'].map((name) => createOptimizer(name, params, { lr: 1e-4 }));
  const ok1 = await phase('optimizer steps (7 optimizers, 20 tensors, grads replaced each step)', 100000, 10000, (i) => {
    params.forEach((p) => (p.grad = sg.randnLike(p)));
    optimizers[i % optimizers.length].step();
    if (i % 100 === 0) optimizers.forEach((o) => o.stateDict());
  });
  const ok2 = await phase('tensor creations (zeros, randn, ops, views)', 1000000, 100000, (i) => {
    const t = sg.zeros([32]);
    if (i % 4 === 0) t.add(1).mul(2).sum();
    if (i % 7 === 0) t.reshape(4, 8).t().contiguous();
  });
  // Endless batches: a new pass (new workers) whenever one ends.
  const batches = function* (loader: DataLoader): Generator<sg.Tensor[]> {
    for (;;) yield* loader;
  };
  const mnist = batches(new DataLoader(new MnistDataset({ split: 'train' }), { batch_size: 64, shuffle: true, num_workers: 2 }));
  const ok3 = await phase('MnistDataset batches from 2 worker threads (about 225 epochs)', 30000, 5000, () => {
    mnist.next();
  });
  const digits = ensureDigitsFolder();
  const augment = [{ RandomResizedCrop: { size: 28, scale: [0.7, 1] } }, { RandomCrop: { size: 28, padding: 2 } }, 'ToTensor'];
  const images = batches(new DataLoader(new ImageFolderDataset({ root: digits.val, color_mode: 'L', transforms: augment }), { batch_size: 64, shuffle: true, num_workers: 2 }));
  const ok4 = await phase('ImageFolderDataset batches (PNG, augmentation) from 2 worker threads (about 125 epochs)', 3000, 1000, () => {
    images.next();
  });
  if (!ok1 || !ok2 || !ok3 || !ok4) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
