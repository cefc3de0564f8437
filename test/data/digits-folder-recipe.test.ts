import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import sharp from 'sharp';

import '../../examples/digits-resnet';
import { createDataLoaders } from '../../lib/data';
import { createModel } from '../../lib/models/registry';
import { loadRecipe } from '../../lib/recipes';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';

const recipesDir = path.join(__dirname, '..', '..', '..', 'examples', 'digits-folder-recipes');

describe('data: the digits_folder_resnet example recipe', () => {
  let root: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-digits-folder-'));
    for (const split of ['train', 'val']) {
      for (const digit of ['0', '1']) {
        for (let k = 0; k < 3; k++) {
          fs.mkdirSync(path.join(root, split, digit), { recursive: true });
          const px = Buffer.alloc(28 * 28, digit === '0' ? 40 * k : 255 - 40 * k);
          await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(path.join(root, split, digit, `${k}.png`));
        }
      }
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('composes with SG-style image_folder dataset_params and the digits_resnet architecture', () => {
    const cfg = loadRecipe('digits_folder_resnet', { searchPath: [recipesDir], overrides: [`dataset_params.train_dataset_params.root=${root}/train`, `dataset_params.val_dataset_params.root=${root}/val`, 'batch_size=4'] });
    assert.equal(cfg.architecture, 'digits_resnet');
    const data = cfg.dataset_params as Record<string, Record<string, unknown>>;
    assert.equal(data.dataset as unknown, 'image_folder');
    assert.equal(data.train_dataloader_params.batch_size, 4); // the batch_size shortcut reaches SG's key
    const { trainLoader, validLoader } = createDataLoaders(data);
    assert.equal(trainLoader.length, 2);
    const [x, y] = [...trainLoader][0];
    assert.deepEqual(x.shape, [4, 1, 28, 28]); // color_mode L
    assert.equal(y.dtype, 'int64');
    const [vx, vy] = [...validLoader][0];
    assert.deepEqual(vx.shape, [6, 1, 28, 28]);
    assert.deepEqual(vy.toArray(), [0, 0, 0, 1, 1, 1]);
    // Validation: ToTensor and Normalize only, so the first image's pixels are (0 - mean) / std.
    assert.ok(Math.abs((vx.toArray() as number[])[0] - (0 - 0.1307) / 0.3081) < 1e-5);
    const model = createModel('digits_resnet', cfg.arch_params as Record<string, unknown>) as nn.Module;
    const out = sg.noGrad(() => model.forward(vx)) as sg.Tensor;
    assert.deepEqual(out.shape, [6, 10]);
    // stem 144 + 32, stage 1: 2·2304 + 64, stage 2: 4608 + 9216 + 128 + 512 + 64, stage 3: 18432 + 36864 + 256 + 2048 + 128, head 650
    assert.equal(model.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0), 77754);
  });
});
