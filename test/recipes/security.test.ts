/**
 * Recipes cannot reach outside what the user gave (issue 15): no key path writes into
 * Object.prototype, lookups of resolvers and `_target_`s see own names only, and defaults
 * entries stay inside the config search path. Every crafted recipe is written by the test into
 * a temporary folder; each case checks the error text and that Object.prototype is untouched.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { deepMerge, loadRecipe } from '../../lib/recipes';
import { recipeFolder, yaml } from './fixtures';
import { assertPrototypeUntouched } from './prototype-pristine';

interface Case {
  name: string;
  files: Record<string, string>;
  /** The recipe to load, inside the folder (default r.yaml). */
  recipe?: string;
  overrides?: string[];
  /** The start of the message, with FILE standing for the folder. */
  message: string;
}

const NOT_ALLOWED = 'is not allowed in a recipe (__proto__, constructor, prototype could reach Object.prototype)';

function check(c: Case): void {
  const dir = recipeFolder(c.files);
  const expected = c.message.replace(/FILE/g, dir);
  assert.throws(
    () => loadRecipe(path.join(dir, c.recipe ?? 'r.yaml'), { overrides: c.overrides }),
    (err: Error) => {
      assert.equal(err.message.slice(0, expected.length), expected, err.message);
      return true;
    },
  );
  assertPrototypeUntouched();
}

