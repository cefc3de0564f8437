/**
 * The image work that needs sharp (decoding a file, resizing pixels). Transforms are written as
 * generators that yield these effects; a driver runs them either asynchronously (awaiting sharp)
 * or synchronously (in a helper worker thread while the caller waits, see image-folder.ts). Both
 * drivers call runEffect(), so the two paths give the same pixels.
 */
import type { Sharp } from 'sharp';

/** An image between decoding and ToTensor: `height × width × channels` uint8 pixels (HWC). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** How Resize interpolates (torchvision's InterpolationMode names; sharp's kernels do the work). */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear', 'bicubic'];

/** Colour mode of decoded images: 'RGB' (torchvision's default loader) or 'L' (one grey channel). */
export type ColorMode = 'RGB' | 'L';

export type Effect =
  | { kind: 'decode'; file: string; mode: ColorMode }
  | { kind: 'resize'; image: RawImage; width: number; height: number; interpolation: Interpolation };

const KERNELS = { nearest: 'nearest', bilinear: 'linear', bicubic: 'cubic' } as const;

type SharpFactory = (input?: Buffer | string, options?: object) => Sharp;
let sharpModule: SharpFactory | null = null;

function sharp(): SharpFactory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: importing sg-optim does not load libvips
  if (!sharpModule) sharpModule = require('sharp') as SharpFactory;
  return sharpModule;
}

/** An error about one file: its message names the file. */
export class ImageDecodeError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`cannot decode image '${file}': ${detail} (expected a PNG, JPEG, BMP, PPM/PGM, TIFF or WebP file)`);
    this.name = 'ImageDecodeError';
  }
}

async function decode(file: string, mode: ColorMode): Promise<RawImage> {
  let out: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    // PIL's convert('RGB') drops alpha without compositing, as removeAlpha() does.
    let pipeline = sharp()(file, { failOn: 'error' });
    pipeline = mode === 'L' ? pipeline.grayscale() : pipeline.toColourspace('srgb');
    out = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ImageDecodeError(file, (e as Error).message);
  }
  const { width, height, channels } = out.info;
  const want = mode === 'L' ? 1 : 3;
  const src = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  if (channels === want) return { data: Uint8Array.from(src), width, height, channels };
  // A grey image asked for as RGB: replicate its channel as PIL's convert('RGB') does.
  const data = new Uint8Array(width * height * want);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < want; c++) data[p * want + c] = src[p * channels + Math.min(c, channels - 1)];
  return { data, width, height, channels: want };
}

async function resize(image: RawImage, width: number, height: number, interpolation: Interpolation): Promise<RawImage> {
  const { data, info } = await sharp()(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .resize(width, height, { fit: 'fill', kernel: KERNELS[interpolation] })
    // sharp would give a one-channel image three channels back.
    .toColourspace(image.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== image.channels) throw new Error(`resize changed the number of channels from ${image.channels} to ${info.channels}`);
  return { data: Uint8Array.from(data), width: info.width, height: info.height, channels: info.channels };
}

/**
 * Runs one effect with sharp (asynchronously: sharp decodes and resizes on libuv's thread pool).
 * Also loaded by path by the helper worker of sync-worker.ts.
 *
 * @public
 */
export function runEffect(effect: Effect): Promise<RawImage> {
  if (effect.kind === 'decode') return decode(effect.file, effect.mode);
  return resize(effect.image, effect.width, effect.height, effect.interpolation);
}

/** A computation that yields effects and receives their results. */
export type Program<T> = Generator<Effect, T, RawImage>;

/** Runs a program, awaiting each effect. */
export async function runAsync<T>(program: Program<T>): Promise<T> {
  let step = program.next();
  while (!step.done) step = program.next(await runEffect(step.value));
  return step.value;
}

/** Runs a program with a synchronous effect runner. */
export function runSync<T>(program: Program<T>, run: (effect: Effect) => RawImage): T {
  let step = program.next();
  while (!step.done) step = program.next(run(step.value));
  return step.value;
}
