/**
 * Tests written for mutants StrykerJS found alive in lib/recipes (npm run mutate:ts): each `it`
 * names the behaviour a surviving mutant changed without any test noticing.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { loadRecipe, numpyArange } from '../../lib/recipes';
import { callResolver, splitArgs } from '../../lib/recipes/resolvers';
import { yamlNamesIn } from '../../lib/recipes/search-path';
import { at, recipeFolder, yaml } from './fixtures';

const noSelect = () => undefined;

describe('recipes: numpyArange edge cases', () => {
  it('refuses NaN and infinite arguments, and a zero step, with their messages', () => {
    assert.throws(() => numpyArange(0, Number.NaN), (e: Error) => e instanceof TypeError && /arange stop but received null/.test(e.message));
    assert.throws(() => numpyArange(Number.POSITIVE_INFINITY, 3), /arange start/);
    assert.throws(() => numpyArange(0, 3, Number.NEGATIVE_INFINITY), /arange step/);
    assert.throws(() => numpyArange(0, 3, 0), (e: Error) => e instanceof RangeError && e.message === 'Maximum allowed size exceeded (arange step is 0)');
  });

  it('one value when the range holds one; 10 000 000 values allowed, one more refused', () => {
    assert.deepEqual(numpyArange(3, 4), [3]);
    assert.deepEqual(numpyArange(3, 4, 5), [3]);
    assert.equal(numpyArange(0, 1e7).length, 1e7);
    assert.throws(() => numpyArange(0, 1e7 + 1), /would have 10000001 values/);
  });
});

describe('recipes: _target_ nodes, the remaining rules', () => {
  const load = (...lines: string[]) => loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml(...lines) }), 'r.yaml'));

  it('numpy.arange with start and step but no stop counts from 0 to start (numpy.arange(start) with a step)', () => {
    assert.deepEqual(load('a: {_target_: numpy.arange, start: 7, step: 3}').a, [0, 3, 6]);
  });

  it('_args_ may fill every parameter, not more; empty_list takes no _args_ at all', () => {
    assert.deepEqual(load('a: {_target_: numpy.arange, _args_: [1, 10, 4]}').a, [1, 5, 9]);
    assert.throws(() => load('a: {_target_: numpy.arange, _args_: [1, 10, 4, 5]}'), /_args_ must be a list of at most 3 values \(start, stop, step\)/);
    assert.throws(() => load('a: {_target_: empty_list, _args_: []}'), /_args_ must be a list of at most 0 values \(none\)/);
  });

  it('a parameter given both in _args_ and by name is an error', () => {
    assert.throws(() => load('a: {_target_: numpy.arange, _args_: [1, 5], start: 2}'), /'start' given twice \(in _args_ and by name\)/);
  });

  it("Hydra's _recursive_ and a false _partial_ are not arguments; a true _partial_ is refused", () => {
    assert.deepEqual(load('a: {_target_: numpy.arange, stop: 2, _recursive_: false, _partial_: false}').a, [0, 1]);
    assert.throws(() => load('a: {_target_: numpy.arange, stop: 2, _partial_: true}'), /_partial_ is not supported/);
  });

  it("StrictLoad takes each of SG's four values, by name or positionally, and refuses others", () => {
    const values = load(
      'a: {_target_: super_gradients.training.sg_trainer.StrictLoad, value: false}',
      'b: {_target_: super_gradients.training.sg_trainer.StrictLoad, value: true}',
      'c: {_target_: super_gradients.common.data_types.enum.StrictLoad, value: no_key_matching}',
      'd: {_target_: super_gradients.common.data_types.enum.strict_load.StrictLoad, _args_: [key_matching]}',
    );
    assert.deepEqual(values, { a: false, b: true, c: 'no_key_matching', d: 'key_matching' });
    assert.throws(() => load('a: {_target_: super_gradients.training.sg_trainer.StrictLoad, value: loose}'), (e: Error) => e instanceof RangeError && /"loose" is not a valid StrictLoad/.test(e.message));
  });

  it('a _target_ that is not a name is an error naming the file and key', () => {
    assert.throws(() => load('a:', '  _target_: 5'), /r\.yaml:2: _target_ must be a name, got 5/);
  });
});

describe('recipes: resolvers, argument checks and edge cases', () => {
  it('splitArgs keeps commas inside quotes', () => {
    assert.deepEqual(splitArgs("'a,b', \"c,d\", e"), ["'a,b'", '"c,d"', 'e']);
  });

  it('argument counts are checked, with the count in words', () => {
    assert.throws(() => callResolver('first', [[1], [2]], noSelect), (e: Error) => e instanceof RangeError && e.message === 'first takes 1 argument, got 2');
    assert.throws(() => callResolver('getitem', [[1]], noSelect), (e: Error) => e.message === 'getitem takes 2 arguments, got 1');
    assert.throws(() => callResolver('oc.env', [], noSelect), (e: Error) => e.message === 'oc.env takes 1 to 2 arguments, got 0');
  });

  it('first and last want a non-empty list', () => {
    assert.equal(callResolver('first', [[4, 5, 6]], noSelect), 4);
    assert.equal(callResolver('last', [[4, 5, 6]], noSelect), 6);
    assert.throws(() => callResolver('first', [3], noSelect), (e: Error) => e instanceof TypeError && e.message === 'first expects a list, got 3');
    assert.throws(() => callResolver('last', [[]], noSelect), (e: Error) => e instanceof RangeError && e.message === 'last of an empty list');
  });

  it('add wants numbers; getitem returns falsy items and refuses missing ones', () => {
    assert.throws(() => callResolver('add', [1, 'x'], noSelect), (e: Error) => e instanceof TypeError && e.message === 'add expects numbers, got [1,"x"]');
    assert.equal(callResolver('getitem', [[0, 1], 0], noSelect), 0);
    assert.equal(callResolver('getitem', [{ a: false }, 'a'], noSelect), false);
    assert.throws(() => callResolver('getitem', [[0, 1], 2], noSelect), /getitem: no item 2 in \[0,1\]/);
  });
});

describe('recipes: the YAML files of a folder', () => {
  it('lists .yaml and .yml files by name (sorted), not other files or folders; [] for a missing folder', () => {
    const dir = recipeFolder({ 'b.yml': 'x: 1\n', 'a.yaml': 'x: 1\n', 'c.txt': 'x\n', 'd.yaml.bak': 'x: 1\n', 'e.yamlx': 'x: 1\n', 'sub.yaml/inner.yaml': 'x: 1\n' });
    assert.deepEqual(yamlNamesIn(dir), ['a', 'b']);
    assert.deepEqual(yamlNamesIn(path.join(dir, 'missing')), []);
    assert.ok(fs.existsSync(path.join(dir, 'sub.yaml', 'inner.yaml')));
  });
});

describe('recipes: shortcuts, the remaining rules', () => {
  it('every shortcut is accepted without + by a full recipe that does not declare it', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('training_hyperparams:', '  initial_lr: 0.1', '  loss: CrossEntropyLoss', 'dataset_params:', '  batch_size: 4') });
    const overrides = ['val_batch_size=8', 'ema=true', 'epochs=3', 'resume=true', 'num_workers=2', 'ckpt_root_dir=/tmp/ckpts'];
    const cfg = loadRecipe(path.join(dir, 'r.yaml'), { overrides });
    assert.equal(at(cfg, 'dataset_params').val_batch_size, 8);
    assert.equal(at(cfg, 'dataset_params').num_workers, 2);
    assert.equal(at(cfg, 'training_hyperparams').ema, true);
    assert.equal(at(cfg, 'training_hyperparams').max_epochs, 3);
    assert.equal(at(cfg, 'training_hyperparams').resume, true);
    assert.equal(cfg.ckpt_root_dir, '/tmp/ckpts');
  });

  it('a shortcut left null does not overwrite the real key', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('lr:', 'training_hyperparams:', '  initial_lr: 0.1') });
    const cfg = loadRecipe(path.join(dir, 'r.yaml'));
    assert.equal(at(cfg, 'training_hyperparams').initial_lr, 0.1);
    assert.equal(cfg.lr, 0.1);
  });
});

describe('recipes: invalid YAML messages', () => {
  it("one line with file:line:col and the parser's message (no 'at line' tail), then the code frame without blank lines", () => {
    const lines = Array.from({ length: 11 }, (_, i) => `k${i}: ${i}`);
    lines.push('key_with_a_long_name: c: d');
    const dir = recipeFolder({ 'r.yaml': yaml(...lines) });
    let message = '';
    assert.throws(() => loadRecipe(path.join(dir, 'r.yaml')), (e: Error) => ((message = e.message), true));
    const [first, ...frame] = message.split('\n');
    assert.match(first, /r\.yaml:12:2\d: invalid YAML: Nested mappings are not allowed in compact mappings$/);
    assert.ok(frame.length >= 2, message);
    assert.ok(frame.every((l) => l.trim() !== ''), `no blank lines in ${JSON.stringify(message)}`);
    assert.ok(frame.some((l) => l.includes('key_with_a_long_name: c: d')), message);
    assert.ok(frame.some((l) => /^\s*\^/.test(l)), message);
  });
});

describe('recipes: packages of defaults entries and # @package headers', () => {
  it('group@_here_ places the option in the containing package, group@_global_.key under key at the root', () => {
    const dir = recipeFolder({
      'r.yaml': yaml('defaults:', '  - g@_here_: x', '  - h@_global_.deep: y', '  - _self_', 'top: 1'),
      'g/x.yaml': yaml('a: 1'),
      'h/y.yaml': yaml('b: 2'),
    });
    assert.deepEqual(loadRecipe(path.join(dir, 'r.yaml')), { a: 1, deep: { b: 2 }, top: 1 });
  });

  it('# @package _group_ places a nested group file under its whole group path; _global_.key under key', () => {
    const dir = recipeFolder({
      'r.yaml': yaml('defaults:', '  - g/sub: z', '  - k: w', '  - _self_'),
      'g/sub/z.yaml': yaml('# @package _group_', 'c: 3'),
      'k/w.yaml': yaml('# @package _global_.elsewhere', 'd: 4'),
    });
    assert.deepEqual(loadRecipe(path.join(dir, 'r.yaml')), { g: { sub: { c: 3 } }, elsewhere: { d: 4 } });
  });
});
