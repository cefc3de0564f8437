/**
 * torchvision's / SuperGradients' standard image transforms as composable objects: Resize,
 * CenterCrop, RandomCrop, RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize, Compose.
 * Options keep torchvision's names (`size`, `padding`, `pad_if_needed`, `padding_mode`, `scale`,
 * `ratio`, `p`, `mean`, `std`, `interpolation`, `max_size`), so a recipe's YAML list
 * (`- RandomHorizontalFlip: {p: 0.5}`) passes them through unchanged.
 *
 * Images before ToTensor are RawImage (HWC uint8, as PIL images in torchvision); ToTensor makes a
 * float32 [C, H, W] tensor in 0..1. The random transforms draw from their own seeded generator
 * (mulberry32, lib/data/random.ts), so a transform built with the same seed repeats its choices;
 * their parameter sampling follows torchvision's get_params step by step (see each class).
 */
import { isPlainObject, typeError } from '../../errors';
import { Registry } from '../../registry/registry';
import { tensor } from '../../tensor/creation';
import { Tensor } from '../../tensor/tensor';
import { mixSeed, mulberry32 } from '../random';
import { Interpolation, INTERPOLATIONS, Program, RawImage } from './effects';

export { ImageDecodeError, INTERPOLATIONS, runAsync, runSync } from './effects';
export type { ColorMode, Effect, Interpolation, Program, RawImage } from './effects';

export type TransformInput = RawImage | Tensor;

/**
 * A transform: a generator that may yield sharp work (decoding, resizing) and returns its output.
 * `sampleSeed` (a data set passes one derived from the epoch and the item's index) makes a random
 * transform draw from a generator of its own seed and that sample seed only, so an item's
 * augmentation does not depend on which items were loaded before it, nor on which thread loads it.
 * Without one, a random transform continues its own seeded stream.
 */
export abstract class Transform {
  /** The options a built-in transform was made with (null for others), for toSpec(). */
  protected given: Record<string, unknown> | null = null;

  abstract apply(input: TransformInput, sampleSeed?: number): Program<TransformInput>;

  /**
   * The transform as a recipe writes it (`{RandomCrop: {size: 28, padding: 2}}`), from which
   * buildTransforms makes an equal one, e.g. in a DataLoader worker thread; null for a transform
   * that is not one of the registered built-ins.
   */
  toSpec(): unknown {
    const name = this.constructor.name;
    return this.given !== null && TRANSFORMS.has(name) ? { [name]: this.given } : null;
  }

  /** Re-seeds the transform's random choices (no effect on deterministic transforms). */
  reseed(seed: number): void {
    void seed;
  }
}

/** A random number generator in [0, 1). */
export type Rng = () => number;

/** Python's round(): halves go to the even neighbour (torchvision's crops use it). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torch.randint(low, high): an integer in [low, high). */
function randint(rng: Rng, low: number, high: number): number {
  return low + Math.floor(rng() * (high - low));
}

// ---------------------------------------------------------------------------------------------
// Option checking

function checkKeys(name: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw typeError(`${name}(options)`, 'an options object', options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`Unknown option '${key}' for ${name}; allowed: ${allowed.join(', ')}`);
  }
  return options;
}

function positiveInt(path: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw typeError(path, 'a positive integer', v);
  return v as number;
}

/** size as torchvision's _setup_size: an int → (size, size); [h, w]; [s] → (s, s). */
function pairSize(path: string, v: unknown): [number, number] {
  if (typeof v === 'number') return [positiveInt(path, v), v];
  if (Array.isArray(v) && (v.length === 1 || v.length === 2)) {
    const h = positiveInt(`${path}[0]`, v[0]);
    return [h, v.length === 2 ? positiveInt(`${path}[1]`, v[1]) : h];
  }
  throw typeError(path, 'a positive integer or [height, width]', v);
}

function interpolationOf(path: string, v: unknown): Interpolation {
  if (v === undefined || v === null) return 'bilinear';
  const s = typeof v === 'string' ? v.replace(/^InterpolationMode\./i, '').toLowerCase() : v;
  if (typeof s !== 'string' || !INTERPOLATIONS.includes(s as Interpolation)) throw typeError(path, `one of ${INTERPOLATIONS.join(', ')}`, v);
  return s as Interpolation;
}

function seedOf(path: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < 0) throw typeError(path, 'a non-negative integer seed', v);
  return v as number;
}

