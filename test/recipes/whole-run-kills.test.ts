/**
 * Tests written for the mutants that the first whole-folder StrykerJS run of lib/recipes (every
 * recipe test, static mutants included, 2026-12-03) found alive: loadRecipe's argument checks,
 * composition rules (override entries, `@package` placement, absolute config entries, cycle
 * names), resolver arguments and the package of a group file loaded on its own.
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { listRecipes, loadRecipe } from '../../lib/recipes';
import { parseOverride } from '../../lib/recipes/overrides';
import { splitArgs } from '../../lib/recipes/resolvers';
import { yamlNamesIn } from '../../lib/recipes/search-path';
import { at, recipeFolder, yaml } from './fixtures';

const freshFolder = () => recipeFolder({});
const load = (dir: string, name = 'r.yaml', overrides: string[] = []) => loadRecipe(path.join(dir, name), { overrides });

describe('recipes (whole-run survivors): loadRecipe and listRecipes arguments', () => {
  it('a blank name, non-object options and non-string list items are TypeErrors naming the argument', () => {
    const type = (message: string) => ({ name: 'TypeError', message });
    assert.throws(() => loadRecipe('   '), type("Expected a recipe name or a path to a .yaml file for loadRecipe(nameOrPath) but received '   ' (string)"));
    assert.throws(() => loadRecipe('mnist_lenet', null as never), type('Expected an object for loadRecipe(options) but received null'));
    assert.throws(() => loadRecipe('mnist_lenet', 7 as never), type('Expected an object for loadRecipe(options) but received 7 (number)'));
    assert.throws(() => loadRecipe('mnist_lenet', { overrides: ['epochs=1', 3] as never }), type('Expected an array of strings for loadRecipe({overrides}) but received ["epochs=1",3] (array)'));
    assert.throws(() => loadRecipe('mnist_lenet', { searchPath: [freshFolder(), 3] as never }), (e: Error) => e instanceof TypeError && e.message.startsWith('Expected an array of folder paths for loadRecipe({searchPath}) but received ['));
    assert.throws(() => listRecipes('dir' as never), type("Expected an array of folder paths for listRecipes(searchPath) but received 'dir' (string)"));
  });

  it('an empty options object and string-only lists are taken', () => {
    assert.equal(at(loadRecipe('mnist_lenet', {}), 'training_hyperparams').max_epochs, at(loadRecipe('mnist_lenet'), 'training_hyperparams').max_epochs);
    assert.ok(listRecipes([]).includes('mnist_lenet'));
  });
});

describe('recipes (whole-run survivors): composition', () => {
  it('an `override` entry needs its group elsewhere in the defaults list, as in Hydra', () => {
    const d = recipeFolder({ 'r.yaml': yaml('defaults:', '  - override extras: a', '  - _self_', 'x: 1'), 'extras/a.yaml': yaml('v: 1') });
    assert.throws(() => load(d), (e: Error) => e.message === `${path.join(d, 'r.yaml')}:2: 'override extras: a': no 'extras' in the defaults lists of ${path.join(d, 'r.yaml')}; to add the group use +extras=a`);
  });

  it("the command line's choice wins over the recipe's override entry, which wins over the plain entry", () => {
    const d = recipeFolder({
      'r.yaml': yaml('defaults:', '  - extras: a', '  - override extras: b', '  - _self_'),
      'extras/a.yaml': yaml('v: a'),
      'extras/b.yaml': yaml('v: b'),
      'extras/c.yaml': yaml('v: c'),
    });
    assert.equal(at(load(d), 'extras').v, 'b');
    assert.equal(at(load(d, 'r.yaml', ['extras=c']), 'extras').v, 'c');
  });

  it('a group entry may start with several slashes: it is read from the root all the same', () => {
    const d = recipeFolder({ 'r.yaml': yaml('defaults:', '  - //extras: a', '  - _self_'), 'extras/a.yaml': yaml('v: 1') });
    assert.deepEqual(load(d).extras, { v: 1 });
  });

  it('a nested group places its content at the dotted package (a/b: opt → a.b)', () => {
    const d = recipeFolder({ 'r.yaml': yaml('defaults:', '  - outer/inner: opt', '  - _self_'), 'outer/inner/opt.yaml': yaml('v: 1'), 'outer/inner/two.yaml': yaml('w: 2') });
    assert.deepEqual(load(d).outer, { inner: { v: 1 } });
    assert.deepEqual(load(d, 'r.yaml', ['+outer/inner=two']).outer, { inner: { v: 1, w: 2 } });
  });

  it('`group@pkg` places the file at pkg even when the file has its own # @package header', () => {
    const d = recipeFolder({
      'r.yaml': yaml('defaults:', '  - extras@placed: top', '  - _self_'),
      'extras/top.yaml': yaml('# @package _global_', 'flag: true'),
    });
    const cfg = load(d);
    assert.deepEqual(cfg.placed, { flag: true });
    assert.equal(cfg.flag, undefined);
  });

  it('a config entry (`- name`) and an appended group (`+group=option`) keep their file’s # @package header', () => {
    const d = recipeFolder({
      'r.yaml': yaml('defaults:', '  - extra', '  - _self_'),
      'extra.yaml': yaml('# @package moved', 'x: 1'),
      'extras/top.yaml': yaml('# @package _global_', 'flag: true'),
    });
    const cfg = load(d);
    assert.deepEqual(cfg.moved, { x: 1 });
    assert.equal(cfg.x, undefined);
    const appended = load(d, 'r.yaml', ['+extras=top']);
    assert.equal(appended.flag, true);
    assert.equal(appended.extras, undefined);
  });

  it('a group of a config entry is that entry’s folder: its own group entries are found next to it', () => {
    const d = recipeFolder({
      'r.yaml': yaml('defaults:', '  - base', '  - _self_'),
      'base.yaml': yaml('defaults:', '  - extras: a', '  - _self_'),
      'extras/a.yaml': yaml('v: 1'),
    });
    assert.deepEqual(load(d).extras, { v: 1 });
  });

  it('`- /name` is read from the root, never from the file’s own folder', () => {
    const d = recipeFolder({
      'training_hyperparams/t.yaml': yaml('defaults:', '  - /common', '  - _self_', 'max_epochs: 2'),
      'training_hyperparams/common.yaml': yaml('from: own folder'),
      'common.yaml': yaml('from: root'),
    });
    assert.equal(loadRecipe('training_hyperparams/t', { searchPath: [d] }).from, 'root');
    const missing = recipeFolder({ 'r.yaml': yaml('defaults:', '  - /nowhere', '  - _self_') });
    assert.throws(() => load(missing), (e: Error) => e.message.startsWith(`${path.join(missing, 'r.yaml')}:2: defaults entry '/nowhere' not found: looked for nowhere.yaml in ${missing}, `));
  });

  it('an appended group whose option does not exist, and `~group` of a group the recipe does not use, say so', () => {
    const d = recipeFolder({ 'r.yaml': yaml('x: 1'), 'extras/a.yaml': yaml('v: 1') });
    assert.throws(() => load(d, 'r.yaml', ['+extras=nope']), (e: Error) => e.message.startsWith(`override '+extras=nope': extras/nope.yaml not found in ${path.join(d, 'extras')}`));
    assert.throws(() => load(d, 'r.yaml', ['~extras']), (e: Error) => e.message === `override '~extras': no 'extras' in the defaults lists of ${path.join(d, 'r.yaml')}`);
  });

  it('a cycle is named by paths inside the root that holds the files, not relative to another root', () => {
    const first = recipeFolder({ 'unrelated.yaml': yaml('x: 1') });
    const second = recipeFolder({
      'loop/a.yaml': yaml('defaults:', '  - b', '  - _self_'),
      'loop/b.yaml': yaml('defaults:', '  - a', '  - _self_'),
    });
    assert.throws(() => loadRecipe('loop/a', { searchPath: [first, second] }), (e: Error) => /: cycle in defaults: loop\/a\.yaml → loop\/b\.yaml → loop\/a\.yaml$/.test(e.message));
  });

  it('a full recipe kept in a group folder is composed at the root, not under that folder’s package', () => {
    const d = recipeFolder({ 'mine/full.yaml': yaml('training_hyperparams:', '  max_epochs: 1', '  loss: CrossEntropyLoss', 'a: 1', 'b: ${mine.a}', 'c: ${a}') });
    const cfg = loadRecipe('mine/full', { searchPath: [d] });
    assert.equal(cfg.c, 1);
    assert.throws(() => cfg.b, /unresolved interpolation \$\{mine\.a\}: no key 'mine'/);
  });
});

describe('recipes (whole-run survivors): a group file on its own', () => {
  it('`${<package>.x}` reads its own x; the package itself and another package’s keys are not its content', () => {
    const d = recipeFolder({ 'outer/inner/f.yaml': yaml('x: 1', 'own: ${outer.inner.x}', 'other: ${outer.elsewhere.x}', 'whole: ${outer.inner}') });
    const cfg = loadRecipe('outer/inner/f', { searchPath: [d] });
    assert.equal(cfg.own, 1);
    assert.throws(() => cfg.other, /unresolved interpolation \$\{outer\.elsewhere\.x\}: no key 'outer'/);
    assert.throws(() => cfg.whole, /unresolved interpolation \$\{outer\.inner\}: no key 'outer'/);
  });
});

describe('recipes (whole-run survivors): interpolation and resolvers', () => {
  const one = (...lines: string[]) => load(recipeFolder({ 'r.yaml': yaml(...lines) }));

  it('an escaped \\${...} alone is literal text', () => {
    assert.equal(one('a: 1', 'b: "price \\\\${a}"').b, 'price ${a}');
  });

  it('spaces inside ${ key } are ignored', () => {
    assert.equal(one('a: 5', 'b: ${ a }').b, 5);
  });

  it('cond picks its second or third argument; brackets and parentheses keep their commas', () => {
    const cfg = one('t: true', 'a: ${cond:${t},[1, 2],[3]}', 'b: ${cond:false,[1, 2],[3, 4]}', 'c: ${cond:true,(x, y),z}', 'd: ${cond:false,1,[2}');
    assert.deepEqual(cfg.a, [1, 2]);
    assert.deepEqual(cfg.b, [3, 4]);
    assert.equal(cfg.c, '(x, y)');
    assert.equal(cfg.d, '[2', 'an argument that is not valid YAML is its text');
    assert.deepEqual(splitArgs('a, [b, c], (d, e), {f: g, h: i}'), ['a', '[b, c]', '(d, e)', '{f: g, h: i}']);
    assert.deepEqual(splitArgs('  '), []);
  });

  it('add with no arguments is 0', () => {
    assert.equal(one('a: ${add:}').a, 0);
  });

  it("a resolver's argument that is a list holding an unresolved value is passed on: only that item fails", () => {
    const cfg = one('l:', '  - 1', '  - ${missing}', 'a: ${cond:true,${l},0}');
    const a = cfg.a as unknown[];
    assert.equal(a[0], 1);
    assert.throws(() => a[1], /unresolved interpolation \$\{missing\}/);
  });
});

describe('recipes (whole-run survivors): _target_ nodes', () => {
  const one = (...lines: string[]) => () => load(recipeFolder({ 'r.yaml': yaml(...lines) }));

  it('a module path with an empty or forbidden part fails at load; a plain unknown module path waits until read', () => {
    assert.throws(one('a: {_target_: pkg..Thing}'), /unknown _target_ 'pkg\.\.Thing'/);
    assert.throws(one('a: {_target_: pkg.__proto__.Thing}'), /unknown _target_ 'pkg\.__proto__\.Thing'/);
    assert.throws(one('a: {_target_: .Thing}'), /unknown _target_ '\.Thing'/);
    const lazy = one('a: {_target_: pkg.module.Thing}')();
    assert.throws(() => lazy.a, /unknown _target_ 'pkg\.module\.Thing'/);
  });

  it('a _target_ node at the root is refused, named by its line (it would replace the whole recipe)', () => {
    for (const target of ['numpy.arange', 'Nope', 'pkg.module.Thing']) {
      const d = recipeFolder({ 'r.yaml': yaml('a: 1', `_target_: ${target}`, 'stop: 2') });
      assert.throws(() => load(d), (e: Error) => e.message === `${path.join(d, 'r.yaml')}:2: a _target_ node cannot be the whole recipe (a recipe is a mapping of keys to values); put it under a key`);
    }
  });

  it('messages name the dotted path of a nested node', () => {
    assert.throws(one('a:', '  b:', '    _target_: numpy.arange', '    _partial_: true', '    stop: 2'), (e: Error) => e.message.endsWith("r.yaml:3: _target_ 'numpy.arange' at a.b: _partial_ is not supported"));
  });

  it('a _target_ that is itself a _target_ mapping is refused as written, not instantiated first', () => {
    assert.throws(one('a:', '  _target_: {_target_: numpy.arange, stop: 2}'), (e: Error) => e.message.endsWith(': _target_ must be a name, got {"_target_":"numpy.arange","stop":2}'));
  });
});

describe('recipes (whole-run survivors): overrides', () => {
  it('an override that is not a string is a TypeError naming what it got', () => {
    assert.throws(() => parseOverride(5), { name: 'TypeError', message: 'Expected an override string like key=value but received 5 (number)' });
  });

  it('an index of several digits is a key path', () => {
    const d = recipeFolder({ 'r.yaml': yaml(`l: [${Array.from({ length: 12 }, (_, i) => i).join(', ')}]`) });
    assert.equal((load(d, 'r.yaml', ['l[11]=99']).l as number[])[11], 99);
  });

  it('leading and trailing spaces around the whole override and its value are ignored', () => {
    assert.equal(parseOverride('  ~a  ').kind, 'delete');
    assert.equal(parseOverride('  ~a  ').key, 'a');
    assert.throws(() => parseOverride('~a= [1'), /^Error: invalid override '~a= \[1': the value is not valid YAML/);
  });

  it('a value that is not YAML but does not start like a flow value or a quote is kept as text; the YAML error is the cause', () => {
    assert.equal(parseOverride('a=x: [y').value, 'x: [y');
    assert.throws(() => parseOverride('a=[1'), (e: Error & { cause?: unknown }) => e.cause instanceof Error);
  });

  it('a deep key under a scalar names the scalar’s dotted path', () => {
    const d = recipeFolder({ 'r.yaml': yaml('a:', '  b: 5') });
    assert.throws(() => load(d, 'r.yaml', ['+a.b.c=1']), (e: Error) => e.message === "override '+a.b.c=1': 'a.b' is 5, not a mapping");
  });

  it('a misspelt middle key of a deep path is suggested at its own depth', () => {
    const d = recipeFolder({ 'r.yaml': yaml('outer:', '  inner:', '    leaf: 1') });
    assert.throws(() => load(d, 'r.yaml', ['outer.innr.leaf=2']), (e: Error) => e.message.includes("(did you mean 'outer.inner'?)"));
  });
});

describe('recipes (whole-run survivors): files', () => {
  it('an empty recipe file is an empty mapping, as OmegaConf loads it', () => {
    assert.deepEqual(load(recipeFolder({ 'r.yaml': '' })), {});
    assert.deepEqual(load(recipeFolder({ 'r.yaml': '# only a comment\n' })), {});
  });

  it('YAML names in a folder are sorted as names, not as file names', () => {
    // Node's readdir sorts file names: 'a-x.yaml' comes before 'a.yaml' ('-' < '.'), the names do not.
    const d = recipeFolder({ 'a.yaml': yaml('x: 1'), 'a-x.yaml': yaml('x: 1'), 'b.yml': yaml('x: 1'), 'notes.txt': 'not yaml' });
    assert.deepEqual(yamlNamesIn(d), ['a', 'a-x', 'b']);
  });
});