const KEY_CASES: Case[] = [
  { name: 'a top-level YAML key __proto__', files: { 'r.yaml': yaml('a: 1', '__proto__:', '  x: 1') }, message: `FILE/r.yaml:2: the key '__proto__' ${NOT_ALLOWED}` },
  { name: 'nested constructor.prototype keys', files: { 'r.yaml': yaml('a:', '  constructor:', '    prototype:', '      x: 1') }, message: `FILE/r.yaml:2: the key 'constructor' ${NOT_ALLOWED}` },
  { name: 'a prototype key in a list item', files: { 'r.yaml': yaml('a:', '  - b: 1', '    prototype: {x: 1}') }, message: `FILE/r.yaml:3: the key 'prototype' ${NOT_ALLOWED}` },
  { name: 'a YAML merge key (<<) merging a __proto__ mapping', files: { 'r.yaml': yaml('c:', '  <<: {__proto__: {x: 1}}') }, message: `FILE/r.yaml:2: the key '__proto__' ${NOT_ALLOWED}` },
  { name: 'an anchor holding __proto__, merged elsewhere with <<', files: { 'r.yaml': yaml('base: &b {__proto__: {x: 1}}', 'c:', '  <<: *b') }, message: `FILE/r.yaml:1: the key '__proto__' ${NOT_ALLOWED}` },
  {
    name: 'a key in a group file',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('ok: 1', 'constructor: {x: 1}') },
    message: `FILE/g/x.yaml:2: the key 'constructor' ${NOT_ALLOWED}`,
  },
  {
    name: 'a # @package header __proto__',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('# @package __proto__', 'x: 1') },
    message: `FILE/g/x.yaml:1: '# @package __proto__': the key '__proto__' ${NOT_ALLOWED}`,
  },
  {
    name: 'a # @package header _global_.constructor.prototype',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('# a comment first', '# @package _global_.constructor.prototype', 'x: 1') },
    message: `FILE/g/x.yaml:2: '# @package _global_.constructor.prototype': the key 'constructor' ${NOT_ALLOWED}`,
  },
  {
    name: "a defaults entry's package (g@__proto__)",
    files: { 'r.yaml': yaml('defaults:', '  - g@__proto__: x'), 'g/x.yaml': yaml('x: 1') },
    message: `FILE/r.yaml:2: defaults entry 'g@__proto__': the key '__proto__' ${NOT_ALLOWED}`,
  },
  {
    name: "a defaults entry's nested package (g@a.constructor.prototype)",
    files: { 'r.yaml': yaml('defaults:', '  - g@a.constructor.prototype: x'), 'g/x.yaml': yaml('x: 1') },
    message: `FILE/r.yaml:2: defaults entry 'g@a.constructor.prototype': the key 'constructor' ${NOT_ALLOWED}`,
  },
  {
    name: 'a defaults group named constructor/prototype (its keys)',
    files: { 'r.yaml': yaml('defaults:', '  - constructor/prototype: x'), 'constructor/prototype/x.yaml': yaml('x: 1') },
    message: `FILE/r.yaml:2: defaults entry 'constructor/prototype': the key 'constructor' ${NOT_ALLOWED}`,
  },
  { name: 'the override +__proto__.x=1', files: { 'r.yaml': yaml('a: {b: 1}') }, overrides: ['+__proto__.x=1'], message: `invalid override '+__proto__.x=1': the key '__proto__' ${NOT_ALLOWED}` },
  { name: 'the override ++a.__proto__.x=1', files: { 'r.yaml': yaml('a: {b: 1}') }, overrides: ['++a.__proto__.x=1'], message: `invalid override '++a.__proto__.x=1': the key '__proto__' ${NOT_ALLOWED}` },
  {
    name: 'the override a.constructor.prototype.x=1',
    files: { 'r.yaml': yaml('a: {b: 1}') },
    overrides: ['a.constructor.prototype.x=1'],
    message: `invalid override 'a.constructor.prototype.x=1': the key 'constructor' ${NOT_ALLOWED}`,
  },
  { name: 'the override ++a[0].prototype.x=1', files: { 'r.yaml': yaml('a: [{b: 1}]') }, overrides: ['++a[0].prototype.x=1'], message: `invalid override '++a[0].prototype.x=1': the key 'prototype' ${NOT_ALLOWED}` },
  { name: 'the override ~__proto__', files: { 'r.yaml': yaml('a: 1') }, overrides: ['~__proto__'], message: `invalid override '~__proto__': the key '__proto__' ${NOT_ALLOWED}` },
  { name: 'a group-like override +__proto__=g', files: { 'r.yaml': yaml('a: 1'), '__proto__/g.yaml': yaml('x: 1') }, overrides: ['+__proto__=g'], message: `invalid override '+__proto__=g': the key '__proto__' ${NOT_ALLOWED}` },
  {
    name: 'a mapping value of an override merged into a key (a={__proto__: {x: 1}})',
    files: { 'r.yaml': yaml('a: {b: 1}') },
    overrides: ['++a={__proto__: {x: 1}}'],
    message: `invalid override '++a={__proto__: {x: 1}}' (at __proto__ in its value): the key '__proto__' ${NOT_ALLOWED}`,
  },
  { name: 'an interpolation path ${__proto__.x}', files: { 'r.yaml': yaml('a: ${__proto__.x}') }, message: `FILE/r.yaml:1: \${__proto__.x}: the key '__proto__' ${NOT_ALLOWED} (in a)` },
  { name: 'an interpolation path ${a.constructor.name}', files: { 'r.yaml': yaml('a: {b: 1}', 'c: ${a.constructor.name}') }, message: `FILE/r.yaml:2: \${a.constructor.name}: the key 'constructor' ${NOT_ALLOWED} (in c)` },
  { name: 'a relative interpolation ${.constructor}', files: { 'r.yaml': yaml('a:', '  b: x${.constructor}') }, message: `FILE/r.yaml:2: \${.constructor}: the key 'constructor' ${NOT_ALLOWED} (in a.b)` },
  { name: 'oc.select of __proto__', files: { 'r.yaml': yaml('a: ${oc.select:__proto__.x,0}') }, message: `FILE/r.yaml:1: \${__proto__.x}: the key '__proto__' ${NOT_ALLOWED} (in a)` },
  { name: 'a resolver argument read as a __proto__ mapping', files: { 'r.yaml': yaml("a: '${cond:true,__proto__: 1,0}'") }, message: `FILE/r.yaml:1: \${cond:true,__proto__: 1,0}: the key '__proto__' ${NOT_ALLOWED} (in a)` },
  { name: 'getitem of a member of Object.prototype', files: { 'r.yaml': yaml('a: {b: 1}', 'c: ${getitem:${a},constructor}') }, message: 'FILE/r.yaml:2: ${getitem:${a},constructor}: getitem: no item "constructor" in {"b":1} (in c)' },
  { name: 'getitem of toString', files: { 'r.yaml': yaml('a: {b: 1}', 'c: ${getitem:${a},toString}') }, message: 'FILE/r.yaml:2: ${getitem:${a},toString}: getitem: no item "toString" in {"b":1} (in c)' },
  { name: 'a resolver named toString', files: { 'r.yaml': yaml('a: ${toString:1}') }, message: "FILE/r.yaml:1: ${toString:1}: unknown resolver 'toString'; known: oc.env, oc.select, add, cond, getitem, first, last (in a)" },
  { name: 'a resolver named __proto__', files: { 'r.yaml': yaml('a: ${__proto__:1}') }, message: "FILE/r.yaml:1: ${__proto__:1}: unknown resolver '__proto__';" },
  { name: 'a resolver named hasOwnProperty', files: { 'r.yaml': yaml('a: ${hasOwnProperty:x}') }, message: "FILE/r.yaml:1: ${hasOwnProperty:x}: unknown resolver 'hasOwnProperty';" },
  { name: 'a _target_ named constructor', files: { 'r.yaml': yaml('a:', '  _target_: constructor') }, message: "FILE/r.yaml:2: unknown _target_ 'constructor';" },
  { name: 'a _target_ named toString', files: { 'r.yaml': yaml('a:', '  _target_: toString') }, message: "FILE/r.yaml:2: unknown _target_ 'toString';" },
  { name: 'a _target_ named __proto__', files: { 'r.yaml': yaml('a:', '  _target_: __proto__') }, message: "FILE/r.yaml:2: unknown _target_ '__proto__';" },
  { name: 'a _target_ argument named like a member of Object.prototype', files: { 'r.yaml': yaml('a:', '  _target_: arange', '  valueOf: 3') }, message: "FILE/r.yaml:2: _target_ 'arange' at a: unexpected argument 'valueOf' (takes start, stop, step)" },
];