function requireImage(name: string, input: TransformInput): RawImage {
  if (input instanceof Tensor) throw new TypeError(`${name} works on images before ToTensor; put it before ToTensor in the transforms`);
  return input;
}

// ---------------------------------------------------------------------------------------------
// Pixel operations in JS (crops, flips, padding); resizing is a sharp effect.

/** Crops [top, top+h) × [left, left+w); parts outside the image are `fill` (0), as F.crop on PIL. */
export function cropImage(img: RawImage, top: number, left: number, h: number, w: number): RawImage {
  const { channels: c, width: W, height: H } = img;
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= H) continue;
    for (let x = 0; x < w; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= W) continue;
      const s = (sy * W + sx) * c;
      const d = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = img.data[s + k];
    }
  }
  return { data: out, width: w, height: h, channels: c };
}

export function hflipImage(img: RawImage): RawImage {
  const { channels: c, width: W, height: H } = img;
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + (W - 1 - x)) * c;
      const d = (y * W + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = img.data[s + k];
    }
  }
  return { data: out, width: W, height: H, channels: c };
}

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';
const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

/** Source index of padded coordinate i (−pad ≤ i < n + pad) per padding mode; −1: the fill. */
function padIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge' || n === 1) return i < 0 ? 0 : n - 1;
  for (;;) {
    if (mode === 'reflect') i = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    else i = i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i;
    if (i >= 0 && i < n) return i;
  }
}

/** F.pad: [left, top, right, bottom] with a fill value (per channel or one) or a padding mode. */
export function padImage(img: RawImage, ltrb: [number, number, number, number], fill: number[], mode: PaddingMode): RawImage {
  const [l, t, r, b] = ltrb;
  const { channels: c, width: W, height: H } = img;
  const w = W + l + r;
  const h = H + t + b;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const sy = padIndex(y - t, H, mode);
    for (let x = 0; x < w; x++) {
      const sx = padIndex(x - l, W, mode);
      const d = (y * w + x) * c;
      if (sy < 0 || sx < 0) for (let k = 0; k < c; k++) out[d + k] = fill[Math.min(k, fill.length - 1)];
      else for (let k = 0; k < c; k++) out[d + k] = img.data[(sy * W + sx) * c + k];
    }
  }
  return { data: out, width: w, height: h, channels: c };
}

// eslint-disable-next-line require-yield -- the program of a transform that needs no sharp work
function* done<T>(value: T): Program<T> {
  return value;
}

function* resizeImage(img: RawImage, height: number, width: number, interpolation: Interpolation): Program<RawImage> {
  if (img.height === height && img.width === width) return img;
  return yield { kind: 'resize', image: img, width, height, interpolation };
}

// ---------------------------------------------------------------------------------------------
// Size and parameter rules (torchvision's, as pure functions: the tests check them)

/**
 * torchvision's _compute_resized_output_size: an int `size` is the shorter side, the longer one is
 * int(size * long / short) (truncated), then capped by `max_size`; [h, w] is taken as given.
 * Returns [height, width].
 */
