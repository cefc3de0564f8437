/**
 * torchvision's ImageFolder: `root/<class_name>/**\/<file>.<ext>`, decoded by sharp.
 *
 * Decoding is asynchronous in sharp. `getAsync(i)` awaits it and never blocks the event loop;
 * `get(i)`, the synchronous Dataset interface that DataLoader and the Trainer use, runs the same
 * sharp calls on a helper worker thread and sleeps (Atomics.wait, no busy loop) until they are
 * done: the calling thread waits as it would for fs.readFileSync. Both run the same transforms and
 * give the same tensors for the same seed.
 */
import * as fs from 'fs';
import * as path from 'path';

import { isPlainObject, typeError } from '../errors';
import { tensor } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { Dataset, DatasetWorkerSpec } from './dataset';
import { mixSeed } from './random';
import { buildTransforms, Compose, ImageDecodeError, runAsync, runSync, ToTensor, Transform, TransformInput } from './transforms';
import { ColorMode, Effect, Program, RawImage } from './transforms/effects';
import { runEffectSync } from './transforms/sync-worker';

/** torchvision.datasets.folder.IMG_EXTENSIONS (matched case-insensitively). */
export const IMG_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

export interface ImageFolderOptions {
  root: string;
  /** Transform objects, a Compose, or SG's YAML list (`[{RandomHorizontalFlip: {p: 0.5}}, 'ToTensor']`). Default: ToTensor. */
  transforms?: Transform | unknown[] | null;
  /** Seed handed to the random transforms that have none of their own (default 0). */
  seed?: number;
  /** 'RGB' (default, as torchvision's pil_loader) or 'L' (one grey channel). */
  color_mode?: ColorMode;
  /** Decode every file once now and leave out those sharp cannot decode, with a warning each. */
  skipCorrupt?: boolean;
}

/** Python's sorted() on strings: by code point (JS's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** torchvision's find_classes: the sorted names of root's sub-folders. */
export function findClasses(root: string): { classes: string[]; classToIdx: Record<string, number> } {
  if (!isDirectory(root)) throw new Error(`ImageFolderDataset: root '${root}' is not a folder`);
  const classes = fs
    .readdirSync(root)
    .filter((name) => isDirectory(path.join(root, name)))
    .sort(byCodePoint);
  if (classes.length === 0) throw new Error(`ImageFolderDataset: couldn't find any class folder in '${root}' (expected root/<class_name>/<image files>)`);
  const classToIdx: Record<string, number> = {};
  classes.forEach((c, i) => (classToIdx[c] = i));
  return { classes, classToIdx };
}

/** os.walk(dir, followlinks=True), sorted as torchvision's make_dataset sorts it: [folder, files]. */
function walk(dir: string, seen: Set<string> = new Set()): [string, string[]][] {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const files: string[] = [];
  const out: [string, string[]][] = [];
  const subdirs: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (isDirectory(p)) subdirs.push(p);
    else files.push(name);
  }
  out.push([dir, files.sort(byCodePoint)]);
  for (const sub of subdirs) out.push(...walk(sub, seen));
  return out;
}

