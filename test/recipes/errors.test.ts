import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe } from '../../lib/recipes';
import { recipeFolder, yaml } from './fixtures';

/** Escapes text for a RegExp. */
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  name: string;
  files: Record<string, string>;
  overrides?: string[];
  /** The message, with FILE standing for the fixture folder. */
  message: string;
  errorName?: string;
  /** A key path whose value is unresolved: the recipe loads, and reading it throws the message. */
  read?: string;
}

const CASES: Case[] = [
  { name: 'bad YAML syntax (line and column from the yaml parser)', files: { 'r.yaml': yaml('a: 1', 'b: c: d') }, message: 'FILE/r.yaml:2:4: invalid YAML: Nested mappings are not allowed in compact mappings' },
  { name: 'an unclosed flow list', files: { 'r.yaml': yaml('a: 1', 'b: [1, 2') }, message: 'FILE/r.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]' },
  { name: 'a duplicate key', files: { 'r.yaml': yaml('a: 1', 'a: 2') }, message: 'FILE/r.yaml:2:1: invalid YAML: Map keys must be unique' },
  { name: 'bad YAML in a group file', files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('ok: 1', '\tbad: 2') }, message: 'FILE/g/x.yaml:2:1: invalid YAML: Tabs are not allowed as indentation' },
  { name: 'a file that is not a mapping', files: { 'r.yaml': yaml('- a', '- b') }, message: 'FILE/r.yaml:1: a recipe file must be a mapping of keys to values, got a list' },
  {
    name: 'a missing group option: the entry, the file listing it, where it looked',
    files: { 'r.yaml': yaml('x: 1', 'defaults:', '  - training_hyperparams: nope') },
    message: "FILE/r.yaml:3: defaults entry 'training_hyperparams: nope' not found: looked for training_hyperparams/nope.yaml in FILE, ",
  },
  {
    name: 'a missing plain default inside a group file',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('defaults:', '  - _self_', '  - base_missing') },
    message: "FILE/g/x.yaml:3: defaults entry 'base_missing' not found: looked for base_missing.yaml in FILE/g, FILE/g, ",
  },
  { name: 'a cycle of two files', files: { 'r.yaml': yaml('defaults:', '  - s'), 's.yaml': yaml('a: 1', 'defaults:', '  - r') }, message: 'FILE/s.yaml:3: cycle in defaults: r.yaml → s.yaml → r.yaml' },
  {
    name: 'a cycle through group files',
    files: { 'r.yaml': yaml('defaults:', '  - g: a'), 'g/a.yaml': yaml('defaults:', '  - b'), 'g/b.yaml': yaml('defaults:', '  - _self_', '  - a') },
    message: 'FILE/g/b.yaml:3: cycle in defaults: g/a.yaml → g/b.yaml → g/a.yaml',
  },
  { name: 'a file listing itself', files: { 'r.yaml': yaml('defaults:', '  - r') }, message: 'FILE/r.yaml:2: cycle in defaults: r.yaml → r.yaml' },
  { name: 'defaults that is not a list', files: { 'r.yaml': yaml('defaults: base') }, message: 'FILE/r.yaml:1: defaults must be a list, got string' },
  { name: 'a defaults entry of the wrong shape', files: { 'r.yaml': yaml('defaults:', '  - a: x', '    b: y') }, message: "FILE/r.yaml:2: a defaults entry is a config name, '_self_' or 'group: option'" },
  { name: 'an unknown keyword in a defaults entry', files: { 'r.yaml': yaml('defaults:', '  - optinal g: x') }, message: "FILE/r.yaml:2: unknown keyword 'optinal' in defaults entry 'optinal g: x' (known: override, optional)" },
  {
    name: 'an override entry outside the primary recipe',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('defaults:', '  - override h: y') },
    message: "FILE/g/x.yaml:2: 'override h: y': override entries belong in the primary recipe's defaults list",
  },
  {
    name: 'an unresolved interpolation: the file:line of the value, its key, the missing key and the nearest one',
    files: { 'r.yaml': yaml('a:', '  present: 1', 'b:', '  c: ${a.presnt}') },
    message: "FILE/r.yaml:4: unresolved interpolation ${a.presnt}: no key 'a.presnt'; did you mean 'a.present'? (in b.c)",
    read: 'b.c',
  },
  {
    name: 'an unresolved interpolation in a group file',
    files: { 'r.yaml': yaml('defaults:', '  - g: x'), 'g/x.yaml': yaml('k: 1', 'lr: ${nowhere.lr}') },
    message: "FILE/g/x.yaml:2: unresolved interpolation ${nowhere.lr}: no key 'nowhere' (in g.lr)",
    read: 'g.lr',
  },
  { name: 'an unresolved relative interpolation', files: { 'r.yaml': yaml('a:', '  b: ${.c}') }, message: "FILE/r.yaml:2: unresolved interpolation ${.c}: no key 'a.c' (in a.b)", read: 'a.b' },
  { name: 'an interpolation cycle', files: { 'r.yaml': yaml('a: ${b}', 'b: ${a}') }, message: 'FILE/r.yaml:1: interpolation cycle: a → b → a (in a)' },
  { name: 'an unclosed ${', files: { 'r.yaml': yaml('a: x${b') }, message: "FILE/r.yaml:1: unclosed '${' in 'x${b' (in a)" },
  { name: 'an unknown resolver', files: { 'r.yaml': yaml('a: 1', 'b: ${hydra_output_dir:x,y}') }, message: "FILE/r.yaml:2: ${hydra_output_dir:x,y}: unknown resolver 'hydra_output_dir';" },
  { name: 'an unset environment variable', files: { 'r.yaml': yaml('a: ${oc.env:SG_RECIPES_SURELY_UNSET}') }, message: "FILE/r.yaml:1: ${oc.env:SG_RECIPES_SURELY_UNSET}: environment variable 'SG_RECIPES_SURELY_UNSET' is not set (in a)" },
  {
    name: 'an override that refers to a missing key names the override',
    files: { 'r.yaml': yaml('a: 1') },
    overrides: ['+b=${nope}'],
    message: "override '+b=${nope}': unresolved interpolation ${nope}: no key 'nope' (in b)",
    read: 'b',
  },
  {
    name: 'an invalid training value names the line that set it',
    files: { 'r.yaml': yaml('training_hyperparams:', '  max_epochs: 2', '  loss: CrossEntropyLoss', '  lr_warmup_epochs: 20') },
    message: 'FILE/r.yaml:4: training_params.lr_warmup_epochs must be in [0, 10], got 20',
    errorName: 'RangeError',
  },
  {
    name: 'an invalid training value from an override names the override',
    files: { 'r.yaml': yaml('training_hyperparams:', '  max_epochs: 2', '  loss: CrossEntropyLoss') },
    overrides: ['training_hyperparams.max_epochs=two'],
    message: "override 'training_hyperparams.max_epochs=two': Expected an integer ≥ 1 for training_params.max_epochs but received 'two' (string)",
    errorName: 'TypeError',
  },
  {
    // The field comes from error.path: this message does not name training_params.clip_grad_norm.
    name: 'an invalid training value whose message has no field path still names its line',
    files: { 'r.yaml': yaml('training_hyperparams:', '  max_epochs: 2', '  loss: CrossEntropyLoss', '  clip_grad_norm: -1') },
    message: 'FILE/r.yaml:4: Invalid clip_grad_norm -1: it must be a positive number or null',
    errorName: 'RangeError',
  },
];