export function resizedOutputSize(height: number, width: number, size: number | [number, number], maxSize?: number | null): [number, number] {
  if (Array.isArray(size)) return [size[0], size[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = size;
  let newLong = Math.trunc((size * long) / short);
  if (maxSize !== undefined && maxSize !== null) {
    if (maxSize <= size) throw new RangeError(`max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${size}`);
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}

/** F.center_crop's box [top, left, h, w] (Python's round of (H - h) / 2), possibly outside the image. */
export function centerCropBox(height: number, width: number, cropH: number, cropW: number): [number, number, number, number] {
  return [pyRound((height - cropH) / 2), pyRound((width - cropW) / 2), cropH, cropW];
}

/** RandomCrop.get_params: [top, left, h, w]. */
export function randomCropParams(rng: Rng, height: number, width: number, th: number, tw: number): [number, number, number, number] {
  if (height < th || width < tw) throw new RangeError(`Required crop size (${th}, ${tw}) is larger than input image size (${height}, ${width})`);
  if (width === tw && height === th) return [0, 0, height, width];
  const i = randint(rng, 0, height - th + 1);
  const j = randint(rng, 0, width - tw + 1);
  return [i, j, th, tw];
}

/**
 * RandomResizedCrop.get_params: up to 10 attempts of an area fraction uniform in `scale` and an
 * aspect ratio log-uniform in `ratio` (w = round(sqrt(area·r)), h = round(sqrt(area/r)), Python's
 * round); the first that fits is placed uniformly; otherwise the centre crop of the whole image
 * clamped to the ratio range. Returns [top, left, h, w].
 */
export function randomResizedCropParams(rng: Rng, height: number, width: number, scale: [number, number], ratio: [number, number]): [number, number, number, number] {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * (scale[0] + rng() * (scale[1] - scale[0]));
    const aspect = Math.exp(logLo + rng() * (logHi - logLo));
    const w = pyRound(Math.sqrt(targetArea * aspect));
    const h = pyRound(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const i = randint(rng, 0, height - h + 1);
      const j = randint(rng, 0, width - w + 1);
      return [i, j, h, w];
    }
  }
  const inRatio = width / height;
  let w: number;
  let h: number;
  if (inRatio < Math.min(...ratio)) {
    w = width;
    h = pyRound(w / Math.min(...ratio));
  } else if (inRatio > Math.max(...ratio)) {
    h = height;
    w = pyRound(h * Math.max(...ratio));
  } else {
    w = width;
    h = height;
  }
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

// ---------------------------------------------------------------------------------------------
// The transforms

abstract class RandomTransform extends Transform {
  private stream: Rng;
  private baseSeed: number;
  private explicitSeed: boolean;

  constructor(seed: number | undefined) {
    super();
    this.explicitSeed = seed !== undefined;
    this.baseSeed = seed ?? 0;
    this.stream = mulberry32(this.baseSeed);
  }

  /** A seed given in the options wins over the one the data set or Compose hands down. */
  override reseed(seed: number): void {
    if (this.explicitSeed) return;
    this.baseSeed = seed;
    this.stream = mulberry32(seed);
  }

  /** The generator for one application: the stream, or one of (seed, sampleSeed) alone. */
  protected rngFor(sampleSeed: number | undefined): Rng {
    return sampleSeed === undefined ? this.stream : mulberry32(mixSeed(this.baseSeed, sampleSeed));
  }
}

export interface ResizeOptions {
  /** An int: the shorter side (aspect ratio kept); [h, w]: exactly that size. */
  size: number | [number, number];
  interpolation?: Interpolation;
  max_size?: number | null;
}

/** torchvision.transforms.Resize (sizes by _compute_resized_output_size; pixels by sharp's kernel). */
export class Resize extends Transform {
  readonly size: number | [number, number];
  readonly interpolation: Interpolation;
  readonly maxSize: number | null;

  constructor(options: ResizeOptions) {
    super();
    const o = checkKeys('Resize', options, ['size', 'interpolation', 'max_size', 'antialias']);
    this.given = o;
    if (typeof o.size === 'number') this.size = positiveInt('Resize({size})', o.size);
    else if (Array.isArray(o.size) && o.size.length === 1) this.size = positiveInt('Resize({size})[0]', o.size[0]);
    else this.size = pairSize('Resize({size})', o.size);
    this.interpolation = interpolationOf('Resize({interpolation})', o.interpolation);
    this.maxSize = o.max_size === undefined || o.max_size === null ? null : positiveInt('Resize({max_size})', o.max_size);
    if (this.maxSize !== null && Array.isArray(this.size)) throw new RangeError(`Resize: max_size (${this.maxSize}) is only allowed when size is a single int, got size [${this.size.join(', ')}]`);
    if (this.maxSize !== null && typeof this.size === 'number' && this.maxSize <= this.size) {
      throw new RangeError(`Resize: max_size = ${this.maxSize} must be strictly greater than the requested size for the smaller edge size = ${this.size}`);
    }
  }

  *apply(input: TransformInput): Program<TransformInput> {
    const img = requireImage('Resize', input);
    const [h, w] = resizedOutputSize(img.height, img.width, this.size, this.maxSize);
    return yield* resizeImage(img, h, w, this.interpolation);
  }
}

/** torchvision.transforms.CenterCrop (an image smaller than the crop is zero-padded first). */
export class CenterCrop extends Transform {
  readonly size: [number, number];

  constructor(options: { size: number | [number, number] }) {
    super();
    this.given = checkKeys('CenterCrop', options, ['size']);
    this.size = pairSize('CenterCrop({size})', this.given.size);
  }

  apply(input: TransformInput): Program<TransformInput> {
    return done(this.run(input));
  }

  private run(input: TransformInput): TransformInput {
    const img = requireImage('CenterCrop', input);
    const [top, left, h, w] = centerCropBox(img.height, img.width, this.size[0], this.size[1]);
    if (img.height < h || img.width < w) {
      // torchvision pads by ((ch - H) // 2, (ch - H + 1) // 2) first; the crop below lands on the same pixels.
      const pt = h > img.height ? Math.floor((h - img.height) / 2) : 0;
      const pl = w > img.width ? Math.floor((w - img.width) / 2) : 0;
      const padded = padImage(img, [pl, pt, w > img.width ? Math.floor((w - img.width + 1) / 2) : 0, h > img.height ? Math.floor((h - img.height + 1) / 2) : 0], [0], 'constant');
      const [t2, l2] = centerCropBox(padded.height, padded.width, h, w);
      return cropImage(padded, t2, l2, h, w);
    }
    return cropImage(img, top, left, h, w);
  }
}

export interface RandomCropOptions {
  size: number | [number, number];
  /** An int (all sides), [left/right, top/bottom] or [left, top, right, bottom]. */
  padding?: number | number[] | null;
  pad_if_needed?: boolean;
  fill?: number | number[];
  padding_mode?: PaddingMode;
  seed?: number;
}

function paddingLtrb(path: string, v: unknown): [number, number, number, number] {
  const ok = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  if (ok(v)) return [v as number, v as number, v as number, v as number];
  if (Array.isArray(v) && v.every(ok)) {
    if (v.length === 1) return [v[0], v[0], v[0], v[0]];
    if (v.length === 2) return [v[0], v[1], v[0], v[1]];
    if (v.length === 4) return [v[0], v[1], v[2], v[3]];
  }
  throw typeError(path, 'a non-negative integer, [left/right, top/bottom] or [left, top, right, bottom]', v);
}

function fillOf(path: string, v: unknown): number[] {
  if (v === undefined || v === null) return [0];
  const ok = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255;
  if (ok(v)) return [v as number];
  if (Array.isArray(v) && v.length > 0 && v.every(ok)) return v as number[];
  throw typeError(path, 'an integer 0..255 or one per channel', v);
}

function paddingModeOf(path: string, v: unknown): PaddingMode {
  if (v === undefined || v === null) return 'constant';
  if (typeof v !== 'string' || !PADDING_MODES.includes(v as PaddingMode)) throw typeError(path, `one of ${PADDING_MODES.join(', ')}`, v);
  return v as PaddingMode;
}

/** torchvision.transforms.RandomCrop: optional padding, pad_if_needed, then get_params. */
export class RandomCrop extends RandomTransform {
  readonly size: [number, number];
  readonly padding: [number, number, number, number] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number[];
  readonly paddingMode: PaddingMode;

  constructor(options: RandomCropOptions) {
    const o = checkKeys('RandomCrop', options, ['size', 'padding', 'pad_if_needed', 'fill', 'padding_mode', 'seed']);
    super(seedOf('RandomCrop({seed})', o.seed));
    this.given = o;
    this.size = pairSize('RandomCrop({size})', o.size);
    this.padding = o.padding === undefined || o.padding === null ? null : paddingLtrb('RandomCrop({padding})', o.padding);
    if (o.pad_if_needed !== undefined && typeof o.pad_if_needed !== 'boolean') throw typeError('RandomCrop({pad_if_needed})', 'a boolean', o.pad_if_needed);
    this.padIfNeeded = (o.pad_if_needed as boolean | undefined) ?? false;
    this.fill = fillOf('RandomCrop({fill})', o.fill);
    this.paddingMode = paddingModeOf('RandomCrop({padding_mode})', o.padding_mode);
  }

  apply(input: TransformInput, sampleSeed?: number): Program<TransformInput> {
    return done(this.run(input, this.rngFor(sampleSeed)));
  }

  private run(input: TransformInput, rng: Rng): TransformInput {
    let img = requireImage('RandomCrop', input);
    if (this.padding) img = padImage(img, this.padding, this.fill, this.paddingMode);
    const [th, tw] = this.size;
    if (this.padIfNeeded && img.width < tw) img = padImage(img, [tw - img.width, 0, tw - img.width, 0], this.fill, this.paddingMode);
    if (this.padIfNeeded && img.height < th) img = padImage(img, [0, th - img.height, 0, th - img.height], this.fill, this.paddingMode);
    const [i, j, h, w] = randomCropParams(rng, img.height, img.width, th, tw);
    return cropImage(img, i, j, h, w);
  }
}

export interface RandomResizedCropOptions {
  size: number | [number, number];
  scale?: [number, number];
  ratio?: [number, number];
  interpolation?: Interpolation;
  seed?: number;
}

function rangePair(path: string, v: unknown, fallback: [number, number], positive: boolean): [number, number] {
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (positive ? x > 0 : x >= 0))) {
    throw typeError(path, `[min, max] of two ${positive ? 'positive' : 'non-negative'} numbers`, v);
  }
  if (v[0] > v[1]) process.emitWarning(`${path} should be of kind (min, max), got [${v.join(', ')}]`);
  return [v[0], v[1]];
}

/** torchvision.transforms.RandomResizedCrop (defaults scale [0.08, 1], ratio [3/4, 4/3], bilinear). */
export class RandomResizedCrop extends RandomTransform {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly interpolation: Interpolation;

  constructor(options: RandomResizedCropOptions) {
    const o = checkKeys('RandomResizedCrop', options, ['size', 'scale', 'ratio', 'interpolation', 'antialias', 'seed']);
    super(seedOf('RandomResizedCrop({seed})', o.seed));
    this.given = o;
    this.size = pairSize('RandomResizedCrop({size})', o.size);
    this.scale = rangePair('RandomResizedCrop({scale})', o.scale, [0.08, 1.0], false);
    this.ratio = rangePair('RandomResizedCrop({ratio})', o.ratio, [3 / 4, 4 / 3], true);
    this.interpolation = interpolationOf('RandomResizedCrop({interpolation})', o.interpolation);
  }

  *apply(input: TransformInput, sampleSeed?: number): Program<TransformInput> {
    const img = requireImage('RandomResizedCrop', input);
    const [i, j, h, w] = randomResizedCropParams(this.rngFor(sampleSeed), img.height, img.width, this.scale, this.ratio);
    return yield* resizeImage(cropImage(img, i, j, h, w), this.size[0], this.size[1], this.interpolation);
  }
}

function probability(path: string, v: unknown): number {
  if (v === undefined || v === null) return 0.5;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw typeError(path, 'a probability between 0 and 1', v);
  return v;
}

/** torchvision.transforms.RandomHorizontalFlip: flips when a uniform draw is < p. */
export class RandomHorizontalFlip extends RandomTransform {
  readonly p: number;

  constructor(options: { p?: number; seed?: number } = {}) {
    const o = checkKeys('RandomHorizontalFlip', options, ['p', 'seed']);
    super(seedOf('RandomHorizontalFlip({seed})', o.seed));
    this.given = o;
    this.p = probability('RandomHorizontalFlip({p})', o.p);
  }

  apply(input: TransformInput, sampleSeed?: number): Program<TransformInput> {
    return done(this.run(input, this.rngFor(sampleSeed)));
  }

  private run(input: TransformInput, rng: Rng): TransformInput {
    const img = requireImage('RandomHorizontalFlip', input);
    return rng() < this.p ? hflipImage(img) : img;
  }
}

/** torchvision.transforms.ToTensor: HWC uint8 → float32 [C, H, W] in 0..1. */
export class ToTensor extends Transform {
  constructor(options?: Record<string, never> | null) {
    super();
    this.given = checkKeys('ToTensor', options, []);
  }

  apply(input: TransformInput): Program<TransformInput> {
    return done(this.run(input));
  }

  private run(input: TransformInput): TransformInput {
    const img = requireImage('ToTensor', input);
    const { width: W, height: H, channels: C } = img;
    const out = new Float32Array(C * H * W);
    for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) out[c * H * W + p] = img.data[p * C + c] / 255;
    return tensor(out, { shape: [C, H, W] });
  }
}

