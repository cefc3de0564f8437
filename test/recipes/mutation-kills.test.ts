/**
 * Tests written for mutants StrykerJS found alive in lib/recipes (npm run mutate:ts): each `it`
 * names the behaviour a surviving mutant changed without any test noticing.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { loadRecipe, numpyArange } from '../../lib/recipes';
import { InterpolationBudget } from '../../lib/recipes/interpolation-budget';
import { getPath, hasPath, splitKey } from '../../lib/recipes/merge';
import { parseOverride } from '../../lib/recipes/overrides';
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

describe('recipes: key paths (merge.ts)', () => {
  it("splitKey: a[12] is an index of any length; empty parts ('a..b', '.a') are dropped", () => {
    assert.deepEqual(splitKey('a.b[0].c'), ['a', 'b', '0', 'c']);
    assert.deepEqual(splitKey('a[12].x'), ['a', '12', 'x']);
    assert.deepEqual(splitKey('a..b.'), ['a', 'b']);
    assert.deepEqual(splitKey('.a'), ['a']);
  });

  it('getPath and hasPath: list indices are whole decimal numbers (not 0x1, " 1", length); mapping keys are own keys', () => {
    const list = Array.from({ length: 12 }, (_, i) => i * 10);
    const root = { l: list, m: { a: 1, n: null } };
    assert.equal(getPath(root, ['l', '10']), 100);
    assert.equal(hasPath(root, ['l', '10']), true);
    for (const key of ['0x1', ' 1', '1 ', 'length', '1e1']) {
      assert.equal(getPath(root, ['l', key]), undefined, key);
      assert.equal(hasPath(root, ['l', key]), false, key);
    }
    assert.equal(hasPath(root, ['l', '12']), false);
    assert.equal(getPath(root, ['m', 'toString']), undefined);
    assert.equal(getPath(root, ['m', 'n']), null);
    assert.equal(hasPath(root, ['m', 'n']), true);
    assert.equal(hasPath(root, ['m', 'constructor']), false);
    assert.equal(hasPath(root, []), true, 'the root itself');
  });
});

describe('recipes: interpolation, the remaining rules', () => {
  const load = (...lines: string[]) => loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml(...lines) }), 'r.yaml'));
  const loadGroupFile = (...lines: string[]) => loadRecipe(path.join(recipeFolder({ 'training_hyperparams/t.yaml': yaml(...lines) }), 'training_hyperparams', 't.yaml'));

  it('\\${ is a literal ${, also next to a real interpolation', () => {
    const cfg = load("x: 'cost \\${y} and ${y}'", 'y: 3');
    assert.equal(cfg.x, 'cost ${y} and 3');
  });

  it('${..x} is a key of the parent mapping, ${.x} a sibling', () => {
    const cfg = load('a:', '  x: 5', '  b:', '    x: 6', "    up: '${..x}'", "    same: '${.x}'");
    assert.deepEqual(at(cfg, 'a.b'), { x: 6, up: 5, same: 6 });
  });

  it('spaces around a key path are trimmed: ${ a.b }', () => {
    assert.equal(load('a: {b: 7}', "c: '${ a.b }'").c, 7);
  });

  it('a key path with a colon that is no resolver name (x-y:1) is a missing key, read lazily, not a resolver call', () => {
    const cfg = load("a: '${x-y:1}'", 'b: 2');
    assert.equal(cfg.b, 2);
    assert.throws(() => cfg.a, /unresolved interpolation \$\{x-y:1\}: no key 'x-y:1'/);
  });

  it('a cycle names only its own keys (a → c → a), not values resolved before it (b) nor the key that led into it (x)', () => {
    assert.throws(() => load("a: '${b}${c}'", "b: '${z}'", 'z: 1', "c: '${a}'"), /: interpolation cycle: a → c → a \(in a\)$/);
    assert.throws(() => load("x: '${a}'", "a: '${c}'", "c: '${a}'"), /: interpolation cycle: a → c → a \(in a\)$/);
  });

  it('a list holding a value that is read lazily leaves the load-time check of training_hyperparams alone', () => {
    const cfg = loadGroupFile('max_epochs: 2', 'initial_lr: 0.1', "valid_metrics_list: ['${missing.metric}']");
    assert.equal(at(cfg, 'max_epochs') as unknown, 2);
    assert.throws(() => (cfg.valid_metrics_list as unknown[])[0], /no key 'missing'/);
  });
});

describe('recipes: interpolation budget (interpolation-budget.ts)', () => {
  const limits = (maxStringLength: number, maxSteps = 1000) => ({ maxStringLength, maxNodes: 1000, maxSteps });

  it('restart(): each resolution counts its own steps from there', () => {
    const budget = new InterpolationBudget(limits(100, 3));
    budget.tick(3);
    budget.restart();
    budget.tick(3);
    assert.equal(budget.steps, 6);
    assert.throws(() => budget.tick(), /interpolation needs more than 3 steps/);
  });

  it('checkTextSize: a string counts its length + 2 (quotes), a mapping 8 + each key + 4, a number 8', () => {
    const budget = new InterpolationBudget(limits(10));
    budget.checkTextSize('12345678'); // 10
    assert.throws(() => budget.checkTextSize('123456789'), /a string of more than 10 characters/);
    const mapping = new InterpolationBudget(limits(23));
    mapping.checkTextSize({ abc: 1 }); // 8 + 3 + 4 + 8
    assert.throws(() => new InterpolationBudget(limits(22)).checkTextSize({ abc: 1 }), /a string of more than 22 characters/);
  });

  it('detach: a string costs 1 step per started KiB beyond the first; a __proto__ key is refused', () => {
    const budget = new InterpolationBudget();
    assert.equal(budget.detach('x'.repeat(4096)), 'x'.repeat(4096));
    assert.equal(budget.steps, 5);
    assert.throws(() => budget.detach(JSON.parse('{"a": {"__proto__": {"polluted": 1}}}')), {
      message: "interpolation result: the key '__proto__' is not allowed in a recipe (__proto__, constructor, prototype could reach Object.prototype)",
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('recipes: override values and keys, the remaining rules', () => {
  const folder = recipeFolder({ 'r.yaml': yaml('a: {b: 0, n: null}', 'epochs: 3', 'd: "#x"') });
  const load = (...overrides: string[]) => loadRecipe(path.join(folder, 'r.yaml'), { overrides });

  it("quoted text in a flow value is kept as written ({k:'x,b:c'}, escaped quotes inside)", () => {
    assert.deepEqual(parseOverride("+v={k:'x,b:c'}").value, { k: 'x,b:c' });
    assert.deepEqual(parseOverride('+v={k:"x,b:c"}').value, { k: 'x,b:c' });
    assert.deepEqual(parseOverride('+v={k:"x\\",b:c"}').value, { k: 'x",b:c' });
    assert.deepEqual(parseOverride('+v={k:v,m:w}').value, { k: 'v', m: 'w' });
  });

  it('only a bare key after { or , gets its space: [b:1] stays a list of one string', () => {
    assert.deepEqual(parseOverride('+v=[b:1]').value, ['b:1']);
  });

  it("an empty key is a syntax error; 'a/b' is the key path a.b", () => {
    assert.throws(() => parseOverride('=5'), { message: "invalid override '=5': expected key=value, +key=value, ++key=value or ~key" });
    assert.deepEqual(parseOverride('a/b=1').path, ['a', 'b']);
    assert.deepEqual(at(load('a/b=1'), 'a'), { b: 1, n: null });
  });

  it("~key=value compares with the value after '=' trimmed", () => {
    assert.equal('d' in load('~d= #x'), false);
  });

  it('a forbidden key deep in a mapping value is named by its path', () => {
    assert.throws(() => parseOverride('+x={a: {__proto__: 1}}'), {
      message: "invalid override '+x={a: {__proto__: 1}}' (at a.__proto__ in its value): the key '__proto__' is not allowed in a recipe (__proto__, constructor, prototype could reach Object.prototype)",
    });
  });

  it('a shortcut key is settable without + only at the top level (epochs=5, not epochs.x=5)', () => {
    assert.throws(() => load('epochs.x=5'), /no key 'epochs.x'/);
  });

  it('++ through a null value makes it a mapping', () => {
    assert.deepEqual(at(load('++a.n.c=1'), 'a'), { b: 0, n: { c: 1 } });
  });
});

describe('recipes: defaults entries and files, checks the whole-file run found untested', () => {
  const load = (...lines: string[]) => loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml(...lines), 'g/x.yaml': yaml('x: 1') }), 'r.yaml'));
  const LEAVES = "defaults name configs inside the config search path (no '..', no absolute paths)";

  it('a defaults entry with a NUL, a drive letter or a backslash is refused, naming what it has', () => {
    assert.throws(() => load('defaults:', '  - g: "x\\0y"'), { message: /defaults entry 'g: x\0y' has a NUL character in 'x\0y': / });
    assert.throws(() => load('defaults:', '  - g: C:x'), { message: new RegExp(`defaults entry 'g: C:x' has an absolute path in 'C:x': ${LEAVES.replace(/[()]/g, '\\$&')}$`) });
    assert.throws(() => load('defaults:', '  - g: a\\x'), { message: /defaults entry 'g: a\\x' has '\\' in 'a\\x': / });
    assert.deepEqual(load('defaults:', '  - g: x', '  - _self_', 'y: 2'), { g: { x: 1 }, y: 2 });
  });

  it('defaults: null is no defaults; a file holding a scalar is refused', () => {
    assert.deepEqual(load('defaults: null', 'y: 2'), { y: 2 });
    assert.throws(() => load('just text'), /r\.yaml:1: a recipe file must be a mapping of keys to values, got string$/);
  });
});
