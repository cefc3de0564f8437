/**
 * The built-in optimizers' option tables against their references, without running a step:
 * every default equals the reference constructor's (torch.optim's read from PyTorch 2.15 by
 * python/make_option_defaults.py into fixtures/option-defaults.json; SuperGradients' own
 * optimizers from spec §6-8), every reference option is there, every option is documented, and
 * each option's kind refuses a value of another type. Golden trajectories pass the options they
 * test explicitly, so a wrong default slipped past them.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { formatOptimizerRecord } from '../../lib/cli/optimizers-command';
import { NativeOptimizer } from '../../lib/optim/native-optimizer';
import { completeLoadedGroup, OptionKind, schemaDefaults, validateOptions } from '../../lib/optim/option-schema';
import { BUILT_IN_OPTIMIZERS } from '../../lib/optim/registry';
import { packageRoot } from '../../lib/package-root';

interface Fixture {
  torch: string;
  optimizers: Record<string, Record<string, unknown>>;
}
const FIXTURE = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'option-defaults.json'), 'utf8')) as Fixture;

/** SuperGradients' constructors (spec/supergradients.md §6, §7, §8); they take no foreach or fused. */
const SG_CONSTRUCTORS: Record<string, Record<string, unknown>> = {
  RMSpropTF: { lr: 1e-2, alpha: 0.9, eps: 1e-10, weight_decay: 0, momentum: 0, centered: false, decoupled_decay: false, lr_in_momentum: true },
  Lamb: { lr: 1e-3, bias_correction: true, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0.01, grad_averaging: true, max_grad_norm: 1.0, trust_clip: false, always_adapt: false },
  Lion: { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0 },
};

/**
 * Options sg-optim takes that the reference's constructor does not: `fused`, sg-optim's path
 * switch (false runs the reference path), on the native optimizers where torch.optim has no
 * fused kernel (LBFGS is TypeScript: no switch), and torch.optim's `foreach` on SuperGradients'
 * optimizers, so that one set of optimizer_params fits them all.
 */
function extrasOf(name: string): string[] {
  const reference = referenceOf(name);
  const native = BUILT_IN_OPTIMIZERS.find((i) => i.name === name)!.cls.prototype instanceof NativeOptimizer;
  return [...(name in SG_CONSTRUCTORS ? ['foreach'] : []), ...(native && !('fused' in reference) ? ['fused'] : [])];
}

const referenceOf = (name: string) => FIXTURE.optimizers[name] ?? SG_CONSTRUCTORS[name];

