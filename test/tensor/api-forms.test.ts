/**
 * The calling forms PyTorch users write: a bare dim (`x.sum(1)`), keyword objects for the
 * indexing ops, the top-level in-place functions, and values of ops the other tables do not pin.
 */
import assert from 'node:assert/strict';

import { Linear } from '../../lib/nn';
import * as sg from '../../lib/tensor';

const x = () => sg.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });

function close(actual: number[], expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `element ${i}: ${a} vs ${expected[i]}`));
}

describe('tensors: PyTorch calling forms', () => {
  it('a bare dim reduces along it, as x.sum(1); norm(1) is the 1-norm', () => {
    assert.deepEqual(x().sum(1).toArray(), [6, 15]);
    assert.deepEqual(x().sum([0, 1]).toArray(), [21]);
    assert.deepEqual(x().mean(0).toArray(), [2.5, 3.5, 4.5]);
    assert.deepEqual(x().var(1).toArray(), [1, 1]);
    assert.deepEqual(x().norm(1).toArray(), [21]);
    assert.deepEqual(x().argmax(1).toArray(), [2, 2]);
    const { values, indices } = x().max(1);
    assert.deepEqual([values.toArray(), indices.toArray()], [[3, 6], [2, 2]]);
    assert.deepEqual(x().min(0).values.toArray(), [1, 2, 3]);
  });

  it('BAD CALL: a reduction given a string or an unknown option is a TypeError naming it', () => {
    assert.throws(() => x().sum('a' as never), { name: 'TypeError', message: "Expected an options object for sum(options) but received 'a' (string)" });
    assert.throws(() => x().sum({ dimm: 1 } as never), { name: 'TypeError', message: "Unknown option 'dimm' for sum(options); allowed: dim, keepdim, dtype" });
    assert.throws(() => x().norm({ p: 'fro' } as never), { name: 'TypeError', message: /norm\(\{p\}\)/ });
  });

  it('indexing and shape ops take their PyTorch keywords as an object too', () => {
    const t = x();
    assert.deepEqual(t.transpose({ dim0: 0, dim1: 1 }).toArray(), t.transpose(0, 1).toArray());
    assert.deepEqual(sg.transpose(t, { dim0: 0, dim1: 1 }).shape, [3, 2]);
    assert.deepEqual(t.select({ dim: 0, index: 1 }).toArray(), [4, 5, 6]);
    assert.deepEqual(t.slice({ dim: 1, start: 1 }).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(t.slice(1, 0, 3, 2).toArray(), [1, 3, 4, 6]);
    assert.deepEqual(t.gather({ dim: 1, index: sg.tensor([[0], [2]]) }).toArray(), [1, 6]);
    assert.deepEqual(t.indexSelect({ dim: 1, index: sg.tensor([2]) }).toArray(), [3, 6]);
    assert.deepEqual(t.unsqueeze({ dim: 0 }).shape, [1, 2, 3]);
    assert.deepEqual(t.unsqueeze(0).squeeze({ dim: 0 }).shape, [2, 3]);
    assert.throws(() => t.select({ dim: 0, idx: 1 } as never), { name: 'TypeError', message: "Unknown option 'idx' for select(options); allowed: dim, index" });
  });

  it('top-level var and in-place functions; Tensor.where', () => {
    assert.deepEqual(sg.var(x(), { dim: 1 }).toArray(), [1, 1]);
    const t = x();
    assert.equal(sg.add_(t, 1), t);
    assert.deepEqual(t.toArray(), [2, 3, 4, 5, 6, 7]);
    sg.mul_(t, 2);
    sg.sub_(t, 1);
    sg.div_(t, 3);
    close(t.toArray(), [1, 5 / 3, 7 / 3, 3, 11 / 3, 13 / 3]);
    sg.clamp_(t, { min: 2, max: 4 });
    close(t.toArray(), [2, 2, 7 / 3, 3, 11 / 3, 4]);
    sg.fill_(t, 4);
    assert.deepEqual(t.toArray(), [4, 4, 4, 4, 4, 4]);
    sg.copy_(t, x());
    assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
    sg.zero_(t);
    assert.deepEqual(t.toArray(), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(x().where(x().gt(2), 0).toArray(), [0, 0, 3, 4, 5, 6]);
    assert.deepEqual(x().where(x().le(2), sg.full([2, 3], -1, { dtype: 'float64' })).toArray(), [1, 2, -1, -1, -1, -1]);
  });

  it('comparisons lt and ge', () => {
    assert.deepEqual(x().lt(3).toArray(), [1, 1, 0, 0, 0, 0]);
    assert.deepEqual(x().ge(3).toArray(), [0, 0, 1, 1, 1, 1]);
  });

  it('BAD CALL: to() with a misspelt dtype names it as a dtype', () => {
    assert.throws(() => x().to('float33' as never), { name: 'RangeError', message: /unknown dtype 'float33'; did you mean 'float32'\?/ });
  });
});

describe('tensors: hand-computed values of the normalisations, embedding and nllLoss', () => {
  it('layerNorm over the last dim: (x − mean) / sqrt(var + eps)', () => {
    const y = sg.layerNorm(sg.tensor([[1, 2, 3]], { dtype: 'float64' }), [3], { eps: 0 });
    const s = Math.sqrt(2 / 3);
    close(y.toArray(), [-1 / s, 0, 1 / s]);
  });

  it('groupNorm with 2 groups of 2 channels', () => {
    const input = sg.tensor([1, 3, 10, 20], { dtype: 'float64', shape: [1, 4, 1, 1] });
    close(sg.groupNorm(input, 2, { eps: 0 }).toArray(), [-1, 1, -1, 1]);
  });

  it('embedding picks rows; padding_idx rows get no gradient', () => {
    const weight = sg.tensor([[0, 0], [1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const out = sg.embedding(sg.tensor([2, 1, 0, 2]), weight, { padding_idx: 0 });
    assert.deepEqual(out.toArray(), [3, 4, 1, 2, 0, 0, 3, 4]);
    out.sum().backward();
    assert.deepEqual(weight.grad!.toArray(), [0, 0, 1, 1, 2, 2]);
  });

  it('nllLoss: −mean of the picked log-probabilities, ignore_index left out', () => {
    const logp = sg.tensor([[-1, -2], [-3, -4], [-5, -6]], { dtype: 'float64' });
    close(sg.nllLoss(logp, sg.tensor([0, 1, 1])).toArray(), [(1 + 4 + 6) / 3]);
    close(sg.nllLoss(logp, sg.tensor([0, 1, -100])).toArray(), [(1 + 4) / 2]);
    close(sg.nllLoss(logp, sg.tensor([0, 1, 1]), { reduction: 'sum' }).toArray(), [11]);
  });
});

describe('nn: stateDict as PyTorch (keep_vars=False)', () => {
  it('gives detached tensors that share the parameters storage; keepVars gives the parameters', () => {
    const layer = new Linear(2, 1);
    const sd = layer.stateDict();
    assert.equal(sd.weight.requiresGrad, false);
    assert.notEqual(sd.weight, layer.weight);
    sg.noGrad(() => layer.weight.fill_(3));
    assert.deepEqual(sd.weight.toArray(), [3, 3]);
    assert.equal(layer.stateDict({ keepVars: true }).weight, layer.weight);
  });
});
