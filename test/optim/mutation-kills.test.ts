/**
 * Tests written for mutants StrykerJS found alive in lib/optim (npm run mutate:ts): each `it`
 * names the behaviour a surviving mutant changed without any test noticing.
 */
import assert from 'node:assert/strict';

import { Adam, Lamb, SGD } from '../../lib/optim';
import { pythonNumber } from '../../lib/optim/option-schema';
import { tensor } from '../../lib/tensor';

const param = () => tensor([1, 2], { dtype: 'float64', requiresGrad: true });

describe('optim: option checks, the remaining rules', () => {
  it('pythonNumber prints as Python does: inf and -inf, exponents from 1e16 and below 1e-4 only', () => {
    assert.equal(pythonNumber(Number.POSITIVE_INFINITY), 'inf');
    assert.equal(pythonNumber(Number.NEGATIVE_INFINITY), '-inf');
    assert.equal(pythonNumber(Number.NaN), 'nan');
    assert.equal(pythonNumber(1e16), '1e+16');
    assert.equal(pythonNumber(1e15), '1000000000000000');
    assert.equal(pythonNumber(1.5e20), '1.5e+20');
    assert.equal(pythonNumber(1e-4), '0.0001');
    assert.equal(pythonNumber(-1.5e-5), '-1.5e-05');
    assert.equal(pythonNumber(0.25), '0.25');
    assert.equal(pythonNumber(0), '0');
  });

  it('a beta of exactly 0 is valid (PyTorch: 0 <= beta < 1)', () => {
    assert.doesNotThrow(() => new Adam([param()], { betas: [0, 0.999] }));
    assert.doesNotThrow(() => new Adam([param()], { betas: [0.9, 0] }));
    assert.throws(() => new Adam([param()], { betas: [0.9, 1] }), /Invalid beta parameter at index 1: 1/);
  });

  it('fused: true alone is accepted; only fused and foreach true together are refused', () => {
    assert.doesNotThrow(() => new Adam([param()], { fused: true } as Record<string, unknown>));
    assert.doesNotThrow(() => new Adam([param()], { foreach: true } as Record<string, unknown>));
    assert.throws(() => new Adam([param()], { fused: true, foreach: true } as Record<string, unknown>), /`fused` and `foreach` cannot be `True` together/);
  });

  it('number-or-null options take null and numbers, refuse text and NaN', () => {
    assert.doesNotThrow(() => new Lamb([param()], { max_grad_norm: null }));
    assert.doesNotThrow(() => new Lamb([param()], { max_grad_norm: 2 }));
    assert.throws(() => new Lamb([param()], { max_grad_norm: 'big' as unknown as number }), (e: Error) => e instanceof TypeError && /a number or null/.test(e.message));
    assert.throws(() => new Lamb([param()], { max_grad_norm: Number.NaN }), (e: Error) => e instanceof TypeError && /a number or null/.test(e.message));
  });

  it('a pair option refuses a non-number element', () => {
    assert.throws(() => new Adam([param()], { betas: ['a', 0.9] as unknown as [number, number] }), (e: Error) => e instanceof TypeError && /a pair of numbers/.test(e.message));
  });
});

describe('optim: SGD nesterov checks', () => {
  it('nesterov needs zero dampening; the message names the group unless the defaults set nesterov', () => {
    assert.throws(() => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 }), (e: Error) => e instanceof RangeError && e.message === 'Nesterov momentum requires a momentum and zero dampening');
    assert.throws(
      () => new SGD([{ params: [param()] }, { params: [param()], nesterov: true, dampening: 0.2 }], { lr: 0.1, momentum: 0.9 }),
      (e: Error) => e instanceof RangeError && e.message === 'Nesterov momentum requires a momentum and zero dampening (param_groups[1])',
    );
    assert.throws(
      () => new SGD([{ params: [param()], nesterov: true }], { lr: 0.1, momentum: 0.9, dampening: 0.5 }),
      (e: Error) => e instanceof RangeError && e.message === 'Nesterov momentum requires a momentum and zero dampening (param_groups[0])',
    );
    assert.doesNotThrow(() => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: true }));
  });
});
