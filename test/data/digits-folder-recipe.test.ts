import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createDataLoaders, ensureDigitsFolder, ImageFolderDataset, MnistDataset } from '../../lib/data';
import { createModel } from '../../lib/models';
import { loadRecipe } from '../../lib/recipes';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

/** PNG files per class folder of a split. */
function counts(root: string): number[] {
  return fs.readdirSync(root).sort().map((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.png')).length);
}

describe('data: the shipped digits_folder_resnet recipe', () => {
  let cache: string;

  before(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-digits-cache-'));
  });

  after(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('makes the digits folder once, safely when two processes race, with the MNIST pixels', async () => {
    // Two processes make it at the same time: both succeed, one folder, no partial copy left.
    const script = `require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'data'))}).ensureDigitsFolder(process.argv[1]);`;
    const racers = [0, 1].map(() => spawn(process.execPath, ['-e', script, cache], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const codes = await Promise.all(racers.map(async (p) => (await once(p, 'exit'))[0]));
    assert.deepEqual(codes, [0, 0]);
    assert.deepEqual(fs.readdirSync(cache), ['digits_folder-v1']);
    const roots = ensureDigitsFolder(cache);
    assert.equal(roots.root, path.join(cache, 'digits_folder-v1'));
    const train = counts(roots.train);
    const val = counts(roots.val);
    assert.equal(train.length, 10);
    assert.equal(train.reduce((a, b) => a + b) + val.reduce((a, b) => a + b), 10000);
    // MnistDataset's split: the first 85% of each digit train.
    assert.equal(train.reduce((a, b) => a + b), new MnistDataset({ split: 'train' }).length);
    // The PNG of a digit decodes (sharp) to MnistDataset's pixels, rounded to bytes.
    const ds = new ImageFolderDataset({ root: roots.val, color_mode: 'L' });
    const [x, y] = ds.get(0);
    assert.deepEqual(x.shape, [1, 28, 28]);
    assert.equal(y.item(), 0);
    const mnist = new MnistDataset({ split: 'test', normalize: false, limit: 1 }).get(0)[0];
    assert.deepEqual(
      (x.toArray() as number[]).map((v) => Math.round(v * 255)),
      (mnist.toArray() as number[]).map((v) => Math.round(v * 255)),
    );
    // Idempotent: a second call writes nothing.
    const file = path.join(roots.val, '0', '0000.png');
    const before = fs.statSync(file).mtimeMs;
    ensureDigitsFolder(cache);
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  it('composes: digits_resnet (77,754 parameters), the digits_folder data set, two loader workers', () => {
    const cfg = loadRecipe('digits_folder_resnet', { overrides: [`dataset_params.cache_dir=${cache}`, 'batch_size=4'] });
    assert.equal(cfg.architecture, 'digits_resnet');
    const data = cfg.dataset_params as Record<string, Record<string, unknown>>;
    assert.equal(data.dataset as unknown, 'digits_folder');
    assert.equal(data.train_dataloader_params.batch_size, 4); // the batch_size shortcut reaches SG's key
    const { trainLoader, validLoader } = createDataLoaders(data);
    assert.equal(trainLoader.numWorkers, 2);
    assert.equal(validLoader.numWorkers, 2);
    assert.equal(trainLoader.length, Math.ceil(8495 / 4));
    const it = trainLoader[Symbol.iterator]();
    const [x, y] = it.next().value!;
    it.return?.();
    assert.deepEqual(x.shape, [4, 1, 28, 28]); // color_mode L
    assert.equal(y.dtype, 'int64');
    const vit = validLoader[Symbol.iterator]();
    const [vx, vy] = vit.next().value!;
    vit.return?.();
    assert.deepEqual(vx.shape, [500, 1, 28, 28]);
    assert.deepEqual([...new Set(vy.toArray() as number[])], [0, 1, 2, 3]);
    // Validation: ToTensor and Normalize only: a border pixel (0) is (0 - mean) / std.
    assert.ok(Math.abs((vx.toArray() as number[])[0] - (0 - 0.1307) / 0.3081) < 1e-6);
    const model = createModel('digits_resnet', cfg.arch_params as Record<string, unknown>) as nn.Module;
    assert.deepEqual((sg.noGrad(() => model.forward(vx)) as sg.Tensor).shape, [500, 10]);
    // stem 144 + 32, stage 1: 2·2304 + 64, stage 2: 4608 + 9216 + 128 + 512 + 64, stage 3: 18432 + 36864 + 256 + 2048 + 128, head 650
    assert.equal(model.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0), 77754);
    assert.throws(() => createModel('digits_resnet', { widths: [] }), /Expected a non-empty list of positive integers for arch_params.widths but received/);
  });

  it('sg-optim train --config-name digits_folder_resnet runs (a few batches, workers on)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-digits-run-'));
    try {
      const args = ['train', '--config-name', 'digits_folder_resnet', 'epochs=1', 'training_hyperparams.max_train_batches=4', 'training_hyperparams.max_valid_batches=1', 'training_hyperparams.lr_warmup_epochs=0', `dataset_params.cache_dir=${cache}`, `ckpt_root_dir=${dir}`];
      const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 1800000 }); // a hang guard only
      assert.equal(r.status, 0, r.stderr);
      const log = fs.readFileSync(path.join(dir, 'digits_folder_resnet', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; train_loss: number; valid_metrics: Record<string, number> });
      assert.equal(log.length, 1);
      assert.equal(log[0].epoch, 0);
      assert.ok(Number.isFinite(log[0].train_loss));
      // One validation batch of 500 images: the accuracy is a count out of 500.
      const acc = log[0].valid_metrics.Accuracy;
      assert.ok(acc >= 0 && acc <= 1 && Number.isInteger(Math.round(acc * 500 * 1e6) / 1e6), String(acc));
      assert.ok(fs.existsSync(path.join(dir, 'digits_folder_resnet', 'ckpt_best.pth')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