/** torchvision.transforms.Normalize: (x − mean[c]) / std[c] per channel, on a tensor. */
export class Normalize extends Transform {
  readonly mean: number[];
  readonly std: number[];

  constructor(options: { mean: number[] | number; std: number[] | number }) {
    super();
    const o = checkKeys('Normalize', options, ['mean', 'std', 'inplace']);
    this.given = o;
    const list = (path: string, v: unknown): number[] => {
      const arr = typeof v === 'number' ? [v] : v;
      if (!Array.isArray(arr) || arr.length === 0 || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) throw typeError(path, 'a number or a list of numbers (one per channel)', v);
      return arr as number[];
    };
    this.mean = list('Normalize({mean})', o.mean);
    this.std = list('Normalize({std})', o.std);
    if (this.std.some((s) => s === 0)) throw new RangeError(`Normalize: std [${this.std.join(', ')}] has a zero, leading to division by zero`);
  }

  apply(input: TransformInput): Program<TransformInput> {
    return done(this.run(input));
  }

  private run(input: TransformInput): TransformInput {
    if (!(input instanceof Tensor)) throw new TypeError('Normalize works on tensors; put ToTensor before it in the transforms');
    const c = input.shape[0];
    const per = (name: string, v: number[]) => {
      if (v.length !== 1 && v.length !== c) throw new RangeError(`Normalize: ${name} has ${v.length} values but the image has ${c} channels`);
      return tensor(v.length === 1 ? Array(c).fill(v[0]) : v, { shape: [c, 1, 1] });
    };
    return input.sub(per('mean', this.mean)).div(per('std', this.std));
  }
}