describe('recipes: no key path reaches Object.prototype', () => {
  for (const c of KEY_CASES) it(c.name, () => check(c));

  it('deepMerge (public) refuses a __proto__ key in data that did not come from a file', () => {
    const crafted = JSON.parse('{"a": {"__proto__": {"x": 1}}}') as Record<string, unknown>;
    assert.throws(() => deepMerge({ a: { b: 1 } }, crafted), { message: `recipe data: the key '__proto__' ${NOT_ALLOWED}` });
    assert.throws(() => deepMerge(crafted, {}), { message: `recipe data: the key '__proto__' ${NOT_ALLOWED}` });
    assertPrototypeUntouched();
  });

  it('keys that only look alike are ordinary keys (proto, _proto_, constructors, a.prototype_x)', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('proto: 1', '_proto_: 2', 'constructors: {prototype_x: 3}', 'c: ${constructors.prototype_x}') });
    const cfg = loadRecipe(path.join(dir, 'r.yaml'), { overrides: ['+a.protot=4'] });
    assert.deepEqual(cfg, { proto: 1, _proto_: 2, constructors: { prototype_x: 3 }, c: 3, a: { protot: 4 } });
    assertPrototypeUntouched();
  });
});

/** A config folder `cfg/` and, next to it, files a recipe must not reach. */
function escapeFixture(recipe: string, extra: Record<string, string> = {}): string {
  return recipeFolder({
    'outside.yaml': yaml('secret: 42'),
    'secret/x.yaml': yaml('secret: 43'),
    'cfg/training_hyperparams/ok.yaml': yaml('fine: 1'),
    'cfg/r.yaml': recipe,
    ...extra,
  });
}

const LEAVES = 'defaults name configs inside the config search path';

