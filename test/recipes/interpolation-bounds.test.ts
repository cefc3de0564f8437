/**
 * Interpolation is memoized and bounded (issue 15): a few hundred bytes of recipe that expand
 * exponentially fail at once with an error naming the key, and recipes that only reuse keys a
 * lot succeed with work linear in their size. Work is measured by the Interpolator's own step
 * counter, never by the clock.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { loadRecipe } from '../../lib/recipes';
import { Interpolator } from '../../lib/recipes/interpolate';
import { INTERPOLATION_LIMITS } from '../../lib/recipes/interpolation-budget';
import { recipeFolder } from './fixtures';
import { assertPrototypeUntouched } from './prototype-pristine';

/** `l0: <first>`, then `l<k>: <make('${l<k-1>}')>` for k = 1..levels, as YAML lines. */
function chainLines(levels: number, first: string, make: (ref: string) => string): string[] {
  const lines = [`l0: ${first}`];
  for (let k = 1; k <= levels; k++) lines.push(`l${k}: ${make(`\${l${k - 1}}`)}`);
  return lines;
}

/** The recipe written to a temporary folder: its file and its size in bytes. */
function writeRecipe(lines: string[]): { file: string; bytes: number } {
  const dir = recipeFolder({ 'r.yaml': `${lines.join('\n')}\n` });
  const file = path.join(dir, 'r.yaml');
  return { file, bytes: fs.statSync(file).size };
}

/** An Interpolator over plain data (no files), to read its step counter. */
function interpolator(root: Record<string, unknown>, limits = INTERPOLATION_LIMITS): Interpolator {
  return new Interpolator(root, new Map(), limits);
}

/** The chain as data: l0 = first, l<k> = make('${l<k-1>}'). */
function chainData(levels: number, first: unknown, make: (ref: string) => unknown): Record<string, unknown> {
  const root: Record<string, unknown> = { l0: first };
  for (let k = 1; k <= levels; k++) root[`l${k}`] = make(`\${l${k - 1}}`);
  return root;
}

