/**
 * The README's main job, as the CLI runs it: the full mnist_lenet recipe (all 8,500 training
 * digits, 4 epochs) must reach the ≥ 97% test accuracy the README promises.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildLoaders, buildModel, loadRecipeFromArgs } from '../../lib/cli/recipe-run';
import { Trainer, TrainableModel } from '../../lib/training/trainer';

describe('the README main job: sg-optim train --config-name mnist_lenet', () => {
  it('reaches at least 97% test accuracy', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-main-job-'));
    const run = loadRecipeFromArgs({ command: 'train', flags: { 'config-name': 'mnist_lenet' }, repeated: {}, overrides: ['training_hyperparams.silent_mode=true'], help: false });
    const trainer = new Trainer({ experimentName: 'main-job', ckptRootDir: dir });
    const { trainLoader, validLoader } = buildLoaders(run);
    const result = await trainer.train({ model: buildModel(run) as TrainableModel, trainingParams: run.trainingParams, trainLoader, validLoader });
    assert.ok(result.metrics.Accuracy >= 0.97, `test accuracy ${result.metrics.Accuracy}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
