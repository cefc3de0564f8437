import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { listRecipes, loadRecipe, numpyArange } from '../../lib/recipes';

/** Writes files {relative path: text} into a fresh folder. */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-recipes-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const base = {
  'training_hyperparams/base_params.yaml': 'max_epochs: 3\nloss: CrossEntropyLoss\ninitial_lr: 0.1\noptimizer: SGD\noptimizer_params:\n  momentum: 0.9\n  weight_decay: 1e-4\nlr_updates: [1, 2]\n',
  'training_hyperparams/child_params.yaml': 'defaults:\n  - base_params\n\nmax_epochs: 5\noptimizer_params:\n  weight_decay: 5e-4\n',
  'training_hyperparams/other_params.yaml': 'max_epochs: 9\nloss: MSELoss\ninitial_lr: 1\n',
  'dataset_params/data.yaml': 'batch_size: 32\n',
  'recipe.yaml':
    'defaults:\n  - training_hyperparams: child_params\n  - dataset_params: data\n  - _self_\n\nexperiment_name: exp_${training_hyperparams.max_epochs}\nlr_copy: ${training_hyperparams.initial_lr}\nnested:\n  a: 1\n  b: ${.a}\ntraining_hyperparams:\n  lr_updates: [7]\n',
};

describe('recipes: composition, overrides, interpolation', () => {
  const dir = folder(base);

  it('composes group files (their own defaults first), then the body; mappings merge, lists replace', () => {
    const cfg = loadRecipe(path.join(dir, 'recipe.yaml'));
    const th = cfg.training_hyperparams as Record<string, unknown>;
    assert.equal(th.max_epochs, 5, 'the child overrides its default');
    assert.deepEqual(th.optimizer_params, { momentum: 0.9, weight_decay: 5e-4 }, 'mappings merge key-wise');
    assert.deepEqual(th.lr_updates, [7], 'the recipe body comes after the groups; lists replace');
    assert.deepEqual(cfg.dataset_params, { batch_size: 32 });
  });

  it('resolves ${a.b} keeping types, inside strings as text, and ${.sibling}', () => {
    const cfg = loadRecipe(path.join(dir, 'recipe.yaml'));
    assert.equal(cfg.lr_copy, 0.1);
    assert.equal(cfg.experiment_name, 'exp_5');
    assert.deepEqual(cfg.nested, { a: 1, b: 1 });
  });

  it('applies key=value (YAML-typed), +key=value, ~key and group swaps before interpolation', () => {
    const cfg = loadRecipe(path.join(dir, 'recipe.yaml'), {
      overrides: ['training_hyperparams.initial_lr=1e-3', 'training_hyperparams.lr_updates=[1,2]', '+extra.deep=true', '~nested.b', 'dataset_params=data'],
    });
    const th = cfg.training_hyperparams as Record<string, unknown>;
    assert.equal(th.initial_lr, 0.001);
    assert.equal(typeof th.initial_lr, 'number');
    assert.deepEqual(th.lr_updates, [1, 2]);
    assert.deepEqual(cfg.extra, { deep: true });
    assert.deepEqual(cfg.nested, { a: 1 });
    assert.equal(cfg.lr_copy, 0.001, 'interpolation sees the override');
    const swapped = loadRecipe(path.join(dir, 'recipe.yaml'), { overrides: ['training_hyperparams=other_params'] });
    assert.equal((swapped.training_hyperparams as Record<string, unknown>).loss, 'MSELoss');
  });

  it('a training_hyperparams file composes with its defaults on its own', () => {
    const th = loadRecipe('training_hyperparams/child_params', { searchPath: [dir] });
    assert.equal(th.max_epochs, 5);
    assert.equal(th.loss, 'CrossEntropyLoss');
    const shipped = loadRecipe('training_hyperparams/mnist_train_params');
    assert.equal(shipped.optimizer, 'Adam');
    assert.deepEqual(shipped.lr_updates, [], 'the empty_list _target_ is instantiated');
    assert.equal(shipped.cosine_final_lr_ratio, 0.05);
  });

  it('user folders come before the package recipes (search-path precedence)', () => {
    const user = folder({ 'mnist_lenet.yaml': 'architecture: mine\n' });
    assert.equal(loadRecipe('mnist_lenet', { searchPath: [user] }).architecture, 'mine');
    assert.equal(loadRecipe('mnist_lenet').architecture, 'lenet');
    assert.deepEqual(listRecipes([user]).slice(0, 1), ['mnist_lenet']);
  });

  it('shortcuts: lr, epochs and batch_size set the real keys; left null they are filled in', () => {
    const cfg = loadRecipe('mnist_lenet', { overrides: ['lr=0.05', 'epochs=2', 'batch_size=128'] });
    const th = cfg.training_hyperparams as Record<string, unknown>;
    assert.equal(th.initial_lr, 0.05);
    assert.equal(th.max_epochs, 2);
    assert.equal((cfg.dataset_params as Record<string, unknown>).batch_size, 128);
    const plain = loadRecipe('mnist_lenet');
    assert.equal(plain.lr, 3e-3);
    assert.equal(plain.epochs, 4);
  });

  it('_target_ helpers: numpy.arange with floats as numpy computes it', () => {
    assert.deepEqual(numpyArange(2.4, 12, 2.4), [2.4, 4.8, 7199999999999999e-15, 9.6]);
    const d = folder({ 'r.yaml': 'lr_updates:\n  _target_: numpy.arange\n  start: 100\n  stop: 250\n  step: 50\n' });
    assert.deepEqual(loadRecipe(path.join(d, 'r.yaml')).lr_updates, [100, 150, 200]);
  });

  it('every shipped recipe loads and validates', () => {
    for (const name of listRecipes()) {
      const cfg = loadRecipe(name);
      assert.equal(typeof cfg.architecture, 'string', name);
      assert.ok((cfg.training_hyperparams as Record<string, unknown>).max_epochs, name);
    }
  });
});

