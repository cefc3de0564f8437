/**
 * The rules of recipe files and defaults entries that StrykerJS found untested in
 * check-training-params, contained, defaults-list, deferred, locate, origins and yaml-file
 * (issue 16): each `it` pins what a surviving mutant changed. Messages are compared whole, with
 * the temporary folder written as D.
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { listRecipes, loadRecipe } from '../../lib/recipes';
import { entryText } from '../../lib/recipes/defaults-list';
import { originOf } from '../../lib/recipes/origins';
import { readYamlFile } from '../../lib/recipes/yaml-file';
import { recipeFolder, yaml } from './fixtures';

/** What `f` throws, with the folder `dir` written as D. */
function thrownIn(dir: string, f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`.split(dir).join('D');
  }
  assert.fail('expected an error');
}

describe('recipes: which training params are checked at load time (check-training-params.ts)', () => {
  const bad = ['max_epochs: 2', 'loss: CrossEntropyLoss', 'batch_accumulate: 0'];

  it('a top-level recipe without training_hyperparams is not a training-params file, even with their keys at its root', () => {
    const dir = recipeFolder({ 'r.yaml': yaml(...bad) });
    assert.equal(loadRecipe(path.join(dir, 'r.yaml')).batch_accumulate, 0);
  });

  it('a full recipe inside a training_hyperparams/ folder is checked under its training_hyperparams key', () => {
    const dir = recipeFolder({ 'training_hyperparams/full.yaml': yaml('training_hyperparams:', ...bad.map((l) => `  ${l}`)) });
    assert.equal(
      thrownIn(dir, () => loadRecipe(path.join(dir, 'training_hyperparams', 'full.yaml'))),
      'TypeError: D/training_hyperparams/full.yaml:4: Expected an integer ≥ 1 for training_params.batch_accumulate but received 0 (number)',
    );
  });

  it('max_epochs: null leaves the check to the Trainer, as a missing max_epochs does', () => {
    const dir = recipeFolder({ 'training_hyperparams/t.yaml': yaml('max_epochs: null', 'batch_accumulate: 0') });
    assert.equal(loadRecipe(path.join(dir, 'training_hyperparams', 't.yaml')).batch_accumulate, 0);
  });

  it('only a group file may leave its loss out (null too); a full recipe must name it', () => {
    const dir = recipeFolder({
      'r.yaml': yaml('training_hyperparams:', '  max_epochs: 2'),
      'training_hyperparams/t.yaml': yaml('max_epochs: 2', 'loss: null'),
    });
    assert.equal(thrownIn(dir, () => loadRecipe(path.join(dir, 'r.yaml'))), 'TypeError: D/r.yaml:1: training_params.loss is required (e.g. CrossEntropyLoss)');
    assert.deepEqual(loadRecipe(path.join(dir, 'training_hyperparams', 't.yaml')), { max_epochs: 2, loss: null });
  });
});

describe('recipes: names in defaults entries (contained.ts)', () => {
  const LEAVES = "defaults name configs inside the config search path (no '..', no absolute paths)";

  it("a name starting with '\\' is an absolute path (Windows'), refused as such before its backslash", () => {
    const dir = recipeFolder({ 'r.yaml': yaml('defaults:', "  - g: '\\x'") });
    assert.equal(thrownIn(dir, () => loadRecipe(path.join(dir, 'r.yaml'))), `Error: D/r.yaml:2: defaults entry 'g: \\x' has an absolute path in '\\x': ${LEAVES}`);
  });

  it("a colon after the first character is part of a file name, not a drive ('ab:c')", () => {
    const dir = recipeFolder({ 'r.yaml': yaml('defaults:', '  - g: ab:c', '  - _self_'), 'g/ab:c.yaml': yaml('v: 1') });
    assert.deepEqual(loadRecipe(path.join(dir, 'r.yaml')), { g: { v: 1 } });
  });
});

describe('recipes: defaults entries as written (defaults-list.ts)', () => {
  const load = (dir: string) => () => loadRecipe(path.join(dir, 'r.yaml'));

  it('entryText writes an entry back as the file has it', () => {
    assert.equal(entryText({ kind: 'self', index: 0 }), '_self_');
    assert.equal(entryText({ kind: 'config', name: 'base', index: 0 }), 'base');
    assert.equal(entryText({ kind: 'group', group: 'g', absolute: true, packageOverride: 'a.b', option: 'x', override: true, optional: true, index: 0 }), 'override optional /g@a.b: x');
    assert.equal(entryText({ kind: 'group', group: 'g', absolute: false, packageOverride: null, option: null, override: false, optional: false, index: 0 }), 'g: null');
  });

  it("messages show an entry's optional, / and @package as written", () => {
    const dir = recipeFolder({ 'r.yaml': yaml('defaults:', '  - optional /g@a.b: ../x') });
    assert.equal(thrownIn(dir, load(dir)), "Error: D/r.yaml:2: defaults entry 'optional /g@a.b: ../x' has '..' in '../x': defaults name configs inside the config search path (no '..', no absolute paths)");
    const missing = recipeFolder({ 'r.yaml': yaml('defaults:', '  - /g@a.b: nope') });
    assert.match(thrownIn(missing, load(missing)), /^Error: D\/r\.yaml:2: defaults entry '\/g@a\.b: nope' not found: looked for g\/nope\.yaml in D, /);
  });

  it('defaults that are not a list are an error at the defaults key', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('a: 1', '', 'defaults: 5') });
    assert.equal(thrownIn(dir, load(dir)), 'Error: D/r.yaml:3: defaults must be a list, got number');
  });

  it('config names and group keys are trimmed; an empty name is no entry', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('defaults:', "  - ' base '", "  - ' optional  g ': x", '  - _self_'), 'base.yaml': yaml('b: 1'), 'g/x.yaml': yaml('v: 1') });
    assert.deepEqual(loadRecipe(path.join(dir, 'r.yaml')), { b: 1, g: { v: 1 } });
    const empty = recipeFolder({ 'r.yaml': yaml('defaults:', "  - '  '") });
    assert.equal(thrownIn(empty, load(empty)), 'Error: D/r.yaml:2: a defaults entry is a config name, \'_self_\' or \'group: option\', got "  "');
  });

  it('an entry listing several options, an option that is no name, an entry without a group: each its own message', () => {
    const several = recipeFolder({ 'r.yaml': yaml('defaults:', '  - g: [a, b]') });
    assert.equal(thrownIn(several, load(several)), "Error: D/r.yaml:2: 'g' lists several options; one option per group is supported (no multirun)");
    const number = recipeFolder({ 'r.yaml': yaml('defaults:', '  - g: 5') });
    assert.equal(thrownIn(number, load(number)), "Error: D/r.yaml:2: the option of 'g' must be a config name, got 5");
    const noGroup = recipeFolder({ 'r.yaml': yaml('defaults:', "  - '/': x") });
    assert.equal(thrownIn(noGroup, load(noGroup)), "Error: D/r.yaml:2: defaults entry '/' has no group name");
  });
});

describe('recipes: values read lazily and the load-time check (deferred.ts)', () => {
  const loadGroupFile = (...lines: string[]) => loadRecipe(path.join(recipeFolder({ 'training_hyperparams/t.yaml': yaml(...lines) }), 'training_hyperparams', 't.yaml'));

  it('a checked list holding a lazy value is left out of the check whole (lr_updates must hold numbers)', () => {
    const cfg = loadGroupFile('max_epochs: 2', 'lr_updates: [1, "${missing.epoch}"]');
    assert.throws(() => (cfg.lr_updates as unknown[])[1], /no key 'missing'/);
  });

  it('a lazy value is left out of the check, so the default stands in for it (batch_accumulate)', () => {
    const cfg = loadGroupFile('max_epochs: 2', 'batch_accumulate: ${missing.n}');
    assert.throws(() => cfg.batch_accumulate, /no key 'missing'/);
  });
});

describe('recipes: finding the primary recipe (locate.ts)', () => {
  it("'./' and '../' paths that do not exist are missing files, not names", () => {
    assert.equal(thrownIn(process.cwd(), () => loadRecipe('./no_such_recipe.yaml')), 'Error: recipe file not found: D/no_such_recipe.yaml');
    assert.equal(thrownIn(path.dirname(process.cwd()), () => loadRecipe('../no_such_recipe.yaml')), 'Error: recipe file not found: D/no_such_recipe.yaml');
  });

  it("a name with './' inside is a name; '\\' separates its group as '/' does; .yaml or .yml is dropped at the end only", () => {
    const dir = recipeFolder({ 'training_hyperparams/x.yaml': yaml('max_epochs: null', 'a: 1'), 'v.yml2.yaml': yaml('b: 2'), 'r.yml': yaml('c: 3') });
    assert.equal(thrownIn(dir, () => loadRecipe('g./r', { searchPath: [dir] })).split(', ')[0], "Error: recipe 'g./r' not found: looked for g./r.yaml in D");
    assert.deepEqual(loadRecipe('training_hyperparams\\x', { searchPath: [dir] }), { max_epochs: null, a: 1 });
    assert.deepEqual(loadRecipe('v.yml2', { searchPath: [dir] }), { b: 2 });
    assert.deepEqual(loadRecipe('r.yml', { searchPath: [dir] }), { c: 3 });
    assert.deepEqual(listRecipes([dir]).slice(0, 2), ['r', 'v.yml2']);
  });

  it("a top-level recipe found by name has no group: '# @package _group_' places it at the root", () => {
    const dir = recipeFolder({ 'top.yaml': yaml('# @package _group_', 'x: 1') });
    assert.deepEqual(loadRecipe('top', { searchPath: [dir] }), { x: 1 });
  });

  it('a .yml file, listed by its name as a .yaml file is, loads by that name, as the primary recipe and as a defaults option', () => {
    const dir = recipeFolder({ 'r.yml': yaml('defaults:', '  - g: y', '  - _self_', 'c: 3'), 'g/y.yml': yaml('v: 1'), 'both.yaml': yaml('from: yaml'), 'both.yml': yaml('from: yml') });
    assert.deepEqual(listRecipes([dir]).slice(0, 2), ['both', 'r']);
    assert.deepEqual(loadRecipe('r', { searchPath: [dir] }), { g: { v: 1 }, c: 3 });
    assert.deepEqual(loadRecipe('both', { searchPath: [dir] }), { from: 'yaml' });
    assert.deepEqual(loadRecipe('both.yml', { searchPath: [dir] }), { from: 'yml' });
  });

  it('a name not found lists every folder searched, and suggests a near name only when there is one', () => {
    const a = recipeFolder({ 'mine.yaml': yaml('a: 1') });
    const b = recipeFolder({});
    const near = thrownIn(a, () => loadRecipe('mien', { searchPath: [a, b] })).split(b).join('B');
    assert.match(near, /^Error: recipe 'mien' not found: looked for mien\.yaml in D, B, \S+recipes; did you mean 'mine'\?$/);
    const yml = thrownIn(a, () => loadRecipe('mien.yml', { searchPath: [a, b] })).split(b).join('B');
    assert.match(yml, /^Error: recipe 'mien\.yml' not found: looked for mien\.yml in D, B, \S+recipes; did you mean 'mine'\?$/);
    const far = thrownIn(a, () => loadRecipe('zzzzzzzzzzzz', { searchPath: [a, b] })).split(b).join('B');
    assert.match(far, /^Error: recipe 'zzzzzzzzzzzz' not found: looked for zzzzzzzzzzzz\.yaml in D, B, \S+recipes$/);
  });

  it('a search-path entry that is a file, not a folder, is searched as nothing', () => {
    const dir = recipeFolder({ 'file.txt': 'not a folder' });
    assert.match(thrownIn(dir, () => loadRecipe('mnist_lenett', { searchPath: [path.join(dir, 'file.txt')] })), /^Error: recipe 'mnist_lenett' not found: looked for mnist_lenett\.yaml in D\/file\.txt, \S+recipes; did you mean 'mnist_lenet'\?$/);
  });
});

describe('recipes: where a value came from (origins.ts)', () => {
  it('a lazy value inside a package with dots is named by its own file:line', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('defaults:', '  - g@a.b: x', '  - _self_'), 'g/x.yaml': yaml('k: 1', 'v: ${missing.key}') });
    const cfg = loadRecipe(path.join(dir, 'r.yaml')) as { a: { b: { v: unknown } } };
    assert.match(thrownIn(dir, () => cfg.a.b.v), /^Error: D\/g\/x\.yaml:2: /);
  });

  it("only the root's defaults list is skipped: a nested key named defaults has its own line", () => {
    const dir = recipeFolder({ 'r.yaml': yaml('a:', '  x: 1', '  defaults: ${missing.key}') });
    const cfg = loadRecipe(path.join(dir, 'r.yaml')) as { a: { defaults: unknown } };
    assert.match(thrownIn(dir, () => cfg.a.defaults), /^Error: D\/r\.yaml:3: /);
  });

  it('a value a YAML merge (<<) brought in has no line of its own: the file is named', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('base: &b', '  x: ${missing.key}', 'c:', '  <<: *b', '  y: ${missing.key}') });
    const cfg = loadRecipe(path.join(dir, 'r.yaml')) as { base: { x: unknown }; c: { x: unknown; y: unknown } };
    assert.match(thrownIn(dir, () => cfg.base.x), /^Error: D\/r\.yaml:2: /);
    assert.match(thrownIn(dir, () => cfg.c.x), /^Error: D\/r\.yaml: /);
    assert.match(thrownIn(dir, () => cfg.c.y), /^Error: D\/r\.yaml:5: /);
  });

  it("originOf: the path's own origin, else its nearest recorded ancestor's, else the fallback (the root is no ancestor)", () => {
    const origins = new Map([
      ['a', 'f:1'],
      ['a.b', 'f:2'],
      ['', 'root'],
    ]);
    assert.equal(originOf(origins, ['a', 'b']), 'f:2');
    assert.equal(originOf(origins, ['a', 'b', 'c', 'd']), 'f:2');
    assert.equal(originOf(origins, ['a', 'z']), 'f:1');
    assert.equal(originOf(origins, ['x']), 'the recipe');
    assert.equal(originOf(origins, ['x'], 'file'), 'file');
  });
});

describe('recipes: reading one file (yaml-file.ts)', () => {
  const read = (text: string) => {
    const dir = recipeFolder({ 'r.yaml': text });
    return { dir, y: () => readYamlFile(path.join(dir, 'r.yaml')) };
  };

  it('# @package is read from the comment lines before the content: after blank lines, indented, not after content, not ##', () => {
    assert.equal(read('\n\n# a comment\n  #  @package  a.b\nx: 1\n').y().packageHeader, 'a.b');
    assert.equal(read('x: 1\n# @package a\n').y().packageHeader, null);
    assert.equal(read('## @package a\nx: 1\n').y().packageHeader, null);
  });

  it('invalid YAML: the first line says file:line:col and the message, the code frame follows without blank lines', () => {
    const { dir, y } = read('a: [1, 2');
    assert.equal(thrownIn(dir, y), 'Error: D/r.yaml:1:9: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\na: [1, 2\n        ^');
    const blank = read("a: 'x\n\n");
    assert.equal(thrownIn(blank.dir, blank.y), "Error: D/r.yaml:3:1: invalid YAML: Missing closing 'quote\n^");
  });

  it('an alias without its anchor names its line; up to 1000 aliased nodes load, more are refused naming the file', () => {
    const { dir, y } = read('a: 1\nb: *nope\n');
    assert.equal(thrownIn(dir, y), 'Error: D/r.yaml:2: invalid YAML: Unresolved alias (the anchor must be set before the alias): nope');
    const many = (n: number) => read(`x: &a [1]\nl:\n${'  - *a\n'.repeat(n)}`);
    assert.equal((many(150).y().data.l as unknown[]).length, 150);
    const bomb = many(1001);
    assert.equal(thrownIn(bomb.dir, bomb.y), 'Error: D/r.yaml: invalid YAML: Excessive alias count indicates a resource exhaustion attack');
  });

  it('a forbidden key that reaches the data through an alias used as a key is named by its path', () => {
    const { dir, y } = read('x: &k __proto__\ny: {*k : 1}\n');
    assert.equal(thrownIn(dir, y), "Error: D/r.yaml (at y.__proto__): the key '__proto__' is not allowed in a recipe (__proto__, constructor, prototype could reach Object.prototype)");
  });

  it('a file that cannot be read is named, with the reason and the cause', () => {
    const dir = recipeFolder({});
    let thrown: unknown;
    try {
      readYamlFile(dir);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.message, `cannot read recipe file ${dir}: EISDIR: illegal operation on a directory, read`);
    assert.equal((thrown.cause as NodeJS.ErrnoException).code, 'EISDIR');
  });

  it('a defaults list written as an alias has no line per entry: errors name the file', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('d: &d [5]', 'defaults: *d') });
    assert.equal(thrownIn(dir, () => loadRecipe(path.join(dir, 'r.yaml'))), 'Error: D/r.yaml: a defaults entry is a config name, \'_self_\' or \'group: option\', got 5');
  });
});
