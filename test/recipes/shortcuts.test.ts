import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe } from '../../lib/recipes';
import { at, recipeFolder, yaml } from './fixtures';

describe('recipes: shortcuts (variable_setup)', () => {
  it('a given shortcut is copied to the key it stands for', () => {
    const cfg = loadRecipe('mnist_lenet', { overrides: ['lr=0.05', 'epochs=2', 'batch_size=128', 'val_batch_size=250', 'ema=true', 'resume=true', 'num_workers=0'] });
    const th = at(cfg, 'training_hyperparams');
    const data = at(cfg, 'dataset_params');
    assert.equal(th.initial_lr, 0.05);
    assert.equal(th.max_epochs, 2);
    assert.equal(th.ema, true);
    assert.equal(th.resume, true);
    assert.equal(data.batch_size, 128);
    assert.equal(data.val_batch_size, 250);
    assert.equal(data.num_workers, 0);
    assert.equal(cfg.lr, 0.05);
  });

  it('a shortcut left null is filled from the real value', () => {
    const cfg = loadRecipe('mnist_lenet');
    const th = at(cfg, 'training_hyperparams');
    assert.equal(cfg.lr, th.initial_lr);
    assert.equal(cfg.epochs, th.max_epochs);
    assert.equal(cfg.batch_size, at(cfg, 'dataset_params').batch_size);
    assert.equal(cfg.val_batch_size, at(cfg, 'dataset_params').val_batch_size);
    assert.equal(cfg.ema, false);
    assert.equal(cfg.resume, false);
    assert.equal(cfg.num_workers, null, 'no real value: stays null');
    assert.equal(cfg.ckpt_root_dir, null);
  });

  it('the shortcut wins over the long key given in the same command line (as SG)', () => {
    const cfg = loadRecipe('mnist_lenet', { overrides: ['training_hyperparams.initial_lr=0.3', 'lr=0.05'] });
    assert.equal(at(cfg, 'training_hyperparams').initial_lr, 0.05);
  });

  it("SG's dataset_params with train/val_dataloader_params get SG's keys", () => {
    const dir = recipeFolder({
      'r.yaml': yaml(
        'defaults:',
        '  - _self_',
        '  - variable_setup',
        'training_hyperparams:',
        '  initial_lr: 0.1',
        'dataset_params:',
        '  train_dataloader_params: {batch_size: 16, num_workers: 2}',
        '  val_dataloader_params: {batch_size: 32, num_workers: 2}',
      ),
    });
    const cfg = loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['batch_size=64', 'num_workers=8'] });
    assert.deepEqual(cfg.dataset_params, { train_dataloader_params: { batch_size: 64, num_workers: 8 }, val_dataloader_params: { batch_size: 32, num_workers: 8 } });
    assert.equal(cfg.val_batch_size, 32);
  });

  it('a shortcut may be given to a full recipe without variable_setup; not to a training-params file alone', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('training_hyperparams:', '  initial_lr: 0.1') });
    assert.equal(at(loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['lr=0.2'] }), 'training_hyperparams').initial_lr, 0.2);
    assert.throws(() => loadRecipe('training_hyperparams/mnist_train_params', { overrides: ['lr=0.2'] }), /override 'lr=0\.2': no key 'lr' in .*mnist_train_params\.yaml/);
    const alone = loadRecipe('training_hyperparams/mnist_train_params');
    assert.equal(alone.ema, false, "a training-params file's own ema/resume keys are left alone");
    assert.throws(() => loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['batch_size=3'] }), /the shortcut batch_size=3 sets dataset_params\.batch_size, but this recipe has no dataset_params mapping/);
  });
});

describe("recipes: SuperGradients' own variable_setup.yaml", () => {
  it('a copy of SG’s file (with its hydra: node) works: the hydra node is Hydra’s, not the recipe’s', () => {
    const dir = recipeFolder({
      'variable_setup.yaml': yaml(
        'lr: # config.training_hyperparams.initial_lr',
        'batch_size:',
        'val_batch_size:',
        'ema:',
        'epochs:',
        'resume:',
        'num_workers:',
        'ckpt_root_dir:',
        'hydra:',
        '  callbacks:',
        '    shortcuts_cb:',
        '      _target_: super_gradients.common.environment.omegaconf_utils.RecipeShortcutsCallback',
        '  run:',
        '    dir: ${hydra_output_dir:${ckpt_root_dir}, ${experiment_name}}',
      ),
    });
    const cfg = loadRecipe('mnist_lenet', { searchPath: [dir], overrides: ['lr=0.01'] });
    assert.equal(cfg.hydra, undefined);
    assert.equal(at(cfg, 'training_hyperparams').initial_lr, 0.01);
    assert.equal(cfg.ckpt_root_dir, null);
  });
});