describe('recipes: errors name the file and line', () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp]> = [
    ['bad YAML', { 'r.yaml': 'a: 1\nb: [1, 2\n' }, [], /invalid YAML in .*r\.yaml:3/],
    ['a missing default', { 'r.yaml': 'x: 1\ndefaults:\n  - training_hyperparams: nope\n' }, [], /r\.yaml:3: default 'training_hyperparams: nope' not found; looked for training_hyperparams\/nope\.yaml/],
    ['a cycle', { 'r.yaml': 'defaults:\n  - s\n', 's.yaml': 'defaults:\n  - r\n' }, [], /cycle in recipe defaults: r\.yaml → s\.yaml → r\.yaml/],
    ['an unresolved interpolation', { 'r.yaml': 'a: 1\nb:\n  c: ${a.missing}\n' }, [], /unresolved interpolation \$\{a\.missing\} at b\.c \(.*r\.yaml:3\)/],
    ['an override of a missing key', { 'r.yaml': 'a: 1\n' }, ['b=2'], /override 'b=2': key 'b' is not in the recipe; use \+b=2 to add it/],
    ['an invalid override', { 'r.yaml': 'a: 1\n' }, ['novalue'], /invalid override 'novalue': expected key=value/],
    ['an unknown _target_', { 'r.yaml': 'x:\n  y:\n    _target_: numpy.linspace\n' }, [], /unknown _target_ 'numpy\.linspace'.* \(at x\.y, .*r\.yaml:2\)/],
    [
      'an invalid training value',
      { 'r.yaml': 'training_hyperparams:\n  max_epochs: 2\n  loss: CrossEntropyLoss\n  lr_warmup_epochs: 20\n' },
      [],
      /training_params\.lr_warmup_epochs must be in \[0, 10\], got 20 \(.*r\.yaml:4\)/,
    ],
  ];
  for (const [name, files, overrides, message] of cases) {
    it(name, () => {
      const dir = folder(files);
      assert.throws(() => loadRecipe(path.join(dir, 'r.yaml'), { overrides }), message);
    });
  }

  it('an unknown recipe name', () => {
    assert.throws(() => loadRecipe('mnist_lenett'), /recipe 'mnist_lenett' not found; looked for mnist_lenett\.yaml in/);
  });
});
