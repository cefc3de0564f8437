/**
 * The built-in optimizers' option checks against PyTorch 2.15's constructors: each probe of
 * fixtures/option-checks.json (made by python/make_option_checks.py: -1, 0.5, 1.5 for a number,
 * each element of a pair out of range, 'bogus' for a name) is refused with PyTorch's own message
 * where PyTorch refuses it, and accepted where PyTorch accepts it, except where sg-optim checks
 * at construction what PyTorch finds only at the first step (EARLIER below).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { optimizerInfo } from '../../lib/optim/registry';
import { packageRoot } from '../../lib/package-root';
import { tensor } from '../../lib/tensor';

interface Case {
  optimizer: string;
  option: string;
  value: unknown;
  error: string | null;
}
const FIXTURE = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'option-checks.json'), 'utf8')) as { torch: string; cases: Case[] };

/**
 * Options PyTorch's constructor takes unchecked and sg-optim refuses at once (the message it
 * gives is pinned here). PyTorch finds them later: LBFGS's max_iter and history_size at the first
 * step (no iteration at all, or a history deque it cannot size), max_eval where the step compares
 * it with a count, line_search_fn when the step asks for it ("only 'strong_wolfe' is supported"),
 * Muon's ns_steps in the step's Newton–Schulz loop.
 */
const EARLIER: Record<string, Record<string, string>> = {
  'LBFGS.max_iter': { '-1': 'max_iter must be a positive integer, got -1', '0.5': 'max_iter must be a positive integer, got 0.5', '1.5': 'max_iter must be a positive integer, got 1.5', '0': 'max_iter must be a positive integer, got 0' },
  'LBFGS.history_size': {
    '-1': 'history_size must be a positive integer, got -1',
    '0.5': 'history_size must be a positive integer, got 0.5',
    '1.5': 'history_size must be a positive integer, got 1.5',
    '0': 'history_size must be a positive integer, got 0',
  },
  'LBFGS.max_eval': { '"bogus"': "Expected a number or null for optimizer_params.max_eval but received 'bogus' (string)" },
  'LBFGS.line_search_fn': { '"bogus"': "only 'strong_wolfe' is supported (line_search_fn: 'bogus')" },
  'Muon.ns_steps': { '-1': 'ns_steps must be a non-negative integer, got -1', '0.5': 'ns_steps must be a non-negative integer, got 0.5', '1.5': 'ns_steps must be a non-negative integer, got 1.5' },
};

function construct(name: string, option: string, value: unknown): string | null {
  const w = tensor([
    [0.5, -1],
    [2, 0.25],
  ]);
  w.requiresGrad = true;
  const Cls = optimizerInfo(name).cls as new (params: unknown, options: Record<string, unknown>) => unknown;
  try {
    new Cls([w], { [option]: value });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('optimizer option checks against PyTorch 2.15', () => {
  it('the fixture was read from PyTorch 2.15', () => {
    assert.match(FIXTURE.torch, /^2\.15\./);
    assert.ok(FIXTURE.cases.length > 150);
  });

  for (const name of [...new Set(FIXTURE.cases.map((c) => c.optimizer))]) {
    it(`${name}: what PyTorch's constructor refuses is refused in its words, what it takes is taken`, () => {
      for (const c of FIXTURE.cases.filter((k) => k.optimizer === name)) {
        const earlier = EARLIER[`${name}.${c.option}`]?.[JSON.stringify(c.value)];
        const expected = earlier ?? c.error;
        assert.equal(construct(name, c.option, c.value), expected, `${name}({${c.option}: ${JSON.stringify(c.value)}})`);
      }
    });
  }

  it("SuperGradients' RMSpropTF and Lion check as their constructors do (spec §6, §8); Lamb checks nothing (§7)", () => {
    for (const option of ['lr', 'alpha', 'eps', 'weight_decay', 'momentum']) {
      const words = option === 'lr' ? 'learning rate' : option === 'eps' ? 'epsilon value' : `${option} value`;
      assert.equal(construct('RMSpropTF', option, -1), `Invalid ${words}: -1`);
      assert.equal(construct('RMSpropTF', option, 1.5), null);
    }
    assert.equal(construct('Lion', 'lr', -1), 'Invalid learning rate: -1');
    assert.equal(construct('Lion', 'betas', [-1, 0.99]), 'Invalid beta parameter at index 0: -1');
    assert.equal(construct('Lion', 'betas', [0.9, 1]), 'Invalid beta parameter at index 1: 1');
    for (const [option, value] of [
      ['lr', -1],
      ['eps', -1],
      ['weight_decay', -1],
      ['max_grad_norm', -1],
      ['betas', [-1, 2]],
    ] as const) {
      assert.equal(construct('Lamb', option, value), null, `Lamb ${option}`);
    }
  });

  it("SGD's nesterov rule names the group, except for the first group when the rule broken is the constructor's options (PyTorch's message)", () => {
    const a = tensor([1.5]);
    const b = tensor([2.5]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    const Cls = optimizerInfo('SGD').cls as new (params: unknown, options: Record<string, unknown>) => unknown;
    assert.throws(() => new Cls([a], { nesterov: true }), { message: 'Nesterov momentum requires a momentum and zero dampening' });
    assert.throws(() => new Cls([{ params: [a] }, { params: [b], momentum: 0 }], { nesterov: true, momentum: 0.9 }), { message: 'Nesterov momentum requires a momentum and zero dampening (param_groups[1])' });
    assert.throws(() => new Cls([{ params: [a], nesterov: true }], { momentum: 0 }), { message: 'Nesterov momentum requires a momentum and zero dampening (param_groups[0])' });
  });

  it("LBFGS's own checks: max_eval a positive integer or null, line_search_fn 'strong_wolfe' or null", () => {
    assert.equal(construct('LBFGS', 'max_eval', 0), 'max_eval must be a positive integer, got 0');
    assert.equal(construct('LBFGS', 'max_eval', 25), null);
    assert.equal(construct('LBFGS', 'line_search_fn', 'strong_wolfe'), null);
    assert.equal(construct('LBFGS', 'line_search_fn', null), null);
  });

  it("Muon's adjust_lr_fn takes PyTorch's three names and null", () => {
    for (const fn of ['original', 'match_rms_adamw', 'spectral_unclamped', null]) assert.equal(construct('Muon', 'adjust_lr_fn', fn), null, String(fn));
  });
});
