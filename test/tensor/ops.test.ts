import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';

const close = (actual: number[], expected: number[], tol = 1e-6) => {
  assert.equal(actual.length, expected.length, `lengths ${actual.length} vs ${expected.length}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `[${i}] ${v} vs ${expected[i]}`));
};

describe('tensors: creation and conversion', () => {
  it('builds from nested arrays with PyTorch dtype inference', () => {
    const a = sg.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, 'int64');
    assert.equal(sg.tensor([1.5, 2]).dtype, 'float32');
    assert.equal(sg.tensor([true, false]).dtype, 'bool');
    assert.deepEqual(sg.tensor(3.5).shape, []);
    assert.equal(sg.tensor(3.5).item(), 3.5);
  });

  it('builds from typed arrays, keeping their type, and reshapes with {shape}', () => {
    assert.equal(sg.tensor(new Float64Array([1, 2])).dtype, 'float64');
    assert.equal(sg.tensor(new Float32Array(6), { shape: [2, 3] }).numel(), 6);
    assert.equal(sg.tensor(new Int32Array([1])).dtype, 'int32');
    const big = sg.tensor(new BigInt64Array([9007199254740993n]));
    assert.equal(big.dtype, 'int64');
    assert.equal((big.toTypedArray() as BigInt64Array)[0], 9007199254740993n);
    assert.equal(sg.tensor(new Uint8Array([7])).dtype, 'uint8');
  });

  it('factories: zeros, ones, full, empty, eye, arange, linspace, rand, randn, randint', () => {
    assert.deepEqual(sg.zeros([2, 2]).toArray(), [0, 0, 0, 0]);
    assert.deepEqual(sg.ones(3, { dtype: 'float64' }).toArray(), [1, 1, 1]);
    assert.deepEqual(sg.full([2], 7).toArray(), [7, 7]);
    assert.deepEqual(sg.empty([3, 0]).shape, [3, 0]);
    assert.deepEqual(sg.eye(2).toArray(), [1, 0, 0, 1]);
    assert.deepEqual(sg.eye(2, 3).shape, [2, 3]);
    assert.deepEqual(sg.arange(4).toArray(), [0, 1, 2, 3]);
    assert.equal(sg.arange(4).dtype, 'int64');
    close(sg.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
    close(sg.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    const r = sg.rand([1000]).toArray();
    assert.ok(r.every((v) => v >= 0 && v < 1));
    const n = sg.randn([4000], { dtype: 'float64' });
    assert.ok(Math.abs(Number(n.mean().item())) < 0.1);
    assert.ok(Math.abs(Number(n.var().item()) - 1) < 0.1);
    const k = sg.randint(3, 6, [200]).toArray();
    assert.ok(k.every((v) => v >= 3 && v < 6 && Number.isInteger(v)));
  });

  it('manualSeed makes random tensors reproducible', () => {
    sg.manualSeed(42);
    const a = sg.randn([5]).toArray();
    sg.manualSeed(42);
    assert.deepEqual(sg.randn([5]).toArray(), a);
  });

  it('converts dtypes and reports devices', () => {
    const a = sg.tensor([1.7, -2.2], { dtype: 'float64' });
    assert.deepEqual(a.to('int64').toArray(), [1, -2]);
    assert.equal(a.to('float16').dtype, 'float16');
    assert.equal(a.to({ dtype: 'bfloat16', device: 'cpu' }).dtype, 'bfloat16');
    assert.equal(a.device, 'cpu');
    assert.ok(a.to('float32').toTypedArray() instanceof Float32Array);
  });

  it('moves to CUDA when available', function () {
    if (!sg.cudaAvailable()) {
      console.log('      (skipped: no CUDA device)');
      this.skip();
    }
    const a = sg.tensor([1, 2], { dtype: 'float32' }).to('cuda:0');
    assert.equal(a.device, 'cuda:0');
    assert.deepEqual(a.mul(2).to('cpu').toArray(), [2, 4]);
  });

  it('reports its version and thread count', () => {
    assert.match(sg.torchVersion, /^\d+\.\d+/);
    assert.ok(sg.getNumThreads() >= 1);
  });
});

describe('tensors: op values', () => {
  const a = () => sg.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });

  it('arithmetic with tensors and numbers, broadcasting', () => {
    close(a().add(sg.tensor([10, 20, 30], { dtype: 'float64' })).toArray(), [11, 22, 33, 14, 25, 36]);
    close(a().sub(1, { alpha: 2 }).toArray(), [-1, 0, 1, 2, 3, 4]);
    close(a().mul(sg.tensor([[2], [3]], { dtype: 'float64' })).toArray(), [2, 4, 6, 12, 15, 18]);
    close(a().div(2).toArray(), [0.5, 1, 1.5, 2, 2.5, 3]);
    close(a().pow(2).toArray(), [1, 4, 9, 16, 25, 36]);
    close(a().neg().abs().sqrt().toArray(), [1, Math.SQRT2, Math.sqrt(3), 2, Math.sqrt(5), Math.sqrt(6)]);
    close(a().rsqrt().toArray().slice(0, 1), [1]);
    close(a().exp().log().toArray(), [1, 2, 3, 4, 5, 6], 1e-12);
    close(a().clamp(2, 5).toArray(), [2, 2, 3, 4, 5, 5]);
    close(a().clamp({ min: 4 }).toArray(), [4, 4, 4, 4, 5, 6]);
  });

  it('matmul, transpose, permute, reshape, squeeze, expand, cat, stack', () => {
    close(a().matmul(a().t()).toArray(), [14, 32, 32, 77]);
    assert.deepEqual(a().transpose(0, 1).shape, [3, 2]);
    assert.deepEqual(sg.zeros([2, 3, 4]).permute(2, 0, 1).shape, [4, 2, 3]);
    assert.deepEqual(a().reshape(3, 2).toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(a().view([-1]).shape, [6]);
    assert.deepEqual(sg.zeros([1, 3, 1]).squeeze().shape, [3]);
    assert.deepEqual(sg.zeros([3]).unsqueeze(0).expand(4, 3).shape, [4, 3]);
    assert.deepEqual(sg.cat([a(), a()], { dim: 0 }).shape, [4, 3]);
    assert.deepEqual(sg.stack([a(), a()], 1).shape, [2, 2, 3]);
    assert.deepEqual(sg.zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  });

  it('reductions: sum, mean, var, max, min, argmax, norm', () => {
    assert.equal(a().sum().item(), 21);
    close(a().sum({ dim: 0 }).toArray(), [5, 7, 9]);
    assert.deepEqual(a().sum({ dim: 1, keepdim: true }).shape, [2, 1]);
    close(a().mean({ dim: 1 }).toArray(), [2, 5]);
    close(a().var({ dim: 1 }).toArray(), [1, 1]);
    close(a().var({ dim: 1, unbiased: false }).toArray(), [2 / 3, 2 / 3]);
    assert.equal(a().max().item(), 6);
    const { values, indices } = a().max({ dim: 1 });
    close(values.toArray(), [3, 6]);
    assert.deepEqual(indices.toArray(), [2, 2]);
    assert.deepEqual(a().min({ dim: 0 }).values.toArray(), [1, 2, 3]);
    assert.deepEqual(a().argmax({ dim: 0 }).toArray(), [1, 1, 1]);
    assert.equal(a().argmax().item(), 5);
    close([Number(sg.tensor([3, 4], { dtype: 'float64' }).norm().item())], [5]);
  });

  it('activations and softmax', () => {
    const x = sg.tensor([-2, 0, 3], { dtype: 'float64' });
    close(x.relu().toArray(), [0, 0, 3]);
    close(sg.leakyRelu(x, { negative_slope: 0.1 }).toArray(), [-0.2, 0, 3]);
    close(x.sigmoid().toArray(), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
    close(x.tanh().toArray(), [Math.tanh(-2), 0, Math.tanh(3)]);
    close(x.silu().toArray(), [-2 / (1 + Math.exp(2)), 0, 3 / (1 + Math.exp(-3))]);
    const s = x.softmax(0).toArray();
    const z = Math.exp(-2) + 1 + Math.exp(3);
    close(s, [Math.exp(-2) / z, 1 / z, Math.exp(3) / z]);
    close(x.logSoftmax(0).toArray(), s.map(Math.log));
  });

  it('comparisons, where, indexing', () => {
    const x = sg.tensor([1, 5, 3]);
    assert.deepEqual(x.gt(2).toArray(), [0, 1, 1]);
    assert.equal(x.eq(5).dtype, 'bool');
    assert.deepEqual(x.le(3).toArray(), [1, 0, 1]);
    assert.deepEqual(x.ne(sg.tensor([1, 0, 3])).toArray(), [0, 1, 0]);
    assert.deepEqual(sg.where(x.gt(2), x, 0).toArray(), [0, 5, 3]);
    const m = sg.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(m.select(0, 1).toArray(), [4, 5, 6]);
    assert.deepEqual(m.slice(1, 1, 3).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(m.indexSelect(1, sg.tensor([2, 0])).toArray(), [3, 1, 6, 4]);
    assert.deepEqual(m.gather(1, sg.tensor([[0], [2]])).toArray(), [1, 6]);
    assert.deepEqual(m.maskedFill(m.gt(4), -1).toArray(), [1, 2, 3, 4, -1, -1]);
  });

  it('losses against hand-computed values', () => {
    const logits = sg.tensor([[2, 0, 0]], { dtype: 'float64' });
    const target = sg.tensor([0]);
    const lse = Math.log(Math.exp(2) + 2);
    close([Number(sg.crossEntropy(logits, target).item())], [lse - 2]);
    // label smoothing 0.3 over 3 classes: (1 - 0.3)·nll + 0.3·mean(-log p)
    const logp = [2 - lse, -lse, -lse];
    const smooth = 0.7 * -logp[0] + (0.3 / 3) * -(logp[0] + logp[1] + logp[2]);
    close([Number(sg.crossEntropy(logits, target, { label_smoothing: 0.3 }).item())], [smooth]);
    close([Number(sg.mseLoss(sg.tensor([1, 2], { dtype: 'float64' }), sg.tensor([0, 0], { dtype: 'float64' })).item())], [2.5]);
    close([Number(sg.l1Loss(sg.tensor([1, -3], { dtype: 'float64' }), sg.zeros([2], { dtype: 'float64' })).item())], [2]);
    const bce = -Math.log(1 / (1 + Math.exp(-1)));
    close([Number(sg.bceWithLogits(sg.tensor([1], { dtype: 'float64' }), sg.tensor([1], { dtype: 'float64' })).item())], [bce]);
  });

  it('layer functions: linear, conv2d, pooling', () => {
    const x = sg.tensor([[1, 2]], { dtype: 'float64' });
    const w = sg.tensor([[1, 1], [2, -1]], { dtype: 'float64' });
    close(sg.linear(x, w, sg.tensor([0.5, 0], { dtype: 'float64' })).toArray(), [3.5, 0]);
    const img = sg.arange(16, { dtype: 'float64' }).reshape(1, 1, 4, 4);
    close(sg.conv2d(img, sg.ones([1, 1, 2, 2], { dtype: 'float64' }), null, { stride: 2 }).toArray(), [10, 18, 42, 50]);
    close(sg.maxPool2d(img, 2).toArray(), [5, 7, 13, 15]);
    close(sg.avgPool2d(img, { kernel_size: 2 }).toArray(), [2.5, 4.5, 10.5, 12.5]);
    close(sg.adaptiveAvgPool2d(img, 1).toArray(), [7.5]);
  });

  it('in-place ops return the tensor and change it', () => {
    const x = sg.tensor([1, 2], { dtype: 'float64' });
    assert.equal(x.add_(1).mul_(2).sub_(sg.tensor([1, 1], { dtype: 'float64' })), x);
    assert.deepEqual(x.toArray(), [3, 5]);
    x.div_(2).clamp_(null, 2);
    assert.deepEqual(x.toArray(), [1.5, 2]);
    x.copy_(sg.tensor([9, 8], { dtype: 'float64' }));
    assert.deepEqual(x.toArray(), [9, 8]);
    x.fill_(4);
    assert.deepEqual(x.zero_().toArray(), [0, 0]);
  });

  it('autograd plumbing: grad get/set, detach, isLeaf, noGrad, backward with a gradient', () => {
    const w = sg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    assert.equal(w.isLeaf, true);
    const y = w.mul(w);
    assert.equal(y.isLeaf, false);
    y.backward(sg.ones([3], { dtype: 'float64' }));
    assert.deepEqual(w.grad!.toArray(), [2, 4, 6]);
    w.grad = null;
    assert.equal(w.grad, null);
    w.grad = sg.zeros([3], { dtype: 'float64' });
    assert.deepEqual(w.grad!.toArray(), [0, 0, 0]);
    const z = sg.noGrad(() => w.mul(2));
    assert.equal(z.requiresGrad, false);
    assert.equal(w.detach().requiresGrad, false);
    assert.equal(sg.isGradEnabled(), true);
  });
});
