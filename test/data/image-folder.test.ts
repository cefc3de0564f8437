import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import sharp from 'sharp';
import { parse } from 'yaml';

import { createDataLoaders, DataLoader, ImageFolderDataset, transforms as T } from '../../lib/data';
import { Tensor } from '../../lib/tensor';

/** A w×h RGB image whose pixel (x, y) is (x * 10, y * 10, c0). */
function gradient(w: number, h: number, c0: number): Buffer {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 10, y * 10, c0], (y * w + x) * 3);
  return data;
}

async function writeImage(file: string, w: number, h: number, c0: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(gradient(w, h, c0), { raw: { width: w, height: h, channels: 3 } });
  await (file.toLowerCase().endsWith('.png') ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

describe('data: ImageFolderDataset (sharp)', () => {
  let root: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-image-folder-'));
    await writeImage(path.join(root, 'cat', 'b.png'), 6, 4, 1);
    await writeImage(path.join(root, 'cat', 'a.PNG'), 5, 7, 2);
    await writeImage(path.join(root, 'cat', 'sub', 'c.png'), 4, 4, 3);
    await writeImage(path.join(root, 'Dog', 'x.jpg'), 8, 8, 4);
    await sharp(Buffer.from([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } }).png().toFile(path.join(root, 'Dog', 'grey.png'));
    fs.writeFileSync(path.join(root, 'cat', 'notes.txt'), 'not an image, and not an image extension');
    fs.writeFileSync(path.join(root, 'top-level.png'), 'files at the top level are no class');
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("finds classes and files in torchvision's order (sorted by code point, sub-folders after the files)", () => {
    const ds = new ImageFolderDataset({ root });
    assert.deepEqual(ds.classes, ['Dog', 'cat']);
    assert.deepEqual(ds.classToIdx, { Dog: 0, cat: 1 });
    assert.deepEqual(
      ds.samples.map(([f, l]) => [path.relative(root, f), l]),
      [
        [path.join('Dog', 'grey.png'), 0],
        [path.join('Dog', 'x.jpg'), 0],
        [path.join('cat', 'a.PNG'), 1],
        [path.join('cat', 'b.png'), 1],
        [path.join('cat', 'sub', 'c.png'), 1],
      ],
    );
    assert.equal(ds.length, 5);
    assert.deepEqual(ds.targets, [0, 0, 1, 1, 1]);
  });

  it('get(i) decodes exact pixels into a CHW float tensor and an int64 label', () => {
    const ds = new ImageFolderDataset({ root });
    const [x, y] = ds.get(3); // cat/b.png, 6x4, pixel (x, y) = (10x, 10y, 1)
    assert.deepEqual(x.shape, [3, 4, 6]);
    assert.equal(y.dtype, 'int64');
    assert.deepEqual(y.shape, []);
    assert.equal(y.item(), 1);
    const v = x.toArray() as number[];
    const at = (c: number, yy: number, xx: number) => Math.round(v[c * 24 + yy * 6 + xx] * 255);
    assert.deepEqual([at(0, 2, 5), at(1, 2, 5), at(2, 2, 5)], [50, 20, 1]);
    // A grey PNG becomes RGB by repeating its channel (PIL's convert('RGB')); color_mode 'L' keeps one.
    const [g] = ds.get(0);
    assert.deepEqual(g.shape, [3, 2, 2]);
    assert.deepEqual((g.toArray() as number[]).map((p) => Math.round(p * 255)), [0, 128, 255, 64, 0, 128, 255, 64, 0, 128, 255, 64]);
    const [l] = new ImageFolderDataset({ root, color_mode: 'L' }).get(0);
    assert.deepEqual(l.shape, [1, 2, 2]);
    const resized = new ImageFolderDataset({ root, color_mode: 'L', transforms: [{ Resize: { size: [5, 3] } }, { RandomResizedCrop: { size: 4 } }, 'ToTensor'] });
    assert.deepEqual(resized.get(0)[0].shape, [1, 4, 4]); // sharp's resize keeps one channel
    assert.deepEqual(resized.get(3)[0].shape, [1, 4, 4]); // an RGB file read as grey
  });

  it('getAsync(i) gives the same tensors as get(i) for the same seed, without blocking the event loop', async () => {
    const spec = [{ RandomResizedCrop: { size: 4, scale: [0.3, 1] } }, { RandomHorizontalFlip: { p: 0.5 } }, 'ToTensor', { Normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } }];
    const a = new ImageFolderDataset({ root, transforms: spec, seed: 3 });
    const b = new ImageFolderDataset({ root, transforms: spec, seed: 3 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < a.length; i++) {
        const [xa, ya] = a.get(i);
        const [xb, yb] = await b.getAsync(i);
        assert.deepEqual(xa.shape, [3, 4, 4]);
        assert.deepEqual(xb.toArray(), xa.toArray());
        assert.equal(yb.item(), ya.item());
      }
    }
    clearInterval(timer);
    assert.ok(ticks > 0, 'timers ran while getAsync awaited sharp');
    const c = new ImageFolderDataset({ root, transforms: spec, seed: 4 });
    const differs = [0, 1, 2, 3, 4].some((i) => JSON.stringify(c.get(i)[0].toArray()) !== JSON.stringify(new ImageFolderDataset({ root, transforms: spec, seed: 3 }).get(i)[0].toArray()));
    assert.ok(differs, 'another seed crops differently');
  });

  it('Resize and CenterCrop through sharp give torchvision\'s sizes', async () => {
    const ds = new ImageFolderDataset({ root, transforms: [new T.Resize({ size: 3 }), 'ToTensor'] });
    assert.deepEqual(ds.get(2)[0].shape, [3, 4, 3]); // 5x7 (w x h): short side 5 → 3, long int(3 * 7 / 5) = 4
    assert.deepEqual(ds.get(3)[0].shape, [3, 3, 4]); // 6x4: int(3 * 6 / 4) = 4
    assert.deepEqual((await ds.getAsync(3))[0].shape, [3, 3, 4]);
    const up = new ImageFolderDataset({ root, transforms: [{ Resize: { size: [10, 12], interpolation: 'nearest' } }, { CenterCrop: { size: 8 } }, 'ToTensor'] });
    assert.deepEqual(up.get(0)[0].shape, [3, 8, 8]);
    // A 2x2 grey image resized to 10x12 by nearest neighbour: only its 4 values.
    assert.deepEqual([...new Set((up.get(0)[0].toArray() as number[]).map((p) => Math.round(p * 255)))].sort((p, q) => p - q), [0, 64, 128, 255]);
  });

  it('DataLoader batches it', () => {
    const ds = new ImageFolderDataset({ root, transforms: [{ Resize: { size: [4, 4] } }, 'ToTensor'] });
    const batches = [...new DataLoader(ds, { batch_size: 2 })];
    assert.deepEqual(batches.map(([x]) => x.shape), [[2, 3, 4, 4], [2, 3, 4, 4], [1, 3, 4, 4]]);
    assert.deepEqual(batches.flatMap(([, y]) => y.toArray()), [0, 0, 1, 1, 1]);
  });

  it('a corrupt file is an error naming it, or skipped with a warning when asked', async () => {
    const bad = path.join(root, 'cat', 'broken.png');
    fs.writeFileSync(bad, 'this is not a PNG');
    try {
      const ds = new ImageFolderDataset({ root });
      const i = ds.samples.findIndex(([f]) => f === bad);
      assert.equal(i, 4);
      assert.throws(() => ds.get(i), (e: Error) => e.name === 'ImageDecodeError' && e.message.includes(`cannot decode image '${bad}'`) && /expected a PNG, JPEG/.test(e.message));
      await assert.rejects(ds.getAsync(i), (e: Error) => e.message.includes(`cannot decode image '${bad}'`));
      assert.ok(ds.get(3)[0] instanceof Tensor, 'the other files still load');
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      const skipped = new ImageFolderDataset({ root, skipCorrupt: true });
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      assert.equal(skipped.length, 5);
      assert.ok(!skipped.samples.some(([f]) => f === bad));
      assert.equal(warnings.filter((w) => w.includes(bad)).length, 1);
    } finally {
      fs.rmSync(bad);
    }
  });

  it('rejects bad options and layouts, naming the value and what is allowed', () => {
    assert.throws(() => new ImageFolderDataset({ root: path.join(root, 'nope') }), /root '.*nope' is not a folder/);
    assert.throws(() => new ImageFolderDataset({ root: path.join(root, 'cat', 'sub') }), /couldn't find any class folder in/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-image-folder-empty-'));
    fs.mkdirSync(path.join(empty, 'only_text'));
    fs.writeFileSync(path.join(empty, 'only_text', 'a.txt'), 'x');
    assert.throws(() => new ImageFolderDataset({ root: empty }), /found no valid file for the classes only_text .*Supported extensions are: \.jpg, \.jpeg, \.png, \.ppm, \.bmp, \.pgm, \.tif, \.tiff, \.webp/);
    fs.rmSync(empty, { recursive: true });
    assert.throws(() => new ImageFolderDataset({ root, transform: [] } as never), /Unknown option 'transform' for ImageFolderDataset; allowed: root, transforms, seed, color_mode, skipCorrupt/);
    assert.throws(() => new ImageFolderDataset({ root, color_mode: 'CMYK' as never }), /Expected 'RGB' or 'L' for ImageFolderDataset\(\{color_mode\}\) but received 'CMYK'/);
    assert.throws(() => new ImageFolderDataset({ root, transforms: [{ Resize: { size: 4 } }] }).get(0), /the transforms must end with ToTensor/);
    assert.throws(() => new ImageFolderDataset({ root }).get(5), /index 5 is out of range for a data set of 5 items/);
  });

  it("is built from a recipe's SG-style dataset_params (YAML transforms lists)", () => {
    const params = parse(`
dataset: image_folder
train_dataset_params:
  root: ${root}
  transforms:
    - RandomResizedCrop: {size: 6, scale: [0.5, 1.0]}
    - RandomHorizontalFlip: {p: 0.5}
    - ToTensor
    - Normalize: {mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}
val_dataset_params:
  root: ${root}
  transforms:
    - Resize: {size: 6}
    - CenterCrop: {size: 6}
    - ToTensor
train_dataloader_params: {batch_size: 2, shuffle: True, seed: 1, drop_last: True}
val_dataloader_params: {batch_size: 5}
`) as Record<string, unknown>;
    const { trainLoader, validLoader } = createDataLoaders(params);
    assert.equal(trainLoader.length, 2);
    assert.equal(trainLoader.shuffle, true);
    const [x] = [...trainLoader][0];
    assert.deepEqual(x.shape, [2, 3, 6, 6]);
    const [vx, vy] = [...validLoader][0];
    assert.deepEqual(vx.shape, [5, 3, 6, 6]);
    assert.deepEqual(vy.toArray(), [0, 0, 1, 1, 1]);
    const bad = { ...params, train_dataset_params: { root, transforms: [{ RandomCrop: { size: 2, padding_mode: 'wrap' } }] } };
    assert.throws(() => createDataLoaders(bad), /dataset_params.train_dataset_params: ImageFolderDataset\(\{transforms\}\)\[0\]: Expected one of constant, edge, reflect, symmetric for RandomCrop\(\{padding_mode\}\) but received 'wrap'/);
    assert.throws(() => createDataLoaders({ ...params, val_dataloader_params: { batch: 5 } }), /Unknown key 'batch' in dataset_params.val_dataloader_params; allowed: batch_size/);
    assert.throws(() => createDataLoaders({ dataset: 'image_folder' }), /Expected a mapping \(root, transforms.*\) for dataset_params.train_dataset_params but received/);
  });
});