describe('recipes: every error names the file and line', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const dir = recipeFolder(c.files);
      const expected = new RegExp(`^${re(c.message.replace(/FILE/g, dir))}`);
      const load = () => loadRecipe(path.join(dir, 'r.yaml'), { overrides: c.overrides });
      // An unresolved value must not fail the load (it is loaded here, outside assert.throws).
      const cfg = c.read === undefined ? null : load();
      assert.throws(
        cfg === null ? load : () => c.read!.split('.').reduce((node: unknown, key) => (node as Record<string, unknown>)[key], cfg),
        (err: Error) => {
          assert.match(err.message, expected);
          assert.equal(err.name, c.errorName ?? 'Error');
          return true;
        },
      );
    });
  }

  describe('a training_hyperparams file loaded on its own is checked like a recipe’s (§13.2)', () => {
    const dir = recipeFolder({
      'training_hyperparams/bad_warmup.yaml': yaml('max_epochs: 2', 'loss: CrossEntropyLoss', 'lr_warmup_epochs: 20'),
      'training_hyperparams/base.yaml': yaml('max_epochs: 2', 'batch_accumulate: 0'),
      'training_hyperparams/child.yaml': yaml('defaults:', '  - base', 'initial_lr: 0.1'),
      'training_hyperparams/no_loss.yaml': yaml('max_epochs: 2', 'initial_lr: 0.1', 'lr_warmup_epochs: 2'),
    });
    const file = (name: string) => path.join(dir, 'training_hyperparams', `${name}.yaml`);

    it('by name: the file:line of the bad value', () => {
      assert.throws(() => loadRecipe('training_hyperparams/bad_warmup', { searchPath: [dir] }), {
        name: 'RangeError',
        message: `${file('bad_warmup')}:3: training_params.lr_warmup_epochs must be in [0, 10], got 20`,
      });
    });

    it('by path, and a bad value inherited from its defaults names the file that set it', () => {
      assert.throws(() => loadRecipe(file('bad_warmup')), { name: 'RangeError', message: `${file('bad_warmup')}:3: training_params.lr_warmup_epochs must be in [0, 10], got 20` });
      assert.throws(() => loadRecipe(file('child')), {
        name: 'TypeError',
        message: `${file('base')}:2: Expected an integer ≥ 1 for training_params.batch_accumulate but received 0 (number)`,
      });
    });

    it('an override of the root key is named, and a valid file without a loss still loads', () => {
      assert.throws(() => loadRecipe('training_hyperparams/no_loss', { searchPath: [dir], overrides: ['lr_warmup_epochs=11'] }), {
        name: 'RangeError',
        message: "override 'lr_warmup_epochs=11': training_params.lr_warmup_epochs must be in [0, 10], got 11",
      });
      const tp = loadRecipe('training_hyperparams/no_loss', { searchPath: [dir] });
      assert.equal(tp.lr_warmup_epochs, 2);
      assert.equal('loss' in tp, false, 'the check does not add the stand-in loss to the result');
    });
  });

  it('a training value error keeps its path and code (read from the error, not its text)', () => {
    const dir = recipeFolder({ 'r.yaml': yaml('training_hyperparams:', '  max_epochs: 2', '  loss: CrossEntropyLoss', '  initial_lr:', '    default: 0.1', '    head: fast') });
    assert.throws(() => loadRecipe(path.join(dir, 'r.yaml')), {
      name: 'TypeError',
      message: `${path.join(dir, 'r.yaml')}:6: Expected a number for training_params.initial_lr.head but received 'fast' (string)`,
      path: 'training_params.initial_lr.head',
      code: 'ERR_TYPE',
    });
  });

  it('an unknown recipe name lists where it looked and suggests the nearest', () => {
    assert.throws(() => loadRecipe('mnist_lenett'), /^Error: recipe 'mnist_lenett' not found: looked for mnist_lenett\.yaml in .*recipes; did you mean 'mnist_lenet'\?$/);
    assert.throws(() => loadRecipe('/no/such/recipe.yaml'), /^Error: recipe file not found: \/no\/such\/recipe\.yaml$/);
  });

  it('bad arguments are TypeErrors naming the argument', () => {
    assert.throws(() => loadRecipe(42 as unknown as string), { name: 'TypeError', message: 'Expected a recipe name or a path to a .yaml file for loadRecipe(nameOrPath) but received 42 (number)' });
    assert.throws(() => loadRecipe('mnist_lenet', { overrides: 'lr=1' as unknown as string[] }), { name: 'TypeError', message: "Expected an array of strings for loadRecipe({overrides}) but received 'lr=1' (string)" });
    assert.throws(() => loadRecipe('mnist_lenet', { searchPath: 'dir' as unknown as string[] }), { name: 'TypeError', message: "Expected an array of folder paths for loadRecipe({searchPath}) but received 'dir' (string)" });
  });
});