/** torchvision.transforms.Compose; re-seeding it gives each random child its own stream. */
export class Compose extends Transform {
  constructor(readonly transforms: Transform[]) {
    super();
    if (!Array.isArray(transforms)) throw typeError('Compose(transforms)', 'an array of transforms', transforms);
    transforms.forEach((t, i) => {
      if (!(t instanceof Transform)) throw typeError(`Compose(transforms[${i}])`, 'an sg.data.transforms.Transform', t);
    });
  }

  *apply(input: TransformInput, sampleSeed?: number): Program<TransformInput> {
    let x = input;
    // Each child mixes the sample seed with its own seed (reseed gives every child a different one).
    for (const t of this.transforms) x = yield* t.apply(x, sampleSeed);
    return x;
  }

  /** The children's specs as a list, or null when one of them has none. */
  override toSpec(): unknown {
    const specs = this.transforms.map((t) => t.toSpec());
    return specs.includes(null) ? null : specs;
  }

  override reseed(seed: number): void {
    this.transforms.forEach((t, i) => t.reseed((Math.imul(seed, 0x9e3779b1) + i * 0x85ebca6b + 1) >>> 0));
  }
}

/** The transforms a recipe can name (SuperGradients resolves names in its transforms factory). */
export const TRANSFORMS = new Registry<(params: Record<string, unknown>) => Transform>('transform');
TRANSFORMS.register('Resize', (p) => new Resize(p as never));
TRANSFORMS.register('CenterCrop', (p) => new CenterCrop(p as never));
TRANSFORMS.register('RandomCrop', (p) => new RandomCrop(p as never));
TRANSFORMS.register('RandomResizedCrop', (p) => new RandomResizedCrop(p as never));
TRANSFORMS.register('RandomHorizontalFlip', (p) => new RandomHorizontalFlip(p as never));
TRANSFORMS.register('ToTensor', (p) => new ToTensor(p as never));
TRANSFORMS.register('Normalize', (p) => new Normalize(p as never));