describe('recipes: defaults entries stay inside the config search path', () => {
  const cases: Array<{ name: string; recipe: string; overrides?: string[]; message: string }> = [
    {
      name: "'..' in a group option (- training_hyperparams: ../../../etc/passwd)",
      recipe: yaml('defaults:', '  - training_hyperparams: ../../../etc/passwd'),
      message: `FILE/cfg/r.yaml:2: defaults entry 'training_hyperparams: ../../../etc/passwd' has '..' in '../../../etc/passwd': ${LEAVES}`,
    },
    {
      name: "'..' to a file that exists (- training_hyperparams: ../../outside)",
      recipe: yaml('defaults:', '  - training_hyperparams: ../../outside'),
      message: `FILE/cfg/r.yaml:2: defaults entry 'training_hyperparams: ../../outside' has '..' in '../../outside': ${LEAVES}`,
    },
    {
      name: 'an absolute option (- training_hyperparams: /etc/x)',
      recipe: yaml('defaults:', '  - training_hyperparams: /etc/x'),
      message: `FILE/cfg/r.yaml:2: defaults entry 'training_hyperparams: /etc/x' has an absolute path in '/etc/x': ${LEAVES}`,
    },
    { name: "'..' in a plain config entry (- ../outside)", recipe: yaml('defaults:', '  - ../outside'), message: `FILE/cfg/r.yaml:2: defaults entry '../outside' has '..' in '../outside': ${LEAVES}` },
    { name: "'..' after a root-relative config entry (- /../outside)", recipe: yaml('defaults:', '  - /../outside'), message: `FILE/cfg/r.yaml:2: defaults entry '/../outside' has '..' in '../outside': ${LEAVES}` },
    { name: "'..' in a group (- ../secret: x)", recipe: yaml('defaults:', '  - ../secret: x'), message: `FILE/cfg/r.yaml:2: defaults entry '../secret: x' has '..' in '../secret': ${LEAVES}` },
    {
      name: "'..' inside a group path (- training_hyperparams/../../secret: x)",
      recipe: yaml('defaults:', '  - training_hyperparams/../../secret: x'),
      message: `FILE/cfg/r.yaml:2: defaults entry 'training_hyperparams/../../secret: x' has '..' in 'training_hyperparams/../../secret': ${LEAVES}`,
    },
    {
      name: 'a backslash path (- training_hyperparams: ..\\\\..\\\\outside)',
      recipe: yaml('defaults:', '  - training_hyperparams: ..\\..\\outside'),
      message: `FILE/cfg/r.yaml:2: defaults entry 'training_hyperparams: ..\\..\\outside' has '..' in '..\\..\\outside': ${LEAVES}`,
    },
    {
      name: "an override choosing a group option with '..' (training_hyperparams=../../outside)",
      recipe: yaml('defaults:', '  - training_hyperparams: ok'),
      overrides: ['training_hyperparams=../../outside'],
      message: `override 'training_hyperparams=../../outside': defaults entry 'training_hyperparams: ../../outside' has '..' in '../../outside': ${LEAVES}`,
    },
    {
      name: "an override entry in the recipe choosing '..' (override training_hyperparams: ../../outside)",
      recipe: yaml('defaults:', '  - training_hyperparams: ok', '  - override training_hyperparams: ../../outside'),
      message: `FILE/cfg/r.yaml:3: 'override training_hyperparams: ../../outside': defaults entry 'training_hyperparams: ../../outside' has '..' in '../../outside': ${LEAVES}`,
    },
    {
      name: "an added group with '..' (+training_hyperparams=../../outside)",
      recipe: yaml('a: 1'),
      overrides: ['+training_hyperparams=../../outside'],
      message: `override '+training_hyperparams=../../outside': defaults entry 'training_hyperparams: ../../outside' has '..' in '../../outside': ${LEAVES}`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = escapeFixture(c.recipe);
      const expected = c.message.replace(/FILE/g, dir);
      assert.throws(
        () => loadRecipe(path.join(dir, 'cfg', 'r.yaml'), { overrides: c.overrides }),
        (err: Error) => {
          assert.equal(err.message.slice(0, expected.length), expected, err.message);
          return true;
        },
      );
      assertPrototypeUntouched();
    });
  }

  it('a symbolic link to a file outside the config folder is refused, one inside is followed', function () {
    const dir = escapeFixture(yaml('defaults:', '  - training_hyperparams: link'), { 'cfg/training_hyperparams/inner.yaml': yaml('inner: 1') });
    const link = path.join(dir, 'cfg', 'training_hyperparams', 'link.yaml');
    try {
      fs.symlinkSync(path.join(dir, 'outside.yaml'), link);
    } catch {
      this.skip(); // no symbolic links on this file system
    }
    assert.throws(() => loadRecipe(path.join(dir, 'cfg', 'r.yaml')), {
      message: `${dir}/cfg/r.yaml:2: defaults entry 'training_hyperparams: link': ${link} is a link to ${fs.realpathSync(path.join(dir, 'outside.yaml'))}, outside the config folder ${dir}/cfg; ${LEAVES}`,
    });
    fs.rmSync(link);
    fs.symlinkSync(path.join(dir, 'cfg', 'training_hyperparams', 'inner.yaml'), link);
    assert.deepEqual(loadRecipe(path.join(dir, 'cfg', 'r.yaml')), { training_hyperparams: { inner: 1 } });
  });

  it('a group folder that is a link to a folder outside is refused', function () {
    const dir = escapeFixture(yaml('defaults:', '  - stolen: x'));
    try {
      fs.symlinkSync(path.join(dir, 'secret'), path.join(dir, 'cfg', 'stolen'), 'dir');
    } catch {
      this.skip();
    }
    assert.throws(() => loadRecipe(path.join(dir, 'cfg', 'r.yaml')), {
      message: `${dir}/cfg/r.yaml:2: defaults entry 'stolen: x': ${dir}/cfg/stolen/x.yaml is a link to ${fs.realpathSync(path.join(dir, 'secret', 'x.yaml'))}, outside the config folder ${dir}/cfg; ${LEAVES}`,
    });
  });

  it('the folders the user gives may be anywhere: a search path, a recipe by path, a config folder that is itself a link', () => {
    const dir = escapeFixture(yaml('defaults:', '  - training_hyperparams: ok', '  - extra: e'), { 'user/extra/e.yaml': yaml('from_user: 1') });
    assert.deepEqual(loadRecipe(path.join(dir, 'cfg', 'r.yaml'), { searchPath: [path.join(dir, 'user')] }), { training_hyperparams: { fine: 1 }, extra: { from_user: 1 } });
    const linked = path.join(dir, 'linked-cfg');
    fs.symlinkSync(path.join(dir, 'cfg'), linked, 'dir');
    assert.deepEqual(loadRecipe('r', { searchPath: [linked, path.join(dir, 'user')] }), { training_hyperparams: { fine: 1 }, extra: { from_user: 1 } });
  });
});
