import assert from 'node:assert/strict';
import * as path from 'path';

import { listRecipes, loadRecipe } from '../../lib/recipes';
import { at, recipeFolder, yaml } from './fixtures';

describe('recipes: composition (defaults lists, _self_, groups)', () => {
  const dir = recipeFolder({
    'training_hyperparams/base_params.yaml': yaml('max_epochs: 3', 'loss: CrossEntropyLoss', 'initial_lr: 0.1', 'optimizer_params:', '  momentum: 0.9', '  weight_decay: 1e-4', 'lr_updates: [1, 2]', 'tag: base'),
    'training_hyperparams/child_params.yaml': yaml('defaults:', '  - base_params', '', 'max_epochs: 5', 'optimizer_params:', '  weight_decay: 5e-4', 'tag: child'),
    'training_hyperparams/self_first_params.yaml': yaml('defaults:', '  - _self_', '  - base_params', '', 'tag: mine', 'max_epochs: 8'),
    'dataset_params/data.yaml': yaml('batch_size: 32', 'shuffle: true'),
    'after.yaml': yaml('# @package _global_', 'tag: after', 'dataset_params:', '  shuffle: false'),
    'recipe.yaml': yaml(
      'defaults:',
      '  - training_hyperparams: child_params',
      '  - dataset_params: data',
      '  - _self_',
      '  - after',
      '',
      'tag: body',
      'training_hyperparams:',
      '  lr_updates: [7]',
      '  optimizer_params:',
      '    nesterov: true',
      'dataset_params:',
      '  batch_size: 16',
      '  shuffle: true',
    ),
    'no_self.yaml': yaml('defaults:', '  - training_hyperparams: child_params', '', 'training_hyperparams:', '  tag: body wins'),
  });
  const recipe = path.join(dir, 'recipe.yaml');

  it('group options land under their group key; a group file composes its own defaults first', () => {
    const th = at(loadRecipe(recipe), 'training_hyperparams');
    assert.equal(th.max_epochs, 5, 'the child overrides its default');
    assert.equal(th.loss, 'CrossEntropyLoss', 'keys of the default come through');
    assert.equal(th.tag, 'child');
  });

  it('mappings merge recursively, lists and scalars replace', () => {
    const th = at(loadRecipe(recipe), 'training_hyperparams');
    assert.deepEqual(th.optimizer_params, { momentum: 0.9, weight_decay: 5e-4, nesterov: true });
    assert.deepEqual(th.lr_updates, [7], 'a list replaces, it is not concatenated');
  });

  it('_self_ where listed: groups before it, the body, then what follows (variable_setup style)', () => {
    const cfg = loadRecipe(recipe);
    assert.equal(at(cfg, 'dataset_params').batch_size, 16, 'the body overrides the group before _self_');
    assert.equal(at(cfg, 'dataset_params').shuffle, false, 'the entry after _self_ overrides the body');
    assert.equal(cfg.tag, 'after');
    assert.equal(Object.keys(cfg).includes('defaults'), false, 'defaults lists are not part of the result');
  });

  it('_self_ not listed goes last (Hydra ≥ 1.1); listed first, the defaults override the file', () => {
    assert.equal(at(loadRecipe(path.join(dir, 'no_self.yaml')), 'training_hyperparams').tag, 'body wins');
    const first = loadRecipe('training_hyperparams/self_first_params', { searchPath: [dir] });
    assert.equal(first.tag, 'base');
    assert.equal(first.max_epochs, 3);
  });

  it('a training_hyperparams file loaded on its own (by name or path) composes with its defaults', () => {
    const byName = loadRecipe('training_hyperparams/child_params', { searchPath: [dir] });
    assert.equal(byName.max_epochs, 5);
    assert.equal(byName.loss, 'CrossEntropyLoss');
    const byPath = loadRecipe(path.join(dir, 'training_hyperparams', 'child_params.yaml'));
    assert.deepEqual(byPath, byName);
    const shipped = loadRecipe('training_hyperparams/mnist_train_params');
    assert.equal(shipped.loss, 'CrossEntropyLoss');
    assert.equal(shipped.warmup_mode, 'LinearEpochLRWarmup', 'from default_train_params');
    assert.deepEqual(shipped.lr_updates, [], 'the empty_list _target_ is instantiated');
  });

  it("a user's group file by path finds default_train_params in the package's group folder", () => {
    const user = recipeFolder({ 'training_hyperparams/mine.yaml': yaml('defaults:', '  - default_train_params', 'max_epochs: 2', 'optimizer: Adam', 'optimizer_params:', '  eps: 1e-3') });
    const tp = loadRecipe(path.join(user, 'training_hyperparams', 'mine.yaml'));
    assert.equal(tp.optimizer, 'Adam');
    assert.deepEqual(tp.optimizer_params, { eps: 0.001 });
    assert.equal(tp.cosine_final_lr_ratio, 0.01);
  });

  it('nested groups are relative to the file’s group; @package and # @package place content', () => {
    const d = recipeFolder({
      'training_hyperparams/t.yaml': yaml('defaults:', '  - ema_params: slow', '  - /extras@_global_: top', '  - /extras@here_too: top', 'initial_lr: 1'),
      'training_hyperparams/ema_params/slow.yaml': yaml('decay: 0.99'),
      'extras/top.yaml': yaml('flag: true'),
      'extras/global.yaml': yaml('# @package _global_', 'from_global: 1'),
      'r.yaml': yaml('defaults:', '  - training_hyperparams: t', '  - extras: global'),
    });
    const cfg = loadRecipe(path.join(d, 'r.yaml'));
    assert.deepEqual(at(cfg, 'training_hyperparams').ema_params, { decay: 0.99 });
    assert.equal(cfg.flag, true, '@_global_ puts the content at the root');
    assert.deepEqual(at(cfg, 'training_hyperparams').here_too, { flag: true }, '@pkg is relative to the containing package');
    assert.equal(cfg.from_global, 1, '# @package _global_');
    assert.equal(cfg.extras, undefined);
  });

  it('optional entries may be missing; `override` entries of the primary replace a selection; null skips', () => {
    const d = recipeFolder({
      'a/one.yaml': yaml('v: 1'),
      'a/two.yaml': yaml('v: 2'),
      'b/x.yaml': yaml('defaults:', '  - /a: one', 'w: 1'),
      'r.yaml': yaml('defaults:', '  - b: x', '  - optional c: missing', '  - d: null', '  - override a: two'),
    });
    const cfg = loadRecipe(path.join(d, 'r.yaml'));
    assert.deepEqual(at(cfg, 'b'), { w: 1, a: { v: 2 } });
    assert.equal(cfg.c, undefined);
    assert.equal(cfg.d, undefined);
  });

  it('search path: the recipe’s folder, then user folders in order, then the package (first match wins)', () => {
    const user1 = recipeFolder({ 'mnist_lenet.yaml': yaml('architecture: mine'), 'dataset_params/mnist_dataset_params.yaml': yaml('dataset: user1') });
    const user2 = recipeFolder({ 'mnist_lenet.yaml': yaml('architecture: second'), 'only_here.yaml': yaml('x: 1') });
    assert.equal(loadRecipe('mnist_lenet', { searchPath: [user1, user2] }).architecture, 'mine');
    assert.equal(loadRecipe('mnist_lenet', { searchPath: [user2, user1] }).architecture, 'second');
    assert.equal(loadRecipe('mnist_lenet').architecture, 'lenet', 'the package recipe without a search path');
    const shadowed = loadRecipe('mnist_mlp', { searchPath: [user1] });
    assert.equal(at(shadowed, 'dataset_params').dataset, 'user1', "a user's group file shadows the package's inside a package recipe");
    const own = recipeFolder({ 'r.yaml': yaml('defaults:', '  - dataset_params: mnist_dataset_params'), 'dataset_params/mnist_dataset_params.yaml': yaml('dataset: own') });
    assert.equal(at(loadRecipe(path.join(own, 'r.yaml'), { searchPath: [user1] }), 'dataset_params').dataset, 'own', "the recipe's own folder comes first");
    assert.equal(loadRecipe('only_here.yaml', { searchPath: [user2] }).x, 1, 'a name may carry .yaml');
  });

  it('listRecipes: top-level YAML files, user folders first, each name once, no variable_setup', () => {
    const user = recipeFolder({ 'mnist_lenet.yaml': yaml('a: 1'), 'zz_mine.yaml': yaml('a: 1'), 'training_hyperparams/not_listed.yaml': yaml('a: 1') });
    assert.deepEqual(listRecipes(), ['digits_folder_resnet', 'mnist_lenet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']);
    assert.deepEqual(listRecipes([user]), ['mnist_lenet', 'zz_mine', 'digits_folder_resnet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']);
  });

  it('YAML aliases do not share objects: an override of one copy leaves the other', () => {
    const d = recipeFolder({ 'r.yaml': yaml('a: &p', '  x: 1', 'b: *p', 'c:', '  <<: *p', '  y: 2') });
    const cfg = loadRecipe(path.join(d, 'r.yaml'), { overrides: ['a.x=5'] });
    assert.deepEqual(cfg, { a: { x: 5 }, b: { x: 1 }, c: { x: 1, y: 2 } });
  });

  it('an SG-shaped recipe (spec §14, examples A and C): groups, StrictLoad, numpy.arange, the body overriding its group', () => {
    const d = recipeFolder({
      'training_hyperparams/cifar_params.yaml': yaml(
        'defaults:',
        '  - default_train_params',
        'max_epochs: 250',
        'lr_updates:',
        '  _target_: numpy.arange',
        '  start: 100',
        '  stop: 250',
        '  step: 50',
        'lr_decay_factor: 0.1',
        'lr_mode: StepLRScheduler',
        'initial_lr: 0.1',
        'loss: CrossEntropyLoss',
        'optimizer_params:',
        '  weight_decay: 1e-4',
        '  momentum: 0.9',
      ),
      'dataset_params/cifar_data.yaml': yaml('train_dataloader_params:', '  batch_size: 256', 'val_dataloader_params:', '  batch_size: 512'),
      'arch_params/resnet_params.yaml': yaml('num_classes: 10'),
      'checkpoint_params/ckpt.yaml': yaml('load_checkpoint: False', 'strict_load:', '  _target_: super_gradients.training.sg_trainer.StrictLoad', '  value: no_key_matching'),
      'cifar.yaml': yaml(
        'defaults:',
        '  - training_hyperparams: cifar_params',
        '  - dataset_params: cifar_data',
        '  - arch_params: resnet_params',
        '  - checkpoint_params: ckpt',
        '  - _self_',
        '  - variable_setup',
        'architecture: resnet18_cifar',
        'experiment_name: ${architecture}_cifar10',
        'training_hyperparams:',
        '  max_epochs: 500',
        '  initial_lr:',
        '    default: 0.075',
        '    _backbone: 0.0075',
      ),
    });
    const cfg = loadRecipe(path.join(d, 'cifar.yaml'));
    const th = at(cfg, 'training_hyperparams');
    assert.deepEqual(th.lr_updates, [100, 150, 200]);
    assert.equal(th.max_epochs, 500, 'the recipe body overrides its group file');
    assert.deepEqual(th.initial_lr, { default: 0.075, _backbone: 0.0075 }, 'a mapping replaces a number');
    assert.deepEqual(th.optimizer_params, { weight_decay: 1e-4, momentum: 0.9 });
    assert.equal(th.warmup_mode, 'LinearEpochLRWarmup');
    assert.equal(at(cfg, 'checkpoint_params').strict_load, 'no_key_matching');
    assert.equal(cfg.experiment_name, 'resnet18_cifar_cifar10');
    assert.equal(cfg.batch_size, 256, 'shortcut filled from train_dataloader_params');
    assert.deepEqual(cfg.lr, { default: 0.075, _backbone: 0.0075 });
    assert.equal(cfg.epochs, 500);
  });
});

describe('recipes: the defaults tree is flattened, then merged in order (as Hydra)', () => {
  it('a null met between two mappings resets the key, even when it comes from a nested defaults list', () => {
    const d = recipeFolder({
      'a.yaml': yaml('k:', '  a: 1'),
      'c.yaml': yaml('k: null'),
      'b.yaml': yaml('defaults:', '  - c', '  - _self_', 'k:', '  b: 2'),
      'r.yaml': yaml('defaults:', '  - a', '  - b'),
    });
    // Flattened: a {a: 1}, c null, b {b: 2}. Merging b's subtree first would keep a's key.
    assert.deepEqual(loadRecipe(path.join(d, 'r.yaml')).k, { b: 2 });
  });
});