function hasImageExtension(file: string): boolean {
  const lower = file.toLowerCase();
  return IMG_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** torchvision's make_dataset: [file, class index] by sorted class, then sorted folder, then sorted name. */
export function makeDataset(root: string, classToIdx: Record<string, number>): [string, number][] {
  const samples: [string, number][] = [];
  const empty: string[] = [];
  for (const cls of Object.keys(classToIdx).sort(byCodePoint)) {
    const before = samples.length;
    const folders = walk(path.join(root, cls)).sort((a, b) => byCodePoint(a[0], b[0]));
    for (const [folder, files] of folders) {
      for (const f of files) if (hasImageExtension(f)) samples.push([path.join(folder, f), classToIdx[cls]]);
    }
    if (samples.length === before) empty.push(cls);
  }
  if (empty.length > 0) {
    throw new Error(`ImageFolderDataset: found no valid file for the classes ${empty.join(', ')} in '${root}'. Supported extensions are: ${IMG_EXTENSIONS.join(', ')}`);
  }
  return samples;
}

/**
 * Images in class folders, as torchvision.datasets.ImageFolder: classes are the sorted
 * sub-folder names, labels their indices; item i is `[image, label]` with the image transformed
 * (default ToTensor: float32 [C, H, W] in 0..1) and the label an int64 scalar tensor.
 *
 * @example
 * const train = new sg.data.ImageFolderDataset({
 *   root: 'data/train',
 *   transforms: [{ RandomResizedCrop: { size: 64 } }, { RandomHorizontalFlip: { p: 0.5 } }, 'ToTensor'],
 * });
 * const [image, label] = train.get(0);          // synchronous (sharp runs on a helper thread)
 * const [image2] = await train.getAsync(1);     // or asynchronous, never blocking the event loop
 */
export class ImageFolderDataset extends Dataset<Tensor[]> {
  readonly root: string;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [file path, class index] per item, in torchvision's order. */
  readonly samples: [string, number][];
  readonly transforms: Compose;
  readonly colorMode: ColorMode;
  /** The random transforms' seed (`seed` option). */
  readonly seed: number;
  private epoch = 0;
  /** The options as given, for workerSpec(). */
  private readonly options: ImageFolderOptions;

  constructor(options: ImageFolderOptions) {
    super();
    if (!isPlainObject(options as unknown)) throw typeError('ImageFolderDataset(options)', 'an options object with root', options);
    const allowed = ['root', 'transforms', 'seed', 'color_mode', 'skipCorrupt'];
    for (const key of Object.keys(options)) {
      if (!allowed.includes(key)) throw new TypeError(`Unknown option '${key}' for ImageFolderDataset; allowed: ${allowed.join(', ')}`);
    }
    if (typeof options.root !== 'string' || options.root === '') throw typeError('ImageFolderDataset({root})', 'a folder path', options.root);
    this.root = options.root;
    const mode = options.color_mode ?? 'RGB';
    if (mode !== 'RGB' && mode !== 'L') throw typeError('ImageFolderDataset({color_mode})', "'RGB' or 'L'", mode);
    this.colorMode = mode;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0) throw typeError('ImageFolderDataset({seed})', 'a non-negative integer', seed);
    this.seed = seed;
    this.options = options;
    const t = options.transforms;
    this.transforms = t instanceof Transform ? (t instanceof Compose ? t : new Compose([t])) : t === undefined || t === null ? new Compose([new ToTensor()]) : buildTransforms(t, 'ImageFolderDataset({transforms})');
    this.transforms.reseed(seed);
    const { classes, classToIdx } = findClasses(this.root);
    this.classes = classes;
    this.classToIdx = classToIdx;
    const preset = presetSamples;
    presetSamples = null;
    if (preset) {
      // A worker's copy (imageFolderFromSpec): the list the first copy found, without scanning again.
      this.samples = preset;
      return;
    }
    let samples = makeDataset(this.root, classToIdx);
    if (options.skipCorrupt) {
      samples = samples.filter(([file]) => {
        try {
          runEffectSync({ kind: 'decode', file, mode });
          return true;
        } catch (e) {
          if (!(e instanceof ImageDecodeError)) throw e;
          process.emitWarning(`ImageFolderDataset: skipping ${e.message}`);
          return false;
        }
      });
      if (samples.length === 0) throw new Error(`ImageFolderDataset: no file in '${this.root}' could be decoded`);
    }
    this.samples = samples;
  }

  get length(): number {
    return this.samples.length;
  }

  /** The labels of every item (no decoding), e.g. for class counts. */
  get targets(): number[] {
    return this.samples.map(([, label]) => label);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`index ${index} is out of range for a data set of ${this.length} items`);
    }
  }

  /**
   * Sets the epoch of the next items (the DataLoader does, before every pass).
   *
   * Item i's random transforms draw from a generator of (seed, epoch, i) alone, so an item looks the same whichever thread loads it and in whatever order,
   * and differs from epoch to epoch.
   */
  override setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw typeError('ImageFolderDataset.setEpoch(epoch)', 'a non-negative integer', epoch);
    this.epoch = epoch;
  }

  /** Describes the data set to DataLoader worker threads: its options, its transforms as recipe entries (toSpec()), its file list. */
  override workerSpec(): DatasetWorkerSpec {
    const transforms = this.transforms.toSpec();
    if (transforms === null) {
      throw new TypeError('ImageFolderDataset.workerSpec: its transforms include one that is not a built-in (no toSpec()), which a worker thread cannot rebuild');
    }
    const options: ImageFolderOptions = { ...this.options, transforms: transforms as unknown[], skipCorrupt: false };
    return { module: __filename, factory: 'imageFolderFromSpec', args: { options, samples: this.samples } };
  }

  private *program(index: number): Program<Tensor[]> {
    const [file, label] = this.samples[index];
    const image: RawImage = yield { kind: 'decode', file, mode: this.colorMode } as Effect;
    let out: TransformInput;
    try {
      out = yield* this.transforms.apply(image, mixSeed(this.epoch, index));
    } catch (e) {
      if (e instanceof Error && !(e instanceof ImageDecodeError)) e.message = `${e.message} (image '${file}')`;
      throw e;
    }
    if (!(out instanceof Tensor)) throw new TypeError(`ImageFolderDataset: the transforms must end with ToTensor (they left an image for '${file}')`);
    return [out, tensor([label], { dtype: 'int64', shape: [] })];
  }

  /** Item i, decoded by sharp on a helper thread while this thread waits. */
  get(index: number): Tensor[] {
    this.checkIndex(index);
    return runSync(this.program(index), runEffectSync);
  }

  /** Item i, decoded by sharp asynchronously (the event loop keeps running). */
  override async getAsync(index: number): Promise<Tensor[]> {
    this.checkIndex(index);
    return runAsync(this.program(index));
  }
}

/** The file list the next ImageFolderDataset takes instead of scanning its root (set by imageFolderFromSpec only). */
let presetSamples: [string, number][] | null = null;

/**
 * The worker side of ImageFolderDataset.workerSpec.
 *
 * @internal
 * @public
 */
export function imageFolderFromSpec(args: { options: ImageFolderOptions; samples: [string, number][] }): ImageFolderDataset {
  presetSamples = args.samples;
  try {
    return new ImageFolderDataset(args.options);
  } finally {
    presetSamples = null;
  }
}