describe('optimizer option tables against their references', () => {
  it('the fixture was read from PyTorch 2.15 and covers every torch.optim built-in', () => {
    assert.match(FIXTURE.torch, /^2\.15\./);
    const torchNames = BUILT_IN_OPTIMIZERS.filter((i) => i.reference.startsWith('torch.optim.')).map((i) => i.name);
    assert.deepEqual(Object.keys(FIXTURE.optimizers).sort(), torchNames.sort());
    assert.deepEqual(
      BUILT_IN_OPTIMIZERS.filter((i) => !i.reference.startsWith('torch.optim.')).map((i) => i.name),
      Object.keys(SG_CONSTRUCTORS),
    );
  });

  for (const info of BUILT_IN_OPTIMIZERS) {
    it(`${info.name}: every default is the reference constructor's, and every reference option is there`, () => {
      const reference = referenceOf(info.name);
      assert.ok(info.schema, `${info.name} has a schema`);
      assert.deepEqual(Object.keys(info.schema).filter((k) => !(k in reference)), extrasOf(info.name), 'options the reference lacks');
      for (const [key, value] of Object.entries(reference)) {
        assert.ok(key in info.schema, `${info.name}: the reference's option '${key}' is missing`);
        assert.deepEqual(info.schema[key].default, value, `${info.name}.${key}'s default`);
      }
      for (const key of extrasOf(info.name)) assert.equal(info.schema[key].default, null, `${info.name}.${key}: null (not chosen) by default`);
    });
  }

  it('every option is documented: one line of its own, which `sg-optim optimizers --verbose` prints next to its default', () => {
    for (const info of BUILT_IN_OPTIMIZERS) {
      const lines = formatOptimizerRecord(info).split('\n');
      const optionLines = lines.slice(lines.indexOf('  options:') + 1);
      assert.equal(optionLines.length, Object.keys(info.schema!).length, info.name);
      for (const [i, [key, spec]] of Object.entries(info.schema!).entries()) {
        assert.ok(spec.doc.length > 0 && !spec.doc.includes('\n') && spec.doc === spec.doc.trim(), `${info.name}.${key}: a one-line doc`);
        assert.match(optionLines[i], new RegExp(`^ {4}${key}=\\S+ +${spec.doc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), `${info.name}.${key}`);
      }
    }
  });

  it('each default passes its own checks, and each kind refuses a value of another type', () => {
    const wrong: Record<OptionKind, [unknown, string]> = {
      number: ['1', 'a number'],
      'number-or-null': ['1', 'a number or null'],
      boolean: [1, 'a boolean'],
      'boolean-or-null': [1, 'a boolean or null'],
      pair: [[1, 2, 3], 'a pair of numbers [b1, b2]'],
      triple: [[1, 2], 'three numbers [a, b, c]'],
      'string-or-null': [1, 'a string or null'],
      'pair-first-or-null': [[null], 'a pair [number or null, number]'],
    };
    for (const info of BUILT_IN_OPTIMIZERS) {
      const schema = info.schema!;
      assert.doesNotThrow(() => validateOptions(schema, schemaDefaults(schema), 'defaults', false), info.name);
      for (const [key, spec] of Object.entries(schema)) {
        assert.ok(spec.kind in wrong, `${info.name}.${key}: kind ${JSON.stringify(spec.kind)}`);
        const [value, expected] = wrong[spec.kind];
        assert.throws(() => validateOptions(schema, { [key]: value }, 'o', false), { name: 'TypeError', message: new RegExp(`^Expected ${expected.replace(/[[\]]/g, '\\$&')} for o\\.${key} but received `) }, `${info.name}.${key}`);
      }
    }
  });

  it('the elements of pairs and triples are checked one by one; NaN only where a range check will name it', () => {
    const spec = (kind: OptionKind, check?: (v: never) => string | undefined) => ({ o: { kind, default: null, doc: 'd', check } });
    const refused = (kind: OptionKind, value: unknown, check?: (v: never) => string | undefined) => {
      try {
        validateOptions(spec(kind, check), { o: value }, 'p', false);
        return false;
      } catch (err) {
        return err instanceof TypeError;
      }
    };
    const noCheck = undefined;
    const passes = () => undefined;
    assert.deepEqual(
      [refused('pair', [1, 'x']), refused('pair', [Number.NaN, 1]), refused('pair', [Number.NaN, 1], passes), refused('pair', [0.5, 0.25])],
      [true, true, false, false],
    );
    assert.deepEqual(
      [refused('triple', [1, 2, 'x']), refused('triple', [1, 2, Number.NaN]), refused('triple', [1, 2, Number.NaN], passes), refused('triple', [1, -2, 3])],
      [true, true, true, false],
    );
    assert.deepEqual(
      [
        refused('pair-first-or-null', [null, 1]),
        refused('pair-first-or-null', [1e-30, 1]),
        refused('pair-first-or-null', [1, null]),
        refused('pair-first-or-null', [null, 'x']),
        refused('pair-first-or-null', ['x', 1]),
        refused('pair-first-or-null', [null, Number.NaN], noCheck),
        refused('pair-first-or-null', [null, Number.NaN], passes),
      ],
      [false, false, true, true, true, true, false],
    );
    assert.deepEqual([refused('string-or-null', 'original'), refused('string-or-null', null), refused('string-or-null', 1)], [false, false, true]);
    assert.deepEqual([refused('boolean-or-null', null), refused('boolean-or-null', true), refused('boolean-or-null', 0)], [false, false, true]);
  });

  it('completeLoadedGroup: fills copies of fillable defaults (a fresh array each time), fills boolean-or-null options, names every missing option', () => {
    const schema = {
      lr: { kind: 'number' as const, default: 0.1, doc: 'l' },
      eps: { kind: 'number' as const, default: 1e-8, doc: 'e' },
      betas: { kind: 'pair' as const, default: [0.9, 0.99], doc: 'b', fillOnLoad: true },
      foreach: { kind: 'boolean-or-null' as const, default: null, doc: 'f' },
    };
    const filled = completeLoadedGroup('Mine', schema, { lr: 1, eps: 2 }, 'g');
    assert.deepEqual(filled.betas, [0.9, 0.99]);
    assert.notEqual(filled.betas, schema.betas.default);
    assert.deepEqual(filled, { lr: 1, eps: 2, betas: [0.9, 0.99], foreach: null });
    assert.throws(() => completeLoadedGroup('Mine', schema, {}, 'g'), { message: "g lacks 'lr', 'eps', which Mine needs (its options: lr, eps, betas, foreach)" });
  });

  it("a loaded group lacking an option gets the reference's __setstate__ default where it has one (booleans, RMSprop's momentum), else is refused", () => {
    for (const name of ['RMSprop', 'RMSpropTF']) {
      const info = BUILT_IN_OPTIMIZERS.find((i) => i.name === name)!;
      const { momentum: _momentum, centered: _centered, ...rest } = schemaDefaults(info.schema!);
      assert.deepEqual(completeLoadedGroup(name, info.schema!, rest, 'g'), schemaDefaults(info.schema!), name);
      const { lr: _lr, ...noLr } = schemaDefaults(info.schema!);
      assert.throws(() => completeLoadedGroup(name, info.schema!, noLr, 'g'), { message: new RegExp(`^g lacks 'lr', which ${name} needs`) }, name);
    }
    const adam = BUILT_IN_OPTIMIZERS.find((i) => i.name === 'Adam')!;
    const { eps: _eps, ...noEps } = schemaDefaults(adam.schema!);
    assert.throws(() => completeLoadedGroup('Adam', adam.schema!, noEps, 'g'), { message: /^g lacks 'eps', which Adam needs/ });
  });
});