/**
 * Transforms as SuperGradients writes them in YAML: a list whose entries are a name
 * (`- ToTensor`) or a single-key mapping from a name to its options (`- RandomCrop: {size: 32,
 * padding: 4}`). Transform objects may be mixed in.
 */
export function buildTransforms(spec: unknown, path = 'transforms'): Compose {
  if (spec instanceof Compose) return spec;
  if (spec === undefined || spec === null) return new Compose([]);
  if (!Array.isArray(spec)) throw typeError(path, 'a list of transforms (`- Name: {options}` entries)', spec);
  return new Compose(
    spec.map((entry, i) => {
      const where = `${path}[${i}]`;
      if (entry instanceof Transform) return entry;
      if (typeof entry === 'string') return TRANSFORMS.get(entry, where)({});
      if (isPlainObject(entry) && Object.keys(entry).length === 1) {
        const [name] = Object.keys(entry);
        const params = entry[name] ?? {};
        if (!isPlainObject(params)) throw typeError(`${where}.${name}`, 'a mapping of options', params);
        try {
          return TRANSFORMS.get(name, where)(params);
        } catch (e) {
          if (e instanceof Error) e.message = `${where}: ${e.message}`;
          throw e;
        }
      }
      throw typeError(where, `a transform name or a single-key mapping {Name: {options}} (known: ${TRANSFORMS.names().join(', ')})`, entry);
    }),
  );
}