describe('recipes: interpolation is memoized and bounded', () => {
  afterEach(assertPrototypeUntouched);

  it('40 levels of b: ${a}${a} fail at once at the level whose string passes 1e6 characters', () => {
    const { file, bytes } = writeRecipe(chainLines(40, 'x', (r) => `${r}${r}`));
    assert.ok(bytes < 1000, `the recipe has ${bytes} bytes`);
    // 2^20 characters at l20 is the first value over 1e6.
    assert.throws(() => loadRecipe(file), {
      message: `${file}:21: interpolation makes a string of more than 1000000 characters (references that multiply, e.g. b: \${a}\${a}, c: \${b}\${b}, ...) (in l20)`,
    });
  });

  it('the same doubling of an empty string succeeds, with work linear in the recipe (memoized)', () => {
    const { file } = writeRecipe(chainLines(40, "''", (r) => `${r}${r}`));
    const cfg = loadRecipe(file);
    for (let k = 0; k <= 40; k++) assert.equal(cfg[`l${k}`], '');
    const it = interpolator(chainData(40, '', (r) => `${r}${r}`));
    it.resolveAll();
    // Each of the 41 keys is resolved once (a node, its two pieces, the copy out): without the
    // memo this is 2^41 evaluations.
    assert.ok(it.budget.steps <= 41 * 8, `${it.budget.steps} steps`);
  });

  it('20 levels of lists of 4 references fail at the level whose value passes 1e6 nodes', () => {
    const { file, bytes } = writeRecipe(chainLines(20, '1', (r) => `['${r}', '${r}', '${r}', '${r}']`));
    assert.ok(bytes < 1000, `the recipe has ${bytes} bytes`);
    // l9 has (4^10 − 1) / 3 = 349525 nodes, l10 has 1398101.
    assert.throws(() => loadRecipe(file), {
      message: `${file}:11: interpolation makes a value of more than 1000000 mappings, lists and values (references that multiply, e.g. b: [\${a}, \${a}], c: [\${b}, \${b}], ...) (in l10)`,
    });
    const it = interpolator(chainData(40, 1, (r) => [r, r, r, r]));
    assert.throws(() => it.resolveAll(), /more than 1000000 mappings, lists and values .*\(in l10\)$/);
    assert.ok(it.budget.steps < 1000, `refused after ${it.budget.steps} steps, before copying anything`);
  });

  it('40 levels of mappings of 2 references fail the same way', () => {
    const { file } = writeRecipe(chainLines(40, '{v: 1}', (r) => `{a: '${r}', b: '${r}'}`));
    assert.throws(() => loadRecipe(file), new RegExp(`^Error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20: interpolation makes a value of more than 1000000 mappings, lists and values .*\\(in l19\\)$`));
  });

  it('a string made from a large shared value is measured before it is written', () => {
    const root = chainData(30, 'abcdefghij', (r) => [r, r]);
    root.s = 'x${l30}';
    const it = interpolator(root, { maxStringLength: 1000, maxNodes: Number.MAX_SAFE_INTEGER, maxSteps: 100_000 });
    assert.throws(() => it.resolveAll(), { message: 'the recipe: interpolation makes a string of more than 1000 characters (references that multiply, e.g. b: ${a}${a}, c: ${b}${b}, ...) (in s)' });
    assert.ok(it.budget.steps < 2000, `${it.budget.steps} steps`);
  });

  it('the limits are exact: a string of maxStringLength characters is built, one more is refused', () => {
    const limits = { maxStringLength: 100, maxNodes: 1000, maxSteps: 1000 };
    assert.equal(interpolator({ a: 'x'.repeat(50), b: '${a}${a}' }, limits).resolveAll().b, 'x'.repeat(100));
    assert.throws(() => interpolator({ a: 'x'.repeat(50), b: '${a}${a}!' }, limits).resolveAll(), /more than 100 characters .*\(in b\)$/);
  });

  it('the limits are exact: maxNodes nodes are built, one more is refused', () => {
    const limits = { maxStringLength: 100, maxNodes: 7, maxSteps: 1000 };
    // l1 = [1, 1, 1] is 4 nodes; [l1, 1, 1] is 7; [l1, 1, 1, 1] is 8.
    assert.deepEqual(interpolator({ l: { l1: [1, 1, 1], l2: ['${l.l1}', 1, 1] } }, { ...limits, maxNodes: 100 }).resolveAll().l, { l1: [1, 1, 1], l2: [[1, 1, 1], 1, 1] });
    assert.deepEqual(interpolator({ l1: [1, 1, 1] }, limits).valueAt(['l1']), [1, 1, 1]);
    assert.deepEqual(interpolator({ l1: [1, 1, 1], l2: ['${l1}', 1, 1] }, limits).valueAt(['l2']), [[1, 1, 1], 1, 1]);
    assert.throws(() => interpolator({ l1: [1, 1, 1], l2: ['${l1}', 1, 1, 1] }, limits).valueAt(['l2']), /more than 7 mappings, lists and values .*\(in l2\)$/);
  });

  it('maxSteps bounds the work of one resolution, whatever the shape', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) wide[`k${i}`] = i;
    const it = interpolator(wide, { maxStringLength: 100, maxNodes: 1000, maxSteps: 150 });
    assert.throws(() => it.resolveAll(), { message: 'the recipe: interpolation needs more than 150 steps: the recipe expands to a result too large to build (references that multiply, e.g. b: ${a}${a}, c: ${b}${b}, ...) (in the root)' });
    assert.equal(it.budget.steps, 151, 'stopped at the first step over the limit');
  });

  it('a long chain of references to one mapping costs steps linear in the chain', () => {
    const mapping = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]));
    const it = interpolator(chainData(300, mapping, (r) => r));
    const out = it.resolveAll();
    assert.deepEqual(out.l300, mapping);
    // Resolving: 2 steps per reference (its value, its target from the memo), the root and l0's
    // 11 nodes; copying out: the root and 301 × 11 nodes. Without the memo each l<k> would
    // resolve the whole chain below it again: 300²/2 more steps.
    assert.ok(it.budget.steps <= 300 * 2 + 1 + 11 + 1 + 301 * 11, `${it.budget.steps} steps`);
  });

  it('results share nothing although the memo shares values', () => {
    const out = interpolator({ a: { k: [1] }, b: '${a}', c: '${a}' }).resolveAll();
    assert.deepEqual(out, { a: { k: [1] }, b: { k: [1] }, c: { k: [1] } });
    assert.notEqual(out.b, out.c);
    assert.notEqual((out.b as { k: unknown }).k, (out.a as { k: unknown }).k);
  });

  it('the memo lasts one call: a value changed between valueAt and resolveAll is read again', () => {
    const root: Record<string, unknown> = { a: 1, b: '${a}' };
    const it = interpolator(root);
    assert.equal(it.valueAt(['b']), 1);
    root.a = 2;
    assert.equal(it.valueAt(['b']), 2);
    assert.deepEqual(it.resolveAll(), { a: 2, b: 2 });
  });

  it('cycles are still clear errors, also through a mapping and through a resolver', () => {
    const { file } = writeRecipe(['a: ${b}', 'b: ${c}', 'c: ${a}']);
    assert.throws(() => loadRecipe(file), { message: `${file}:1: interpolation cycle: a → b → c → a (in a)` });
    const self = writeRecipe(['a:', '  k: ${a}']);
    assert.throws(() => loadRecipe(self.file), { message: `${self.file}:2: interpolation cycle: a.k → a.k (in a.k)` });
    const viaResolver = writeRecipe(['a: ${oc.select:b,0}', 'b: ${first:[${a}]}']);
    assert.throws(() => loadRecipe(viaResolver.file), /interpolation cycle: a → b → a/);
  });
});
