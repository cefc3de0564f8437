import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe } from '../../lib/recipes';
import { parseOverride } from '../../lib/recipes/overrides';
import { at, recipeFolder, yaml } from './fixtures';

describe('recipes: overrides', () => {
  const dir = recipeFolder({
    'training_hyperparams/a_params.yaml': yaml('initial_lr: 0.1', 'loss: CrossEntropyLoss', 'lr_updates: [3]', 'optimizer_params:', '  momentum: 0.9'),
    'training_hyperparams/b_params.yaml': yaml('initial_lr: 2', 'loss: MSELoss'),
    'dataset_params/d.yaml': yaml('batch_size: 8'),
    'arch_params/small.yaml': yaml('width: 4'),
    'r.yaml': yaml('defaults:', '  - training_hyperparams: a_params', '  - dataset_params: d', '  - _self_', '', 'name: r', 'extra:', '  keep: 1', '  drop: 2'),
  });
  const recipe = path.join(dir, 'r.yaml');

  it('values are YAML-typed: 1e-3, 5e-4 and 1e-6 are numbers, [1,2] a list, true a boolean, null null', () => {
    const cases: Array<[string, unknown]> = [
      ['1e-3', 0.001],
      ['5e-4', 0.0005],
      ['1e-6', 0.000001],
      ['1.0e-4', 0.0001],
      ['0.', 0],
      ['-3', -3],
      ['[1,2]', [1, 2]],
      ['[0.1, 1e-2]', [0.1, 0.01]],
      ['{a: 1, b: [x]}', { a: 1, b: ['x'] }],
      ['true', true],
      ['False', false],
      ['null', null],
      ['~', null],
      ['Adam', 'Adam'],
      ["'1e-3'", '1e-3'],
      ['/tmp/ckpt dir', '/tmp/ckpt dir'],
      ['', ''],
      ['a: b', 'a: b'],
      ['@home', '@home'],
    ];
    for (const [text, expected] of cases) assert.deepEqual(parseOverride(`x=${text}`).value, expected, text);
  });

  it('key=value changes existing keys, through the recipe (1e-3 stays a number)', () => {
    const cfg = loadRecipe(recipe, { overrides: ['training_hyperparams.initial_lr=1e-3', 'training_hyperparams.lr_updates=[1,2]', 'name=other', 'dataset_params.batch_size=64'] });
    const th = at(cfg, 'training_hyperparams');
    assert.equal(th.initial_lr, 0.001);
    assert.equal(typeof th.initial_lr, 'number');
    assert.deepEqual(th.lr_updates, [1, 2]);
    assert.equal(cfg.name, 'other');
    assert.equal(at(cfg, 'dataset_params').batch_size, 64);
  });

  it('a mapping value merges into the mapping there (as Hydra does); a list item by index', () => {
    const cfg = loadRecipe(recipe, { overrides: ['training_hyperparams.optimizer_params={nesterov: true}', 'training_hyperparams.lr_updates[0]=5'] });
    assert.deepEqual(at(cfg, 'training_hyperparams').optimizer_params, { momentum: 0.9, nesterov: true });
    assert.deepEqual(at(cfg, 'training_hyperparams').lr_updates, [5]);
  });

  it('+key=value adds (creating mappings), ++key=value sets either way, ~key deletes', () => {
    const cfg = loadRecipe(recipe, { overrides: ['+new.deep.key=1e-6', '++name=forced', '++added=3', '~extra.drop', '~training_hyperparams.loss=CrossEntropyLoss'] });
    assert.deepEqual(cfg.new, { deep: { key: 1e-6 } });
    assert.equal(cfg.name, 'forced');
    assert.equal(cfg.added, 3);
    assert.deepEqual(cfg.extra, { keep: 1 });
    assert.equal('loss' in at(cfg, 'training_hyperparams'), false);
  });

  it('overrides apply in order', () => {
    assert.equal(loadRecipe(recipe, { overrides: ['name=a', 'name=b'] }).name, 'b');
    assert.equal(loadRecipe(recipe, { overrides: ['~name', '+name=again'] }).name, 'again');
  });

  it('group=option swaps the file of a group before composition; +group adds one, ~group removes one', () => {
    const swapped = loadRecipe(recipe, { overrides: ['training_hyperparams=b_params'] });
    assert.deepEqual(swapped.training_hyperparams, { initial_lr: 2, loss: 'MSELoss' }, 'nothing of a_params is left');
    const added = loadRecipe(recipe, { overrides: ['+arch_params=small'] });
    assert.deepEqual(added.arch_params, { width: 4 });
    const removed = loadRecipe(recipe, { overrides: ['~dataset_params'] });
    assert.equal(removed.dataset_params, undefined);
    const then = loadRecipe(recipe, { overrides: ['training_hyperparams=b_params', 'training_hyperparams.initial_lr=3'] });
    assert.equal(at(then, 'training_hyperparams').initial_lr, 3, 'key overrides apply to the swapped group');
  });

  it('the swap reaches a user group file through the search path', () => {
    const user = recipeFolder({ 'training_hyperparams/my_params.yaml': yaml('defaults:', '  - mnist_train_params', 'initial_lr: 0.02') });
    const cfg = loadRecipe('mnist_lenet', { overrides: ['training_hyperparams=my_params'], searchPath: [user] });
    assert.equal(at(cfg, 'training_hyperparams').initial_lr, 0.02);
    assert.equal(at(cfg, 'training_hyperparams').loss, 'CrossEntropyLoss');
  });

  it('errors: a missing key (suggesting +key and the nearest key), + on an existing key, bad syntax, an unused group', () => {
    assert.throws(() => loadRecipe(recipe, { overrides: ['training_hyperparams.initial_rl=1'] }), {
      message: `override 'training_hyperparams.initial_rl=1': no key 'training_hyperparams.initial_rl' in ${recipe} (did you mean 'training_hyperparams.initial_lr'?); to add it use +training_hyperparams.initial_rl=1`,
    });
    assert.throws(() => loadRecipe(recipe, { overrides: ['+name=x'] }), /override '\+name=x': 'name' is already in .*r\.yaml; to change it use name=x \(or \+\+name=x to set it either way\)/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['~nothing'] }), /override '~nothing': no key 'nothing'/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['~name=wrong'] }), /override '~name=wrong': 'name' is "r", not "wrong"/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['name.sub=1'] }), /override 'name\.sub=1': no key 'name\.sub'/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['+name.sub=1'] }), /override '\+name\.sub=1': 'name' is "r", not a mapping/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['arch_params=small'] }), /override 'arch_params=small': no 'arch_params' in the defaults lists of .*r\.yaml; to add the group use \+arch_params=small/);
    assert.throws(() => loadRecipe(recipe, { overrides: ['training_hyperparams=nope'] }), /r\.yaml:2: defaults entry 'training_hyperparams: a_params' not found \(the option chosen by override 'training_hyperparams=nope'\): looked for training_hyperparams\/nope\.yaml in/);
    for (const bad of ['novalue', '=1', 'a b=1', '+x', 'a..b=1', 'x=[1,2']) {
      assert.throws(() => loadRecipe(recipe, { overrides: [bad] }), new RegExp(`invalid override '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`), bad);
    }
    assert.throws(() => loadRecipe(recipe, { overrides: [3 as unknown as string] }), TypeError);
  });

  it("reads Hydra's flow dicts without a space after the colon ({phase:X,n:2}), quoted text untouched", () => {
    assert.deepEqual(parseOverride('lr_mode={ReduceLROnPlateau:{phase:VALIDATION_EPOCH_END,metric_name:Accuracy}}').value, {
      ReduceLROnPlateau: { phase: 'VALIDATION_EPOCH_END', metric_name: 'Accuracy' },
    });
    assert.deepEqual(parseOverride('x={k:[1,2],z:{w:3e-3}}').value, { k: [1, 2], z: { w: 3e-3 } });
    assert.deepEqual(parseOverride("x={s:'a:b',u:http://host}").value, { s: 'a:b', u: 'http://host' });
    assert.equal(parseOverride('x=plain:text').value, 'plain:text');
  });
});
