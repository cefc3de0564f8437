import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe, numpyArange } from '../../lib/recipes';
import { recipeFolder, yaml } from './fixtures';

/** [arguments, what numpy 2.4 returns for np.arange(*arguments).tolist()]. */
const NUMPY: Array<[number[], number[]]> = [
  [[2.4, 12, 2.4], [2.4, 4.8, 7.199999999999999, 9.6]],
  [[0.1, 1, 0.2], [0.1, 0.30000000000000004, 0.5000000000000001, 0.7000000000000001, 0.9000000000000001]],
  [[100, 250, 50], [100, 150, 200]],
  [[0, 1, 0.1], [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9]],
  [[1, 0, -0.3], [1, 0.7, 0.3999999999999999, 0.09999999999999987]],
  [[0.5, 0.5, 1], []],
  [[5], [0, 1, 2, 3, 4]],
  [[-1.5, 2, 0.7], [-1.5, -0.8, -0.10000000000000009, 0.5999999999999996, 1.2999999999999998]],
  [[0.001, 0.01, 0.0011], [0.001, 0.0021000000000000003, 0.0032000000000000006, 0.004300000000000001, 0.005400000000000001, 0.0065000000000000014, 0.007600000000000002, 0.008700000000000003, 0.009800000000000003]],
];

describe('recipes: _target_ helpers', () => {
  it('numpyArange gives numpy’s values to the last bit (start + i·((start + step) − start))', () => {
    for (const [args, expected] of NUMPY) assert.deepEqual(numpyArange(...(args as [number, number?, number?])), expected, `arange(${args})`);
    const milestones = numpyArange(2.4, 450, 2.4);
    assert.equal(milestones.length, 187, 'SG imagenet_mobilenetv2: np.arange(2.4, 450, 2.4) has 187 values');
    assert.deepEqual(milestones.slice(0, 12), [2.4, 4.8, 7.199999999999999, 9.6, 12, 14.4, 16.799999999999997, 19.2, 21.599999999999998, 23.999999999999996, 26.4, 28.799999999999997]);
    assert.equal(milestones[186], 448.79999999999995);
    assert.throws(() => numpyArange(0, 1, 0), RangeError);
  });

  it('numpy.arange, arange and _args_ nodes in a recipe; empty_list; _convert_ dropped', () => {
    const dir = recipeFolder({
      'r.yaml': yaml(
        'a: {_target_: numpy.arange, start: 100, stop: 250, step: 50}',
        'b: {_target_: arange, start: 2.4, stop: 12, step: 2.4}',
        'c: {_target_: numpy.arange, _args_: [3]}',
        'd: {_target_: super_gradients.training.utils.utils.empty_list}',
        'e: {_target_: empty_list}',
        'f: {_target_: numpy.arange, stop: "${n}"}',
        'n: 2',
        'nested: {list: [{_target_: empty_list}], _convert_: all}',
        '_convert_: all',
      ),
    });
    assert.deepEqual(loadRecipe(path.join(dir, 'r.yaml')), { a: [100, 150, 200], b: [2.4, 4.8, 7.199999999999999, 9.6], c: [0, 1, 2], d: [], e: [], f: [0, 1], n: 2, nested: { list: [[]] } });
  });

  it('a list replaces an empty_list node when merged over it (SG’s lr_updates pattern)', () => {
    const tp = loadRecipe('training_hyperparams/mnist_train_params', { overrides: ['lr_updates=[2, 4]'] });
    assert.deepEqual(tp.lr_updates, [2, 4]);
  });

  it('errors name the _target_, the key and file:line: unknown target, bad arguments', () => {
    const dir = recipeFolder({
      'u.yaml': yaml('x:', '  y:', '    _target_: numpy.linspace', '    num: 3'),
      'a.yaml': yaml('lr_updates:', '  _target_: numpy.arange', '  begin: 1'),
      'e.yaml': yaml('lr_updates:', '  _target_: empty_list', '  start: 1'),
      's.yaml': yaml('lr_updates:', '  _target_: numpy.arange', '  stop: ten'),
    });
    // An unknown module path fails when read (OmegaConf is lazy; SG's files name classes we lack).
    const u = loadRecipe(path.join(dir, 'u.yaml')) as { x: Record<string, unknown> };
    assert.throws(() => u.x.y, /u\.yaml:3: unknown _target_ 'numpy\.linspace'; did you mean 'numpy\.arange'\? known: .* \(at x\.y\)/);
    assert.throws(() => loadRecipe(path.join(dir, 'a.yaml')), /a\.yaml:2: _target_ 'numpy\.arange' at lr_updates: unexpected argument 'begin' \(takes start, stop, step\)/);
    assert.throws(() => loadRecipe(path.join(dir, 'e.yaml')), /e\.yaml:2: _target_ 'empty_list' at lr_updates: unexpected argument 'start' \(takes no arguments\)/);
    assert.throws(() => loadRecipe(path.join(dir, 's.yaml')), (err: Error) => err instanceof TypeError && /s\.yaml:2: _target_ 'numpy\.arange' at lr_updates: Expected a finite number for arange stop but received "ten"/.test(err.message));
  });
});
