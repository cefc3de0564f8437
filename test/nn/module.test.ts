import assert from 'node:assert/strict';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';

class Block extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1, bias: false });
  bn = new nn.BatchNorm2d(8);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv.forward(x)).relu();
  }
}

class Net extends nn.Module {
  backbone = new nn.Sequential(new Block(), new nn.MaxPool2d(2), new Block().apply(() => undefined));
  heads = new nn.ModuleList([new nn.Linear(8, 4), new nn.Linear(4, 2)]);
  norm = new nn.LayerNorm(4);
  scale = nn.Parameter(sg.ones([1]));
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('nn: modules', () => {
  it('names parameters as PyTorch does, own parameters first, then children in order', () => {
    // backbone.2 cannot take 8 input channels from backbone.0 in a real net; only names matter here.
    const net = new Net();
    assert.deepEqual(
      net.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`),
      [
        'scale:1',
        'backbone.0.conv.weight:8x3x3x3',
        'backbone.0.bn.weight:8',
        'backbone.0.bn.bias:8',
        'backbone.2.conv.weight:8x3x3x3',
        'backbone.2.bn.weight:8',
        'backbone.2.bn.bias:8',
        'heads.0.weight:4x8',
        'heads.0.bias:4',
        'heads.1.weight:2x4',
        'heads.1.bias:2',
        'norm.weight:4',
        'norm.bias:4',
      ],
    );
    assert.deepEqual(net.namedModules().map(([n]) => n).slice(0, 5), ['', 'backbone', 'backbone.0', 'backbone.0.conv', 'backbone.0.bn']);
    assert.equal(net.children().length, 3);
    assert.deepEqual(Object.keys(net.stateDict()).filter((k) => k.startsWith('backbone.0.bn')), [
      'backbone.0.bn.weight',
      'backbone.0.bn.bias',
      'backbone.0.bn.running_mean',
      'backbone.0.bn.running_var',
      'backbone.0.bn.num_batches_tracked',
    ]);
  });

  it('initialises Linear and Conv2d within PyTorch bounds (U(±1/√fan_in))', () => {
    sg.manualSeed(0);
    const fc = new nn.Linear(100, 50);
    const bound = 1 / Math.sqrt(100);
    for (const t of [fc.weight, fc.bias!]) {
      const v = t.toArray();
      assert.ok(v.every((x) => Math.abs(x) <= bound));
      assert.ok(Math.max(...v.map(Math.abs)) > 0.9 * bound, 'spread over the whole range');
    }
    const conv = new nn.Conv2d(4, 6, 3);
    assert.ok(conv.weight.toArray().every((x) => Math.abs(x) <= 1 / Math.sqrt(36)));
  });

  it('BatchNorm: train mode uses batch statistics and updates running ones; eval uses the running ones', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
    const x = sg.tensor([[1, 10], [3, 14]], { dtype: 'float32' });
    const y = bn.forward(x).toArray();
    // batch mean [2, 12], biased var [1, 4] → normalised ±1 (eps 1e-5)
    const s0 = 1 / Math.sqrt(1 + 1e-5);
    const s1 = 2 / Math.sqrt(4 + 1e-5);
    [-s0, -s1, s0, s1].forEach((v, i) => assert.ok(Math.abs(y[i] - v) < 1e-5));
    // running_mean = 0.5·0 + 0.5·[2, 12]; running_var uses the unbiased var [2, 8]: 0.5·1 + 0.5·[2, 8]
    assert.deepEqual(bn.running_mean!.toArray(), [1, 6]);
    assert.deepEqual(bn.running_var!.toArray(), [1.5, 4.5]);
    assert.equal(bn.num_batches_tracked!.item(), 1);
    bn.eval();
    const z = bn.forward(sg.tensor([[1, 6]], { dtype: 'float32' })).toArray();
    assert.ok(Math.abs(z[0] - 0) < 1e-6 && Math.abs(z[1] - 0) < 1e-6);
    assert.deepEqual(bn.running_mean!.toArray(), [1, 6], 'eval does not update');
  });

  it('stateDict round trip gives identical outputs; loadStateDict checks keys and shapes and changes nothing on error', () => {
    sg.manualSeed(1);
    const make = () => new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2));
    const a = make();
    const b = make();
    const x = sg.randn([5, 4]);
    a.forward(x);
    a.eval();
    b.eval();
    b.loadStateDict(a.stateDict());
    assert.deepEqual((b.forward(x) as Tensor).toArray(), (a.forward(x) as Tensor).toArray());
    const before = JSON.stringify(Object.values(b.stateDict()).map((t) => t.toArray()));
    const bad = { ...a.stateDict(), extra: sg.ones([1]) };
    delete (bad as Record<string, Tensor>)['3.bias'];
    assert.throws(() => b.loadStateDict(bad), /Missing key\(s\) in state_dict: "3\.bias"\.[\s\S]*Unexpected key\(s\) in state_dict: "extra"\./);
    assert.throws(() => b.loadStateDict({ ...a.stateDict(), '0.weight': sg.ones([2, 2]) }), /size mismatch for 0\.weight: copying a param with shape \[2, 2\] from checkpoint, the shape in current model is \[3, 4\]/);
    assert.equal(JSON.stringify(Object.values(b.stateDict()).map((t) => t.toArray())), before);
  });

  it('to(float64) converts in place and keeps the parameter objects', () => {
    const fc = new nn.Linear(2, 2);
    const w = fc.weight;
    fc.to('float64');
    assert.equal(fc.weight, w);
    assert.equal(w.dtype, 'float64');
    assert.equal(w.requiresGrad, true);
    assert.equal((fc.forward(sg.ones([1, 2], { dtype: 'float64' })) as Tensor).dtype, 'float64');
  });

  it('train()/eval() switch every submodule; Dropout is identity in eval', () => {
    const net = new nn.Sequential(new nn.Dropout(0.5), new nn.Identity());
    net.eval();
    assert.deepEqual(net.modules().map((m) => m.training), [false, false, false]);
    const x = sg.ones([1000]);
    assert.deepEqual((net.forward(x) as Tensor).toArray(), x.toArray());
    net.train();
    const y = (net.forward(x) as Tensor).toArray();
    assert.ok(y.some((v) => v === 0) && y.some((v) => v === 2));
  });

  it('layers compute their functional forms', () => {
    const x = sg.randn([2, 3, 8, 8]);
    assert.deepEqual((new nn.Conv2d(3, 5, 3, { stride: 2, padding: 1 }).forward(x)).shape, [2, 5, 4, 4]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d(1).forward(x).shape, [2, 3, 1, 1]);
    assert.deepEqual(new nn.AvgPool2d(2).forward(x).shape, [2, 3, 4, 4]);
    assert.deepEqual(new nn.Flatten().forward(x).shape, [2, 192]);
    assert.deepEqual(new nn.GroupNorm(3, 3).forward(x).shape, [2, 3, 8, 8]);
    for (const act of [new nn.GELU(), new nn.SiLU(), new nn.Sigmoid(), new nn.Tanh(), new nn.ReLU()]) assert.deepEqual(act.forward(x).shape, x.shape);
    const emb = new nn.Embedding(10, 4, { padding_idx: 0 });
    assert.deepEqual(emb.weight.select(0, 0).toArray(), [0, 0, 0, 0]);
    assert.deepEqual(emb.forward(sg.tensor([[1, 0, 3]])).shape, [1, 3, 4]);
    const dict = new nn.ModuleDict({ a: new nn.Linear(2, 2) });
    assert.deepEqual(dict.namedParameters().map(([n]) => n), ['a.weight', 'a.bias']);
  });
});
