/**
 * sg.optim.ZeroRedundancyOptimizer in this process, on a one-process Gloo group (WORLD_SIZE=1):
 * what the multi-process tests (test/optim/zero-redundancy.test.ts, child processes) check but
 * a mutant in this process can only fail here: the constructor's checks, the groups and defaults
 * it takes from the shard optimizer, steps equal to the plain optimizer's (Lamb's clipping done by
 * ZeRO itself), consolidateStateDict/stateDict/loadStateDict against the plain optimizer's state
 * dict, stateBytes, addParamGroup, and PyTorch's greedy partition for 2 and 3 ranks (computed by
 * partitionParameters with the world size set by a test subclass; no rank needs to exist).
 */
import assert from 'node:assert/strict';

import { destroyProcessGroup, initProcessGroup, isInitialized } from '../../lib/distributed';
import { freePort } from '../../lib/distributed/launcher';
import { Module, Parameter } from '../../lib/nn';
import { Adam, createOptimizer, Lamb, LBFGS, Optimizer, OptimizerStateDict, ParamsOrGroups, ZeroRedundancyOptimizer } from '../../lib/optim';
import { manualSeed, noGrad, randn, tensor, Tensor } from '../../lib/tensor';
import { mseLoss } from '../../lib/tensor/functional';
import { flatWeights, mlp } from '../helpers/data-parallel-problem';
import { thrown } from '../helpers/thrown';

/** A state dict as plain data: each tensor becomes its dtype, shape and values. */
function plainData(value: unknown): unknown {
  if (value instanceof Tensor) return { dtype: value.dtype, shape: value.shape, values: Array.from(value.toTypedArray() as ArrayLike<number>, Number) };
  if (Array.isArray(value)) return value.map(plainData);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainData(v)]));
  return value;
}

/** The parameters of mlp(seed), in two groups: the weights (lr 0.01) and the biases (lr 0.02). */
function twoGroups(m: Module) {
  const ps = m.parameters();
  return [
    { params: ps.filter((p) => p.dim() === 2), lr: 0.01 },
    { params: ps.filter((p) => p.dim() === 1), lr: 0.02 },
  ];
}

/** K steps on fixed data, the groups' lr halved after the first (an edit the shard optimizer must see). */
function train(m: Module, opt: Optimizer, K = 3): unknown[] {
  manualSeed(99);
  const X = randn([8, 5], { dtype: 'float64' });
  const Y = randn([8, 3], { dtype: 'float64' });
  const losses: unknown[] = [];
  for (let s = 0; s < K; s++) {
    if (s === 1) for (const g of opt.paramGroups) g.lr = (g.lr as number) * 0.5;
    losses.push(
      opt.step(() => {
        opt.zeroGrad();
        const loss = mseLoss(m.call(X), Y);
        loss.backward();
        return Number(loss.item());
      }),
    );
  }
  return losses;
}

const message = thrown;

/** Exposes PyTorch's partition for any world size (the group of this process has one rank). */
class PartitionProbe extends ZeroRedundancyOptimizer {
  partitionFor(n: number): string[][][] {
    const self = this as unknown as { worldSize: number };
    const was = self.worldSize;
    self.worldSize = n;
    try {
      return this.partitionParameters().map((groups) => groups.map((ps) => ps.map((p) => p.shape.join('x'))));
    } finally {
      self.worldSize = was;
    }
  }
}

describe('optim: ZeroRedundancyOptimizer in this process (WORLD_SIZE=1)', function () {
  this.timeout(60000); // a hang guard only

  const join = async () => initProcessGroup({ env: { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) }, timeoutMs: 10000 });
  before(join);
  after(() => destroyProcessGroup());

  it('needs an initialised process group: an Error saying so, before anything else', async () => {
    destroyProcessGroup();
    assert.equal(isInitialized(), false);
    try {
      assert.equal(
        message(() => new ZeroRedundancyOptimizer(mlp(7).parameters(), 'Adam')),
        'ZeroRedundancyOptimizer needs the default process group: call sg.distributed.initProcessGroup() first',
      );
    } finally {
      await join();
    }
  });

  it('refuses LBFGS and its subclasses by name, options that are not an object, and what the base class refuses', () => {
    const ps = mlp(7).parameters();
    assert.equal(
      message(() => new ZeroRedundancyOptimizer(ps, 'LBFGS')),
      'ZeroRedundancyOptimizer cannot shard LBFGS: LBFGS keeps one history over all its parameters (a single param group whose directions span every parameter), so its state cannot be split by parameter; use it without ZeRO',
    );
    class MyLBFGS extends LBFGS {}
    assert.match(message(() => new ZeroRedundancyOptimizer(ps, MyLBFGS as never)), /^ZeroRedundancyOptimizer cannot shard MyLBFGS: LBFGS keeps one history/);
    assert.equal(message(() => new ZeroRedundancyOptimizer(ps, LBFGS as never)).slice(0, 46), 'ZeroRedundancyOptimizer cannot shard LBFGS: LB');
    assert.match(message(() => new ZeroRedundancyOptimizer(ps, 'Adam', 5 as never)), /^Expected an object of optimizer options for ZeroRedundancyOptimizer\(options\) but received 5 \(number\)$/);
    assert.match(message(() => new ZeroRedundancyOptimizer(ps, 'Adam', [] as never)), /^Expected an object of optimizer options for ZeroRedundancyOptimizer\(options\) but received/);
    assert.match(message(() => new ZeroRedundancyOptimizer([], 'Adam')), /optimizer got an empty parameter list/);
    // A subclass of Adam is sharded (only LBFGS is refused), with the subclass as the shard optimizer.
    class MyAdam extends Adam {}
    const zero = new ZeroRedundancyOptimizer(ps, MyAdam as never, { lr: 0.5 });
    assert.ok(zero.optim instanceof MyAdam);
    assert.equal(zero.optimizerClass, MyAdam);
  });

  it('rank 0 of 1 owns every parameter, largest first; the groups and defaults are the shard optimizer\'s, in its order', () => {
    const m = mlp(7);
    const groups = twoGroups(m);
    const zero = new ZeroRedundancyOptimizer(groups, 'Adam', { betas: [0.8, 0.9] });
    const plain = createOptimizer('Adam', twoGroups(m), { betas: [0.8, 0.9] });
    assert.equal(zero.rank, 0);
    assert.equal(zero.worldSize, 1);
    assert.deepEqual(
      zero.paramsOfRank(0).map((g) => g.map((p) => p.shape.join('x'))),
      [
        ['7x5', '3x7'],
        ['7', '3'],
      ],
    );
    // paramsOfRank gives copies: changing them changes nothing.
    zero.paramsOfRank(0)[0].pop();
    assert.equal(zero.paramsOfRank(0)[0].length, 2);
    assert.deepEqual(zero.defaults, plain.defaults);
    assert.deepEqual(Object.keys(zero.defaults), Object.keys(plain.defaults));
    zero.paramGroups.forEach((g, i) => {
      const { params, ...options } = g;
      const { params: plainParams, ...plainOptions } = plain.paramGroups[i];
      assert.deepEqual(options, plainOptions, `group ${i}`);
      assert.deepEqual(Object.keys(options), Object.keys(plainOptions), `group ${i}: the shard optimizer's order`);
      // The groups keep the caller's parameter order; the shard optimizer has them largest first.
      assert.deepEqual(params, groups[i].params);
      assert.deepEqual(plainParams, groups[i].params);
      assert.deepEqual(zero.optim.paramGroups[i].params, zero.paramsOfRank(0)[i]);
    });
    assert.ok(zero.optim instanceof Adam);
  });

  it("steps as the plain optimizer (lr edits reach the shard optimizer and come back); the closure's loss is returned", () => {
    for (const [name, options] of [
      ['Adam', { weight_decay: 0.1 }],
      ['SGD', { momentum: 0.9 }],
      ['Adafactor', {}],
      ['Lamb', { max_grad_norm: null }],
    ] as const) {
      const a = mlp(7);
      const b = mlp(7);
      const zero = new ZeroRedundancyOptimizer(twoGroups(a), name, options);
      const plain = createOptimizer(name, twoGroups(b), options);
      const zl = train(a, zero);
      const pl = train(b, plain);
      assert.deepEqual(zl, pl, `${name}: the closure's losses`);
      assert.equal(typeof zl[0], 'number');
      assert.deepEqual(flatWeights(a), flatWeights(b), `${name}: the weights`);
      assert.notDeepEqual(flatWeights(a), flatWeights(mlp(7)), `${name}: the weights moved`);
      assert.deepEqual(
        zero.optim.paramGroups.map((g) => g.lr),
        [0.005, 0.01],
        `${name}: the shard optimizer saw the lr edit`,
      );
      assert.deepEqual(
        zero.paramGroups.map((g) => g.lr),
        [0.005, 0.01],
      );
      // Without a closure step returns undefined.
      assert.equal(zero.step(), undefined);
    }
  });

  it("Lamb: ZeRO clips by the global norm itself (the shard optimizer's max_grad_norm is null), as plain Lamb does", () => {
    const run = (zeroed: boolean, options: Record<string, unknown>) => {
      const m = mlp(7);
      const opt = zeroed ? new ZeroRedundancyOptimizer(twoGroups(m), 'Lamb', options) : createOptimizer('Lamb', twoGroups(m), options);
      const losses = train(m, opt);
      return { opt, w: flatWeights(m), losses };
    };
    const clipped = run(true, { max_grad_norm: 0.05 });
    const plainClipped = run(false, { max_grad_norm: 0.05 });
    const unclipped = run(false, { max_grad_norm: null });
    assert.deepEqual(clipped.losses, plainClipped.losses);
    assert.ok(
      clipped.w.every((v, i) => Math.abs(v - plainClipped.w[i]) <= 1e-12 * Math.max(1, Math.abs(v))),
      'ZeRO Lamb == plain Lamb',
    );
    assert.ok(
      clipped.w.some((v, i) => Math.abs(v - unclipped.w[i]) > 1e-6),
      'the clipping changed the steps',
    );
    const zero = clipped.opt as ZeroRedundancyOptimizer;
    assert.equal(zero.defaults.max_grad_norm, 0.05);
    assert.deepEqual(
      zero.paramGroups.map((g) => g.max_grad_norm),
      [0.05, 0.05],
    );
    assert.deepEqual(
      zero.optim.paramGroups.map((g) => g.max_grad_norm),
      [null, null],
    );
    assert.equal(zero.optim.defaults.max_grad_norm, null);
    // An edit of max_grad_norm in a group does not reach the shard optimizer (it must not clip again).
    zero.paramGroups[0].max_grad_norm = 7;
    zero.step(() => 0);
    assert.equal(zero.optim.paramGroups[0].max_grad_norm, null);
    assert.equal(zero.paramGroups[0].max_grad_norm, 7);
    // Lamb's default max_grad_norm (1.0) is ZeRO's when not given; a norm below it leaves the step unclipped.
    const dflt = run(true, {});
    assert.equal((dflt.opt as ZeroRedundancyOptimizer).defaults.max_grad_norm, 1);
    const plainDefault = run(false, {});
    assert.ok(dflt.w.every((v, i) => Math.abs(v - plainDefault.w[i]) <= 1e-12 * Math.max(1, Math.abs(v))));
    const loose = run(true, { max_grad_norm: 1e6 });
    const looseUnclipped = run(false, { max_grad_norm: null });
    assert.ok(loose.w.every((v, i) => Math.abs(v - looseUnclipped.w[i]) <= 1e-12 * Math.max(1, Math.abs(v))), 'a norm below max_grad_norm: no clipping');
    // Checked as Lamb checks it.
    const ps = mlp(7).parameters();
    const lambError = message(() => createOptimizer('Lamb', ps, { max_grad_norm: 'big' }));
    assert.match(lambError, /max_grad_norm/);
    assert.equal(
      message(() => new ZeroRedundancyOptimizer(ps, 'Lamb', { max_grad_norm: 'big' })),
      lambError,
    );
    assert.equal(
      message(() => new ZeroRedundancyOptimizer(ps, 'Lamb', { max_grad_norm: -1 })),
      message(() => createOptimizer('Lamb', ps, { max_grad_norm: -1 })),
    );
    // A subclass of Lamb is clipped by ZeRO too.
    class MyLamb extends Lamb {}
    const sub = new ZeroRedundancyOptimizer(ps, MyLamb as never, { max_grad_norm: 0.5 });
    assert.equal(sub.optim.defaults.max_grad_norm, null);
    assert.equal(sub.defaults.max_grad_norm, 0.5);
  });

  it("options only Lamb has are the wrapped optimizer's to refuse; a custom optimizer's own max_grad_norm is kept, synced, and its step's result returned", () => {
    const ps = mlp(7).parameters();
    assert.equal(
      message(() => new ZeroRedundancyOptimizer(ps, 'Adam', { max_grad_norm: 'big' })),
      message(() => createOptimizer('Adam', ps, { max_grad_norm: 'big' })),
    );
    assert.match(message(() => new ZeroRedundancyOptimizer(ps, 'Adam', { max_grad_norm: 'big' })), /unknown Adam option 'max_grad_norm'/);
    /** A custom optimizer with an option of Lamb's name: ZeRO leaves it to the optimizer. */
    class Clipped extends Optimizer {
      calls = 0;
      constructor(params: ParamsOrGroups, opts: Record<string, unknown> = {}) {
        super(params, { lr: 0.1, max_grad_norm: 3, ...opts });
      }
      step(closure?: () => unknown): unknown {
        this.calls++;
        const loss = this.evaluateClosure(closure);
        noGrad(() => {
          for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.clamp(-(g.max_grad_norm as number), g.max_grad_norm as number).mul(g.lr!));
        });
        return { loss, seen: this.paramGroups.map((g) => g.max_grad_norm) };
      }
    }
    const w = tensor([10, -10], { dtype: 'float64', requiresGrad: true });
    const zero = new ZeroRedundancyOptimizer([w], Clipped as never);
    assert.equal(zero.defaults.max_grad_norm, 3);
    assert.equal(zero.paramGroups[0].max_grad_norm, 3);
    zero.paramGroups[0].max_grad_norm = 2;
    w.grad = tensor([5, -1], { dtype: 'float64' });
    assert.deepEqual(zero.step(() => 'loss'), { loss: 'loss', seen: [2] });
    assert.equal((zero.optim as Clipped).calls, 1);
    assert.deepEqual(Array.from(w.toTypedArray() as Float64Array), [10 - 0.2, -10 + 0.1]);
  });

  it('a parameter without a gradient has no state, in the consolidated state dict as in the plain one', () => {
    const a = mlp(7);
    const b = mlp(7);
    const zero = new ZeroRedundancyOptimizer(a.parameters(), 'Adam');
    const plain = createOptimizer('Adam', b.parameters());
    for (const [m, opt] of [
      [a, zero],
      [b, plain],
    ] as const) {
      m.parameters().forEach((p, i) => (p.grad = i === 1 ? null : p.detach().mul(0.1)));
      opt.step();
    }
    zero.consolidateStateDict(0);
    const sd = zero.stateDict();
    assert.deepEqual(Object.keys(sd.state), ['0', '2', '3']);
    assert.deepEqual(plainData(sd), plainData(plain.stateDict()));
  });

  it("Lamb with a group without parameters: the consolidated state dict keeps that group's step, as plain Lamb's", () => {
    const w = () => tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const a = w();
    const b = w();
    const plain = createOptimizer('Lamb', [{ params: [a] }, { params: [] }]);
    const zero = new ZeroRedundancyOptimizer([{ params: [b] }, { params: [] }], 'Lamb');
    for (const [p, opt] of [
      [a, plain],
      [b, zero],
    ] as const) {
      p.grad = tensor([1, -1], { dtype: 'float64' });
      opt.step();
      opt.step();
    }
    zero.consolidateStateDict(0);
    const sd = zero.stateDict();
    assert.deepEqual(
      sd.param_groups.map((g) => g.step),
      [2, 2],
    );
    assert.deepEqual(plainData(sd), plainData(plain.stateDict()));
  });

  it('Lamb without gradients: a step clips nothing and moves nothing', () => {
    const m = mlp(7);
    const before = flatWeights(m);
    const zero = new ZeroRedundancyOptimizer(m.parameters(), 'Lamb', { max_grad_norm: 0.05 });
    zero.step();
    assert.deepEqual(flatWeights(m), before);
  });

  it('stateDict() needs consolidateStateDict(to) first, to a rank of the group; consolidated, it is the plain optimizer\'s', () => {
    for (const name of ['Adam', 'Lamb', 'Adafactor', 'SGD']) {
      const a = mlp(7);
      const b = mlp(7);
      const options = name === 'SGD' ? { momentum: 0.9 } : {};
      const zero = new ZeroRedundancyOptimizer(twoGroups(a), name, options);
      const plain = createOptimizer(name, twoGroups(b), options);
      train(a, zero);
      train(b, plain);
      assert.equal(
        message(() => zero.stateDict()),
        'ZeroRedundancyOptimizer.stateDict() on rank 0: call consolidateStateDict(to) on every rank first, then stateDict() on rank to',
      );
      for (const to of [1, -1, 0.5, NaN]) {
        assert.equal(message(() => zero.consolidateStateDict(to)), `consolidateStateDict(to): a rank in [0, 0], got ${String(to)}`);
      }
      assert.ok(
        (() => {
          try {
            zero.consolidateStateDict(1);
          } catch (e) {
            return e instanceof RangeError;
          }
          return false;
        })(),
      );
      // An lr edit since the last step reaches the consolidated groups.
      zero.paramGroups[1].lr = 0.125;
      plain.paramGroups[1].lr = 0.125;
      zero.consolidateStateDict();
      const sd = zero.stateDict();
      const psd = plain.stateDict();
      assert.deepEqual(plainData(sd), plainData(psd), name);
      assert.deepEqual(Object.keys(sd.state), Object.keys(psd.state), `${name}: state in index order`);
      sd.param_groups.forEach((g, i) => assert.deepEqual(Object.keys(g), Object.keys(psd.param_groups[i]), `${name}: group ${i} keys in order`));
      // Loaded into a fresh ZeRO optimizer and consolidated again: the same.
      const fresh = new ZeroRedundancyOptimizer(twoGroups(mlp(8)), name, options);
      fresh.loadStateDict(psd);
      fresh.consolidateStateDict(0);
      assert.deepEqual(plainData(fresh.stateDict()), plainData(psd), `${name}: loaded`);
      // Loading drops what was consolidated before.
      fresh.loadStateDict(psd);
      assert.match(message(() => fresh.stateDict()), /call consolidateStateDict\(to\) on every rank first/);
      assert.deepEqual(
        fresh.paramGroups.map((g) => g.lr),
        [0.005, 0.125],
      );
      // And it steps on from there as the plain optimizer does.
      const c = mlp(7);
      const d = mlp(7);
      const zc = new ZeroRedundancyOptimizer(twoGroups(c), name, options);
      const pd = createOptimizer(name, twoGroups(d), options);
      zc.loadStateDict(psd);
      pd.loadStateDict(psd);
      train(c, zc, 2);
      train(d, pd, 2);
      assert.ok(
        flatWeights(c).every((v, i) => Math.abs(v - flatWeights(d)[i]) <= 1e-12 * Math.max(1, Math.abs(v))),
        `${name}: steps on from the loaded state as the plain optimizer`,
      );
    }
  });

  it('a state dict only the plain layout fits is refused and nothing changes; Adafactor\'s factored state keeps its own shapes', () => {
    const m = mlp(7);
    const zero = new ZeroRedundancyOptimizer(m.parameters(), 'Adam');
    train(m, zero, 1);
    const bytes = zero.stateBytes();
    assert.equal(
      message(() => zero.loadStateDict({ state: {}, param_groups: [{ params: [0, 1] }] } as OptimizerStateDict)),
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (param_groups[0] has 2 parameters, the optimizer's has 4)",
    );
    assert.equal(zero.stateBytes(), bytes);
    // Adafactor's row_var/col_var: shapes of their own, accepted; a wrong exp_avg_sq shape is refused by name.
    const a = mlp(7);
    const plain = createOptimizer('Adafactor', a.parameters());
    train(a, plain, 1);
    const sd = plain.stateDict();
    assert.ok(Object.values(sd.state).some((s) => 'row_var' in s));
    const zf = new ZeroRedundancyOptimizer(mlp(7).parameters(), 'Adafactor');
    zf.loadStateDict(sd);
    zf.consolidateStateDict(0);
    assert.deepEqual(plainData(zf.stateDict()), plainData(sd));
    const za = new ZeroRedundancyOptimizer(mlp(7).parameters(), 'Adam');
    assert.match(
      message(() => za.loadStateDict({ state: { 0: { step: 1, exp_avg: randn([2, 2], { dtype: 'float64' }) } }, param_groups: za.paramGroups.map((g) => ({ ...g, params: [0, 1, 2, 3] })) } as never)),
      /^stateDict\.state\[0\]\.exp_avg has shape \[2, 2\] but its parameter has shape \[7, 5\]/,
    );
  });

  it("stateBytes: the bytes of this rank's state tensors; state is the shard optimizer's", () => {
    const m = mlp(7);
    const zero = new ZeroRedundancyOptimizer(m.parameters(), 'Adam');
    assert.equal(zero.stateBytes(), 0);
    assert.equal(zero.state.size, 0);
    train(m, zero, 1);
    // Adam: exp_avg and exp_avg_sq (float64) per parameter, and step (a float32 scalar tensor).
    const elements = m.parameters().reduce((n, p) => n + p.numel(), 0);
    assert.equal(zero.stateBytes(), elements * 2 * 8 + 4 * 4);
    assert.equal(zero.state.size, 4);
    assert.deepEqual([...zero.state.keys()], [...zero.optim.state.keys()]);
    // float32 parameters: 4 bytes per element.
    const p = Parameter(randn([3, 2]));
    const z32 = new ZeroRedundancyOptimizer([p], 'SGD', { lr: 0.1, momentum: 0.9 });
    p.grad = randn([3, 2]);
    z32.step();
    assert.equal(z32.stateBytes(), 6 * 4);
    // Setting state does nothing (it lives in the shard optimizer).
    z32.state = new Map();
    assert.equal(z32.state.size, 1);
  });

  it('addParamGroup: the new group is partitioned after the others and reaches the shard optimizer with its options', () => {
    const m = mlp(7);
    const zero = new ZeroRedundancyOptimizer([{ params: m.parameters().slice(0, 2) }], 'Adam', { lr: 0.01 });
    zero.addParamGroup({ params: m.parameters().slice(2), lr: 0.5, betas: [0.5, 0.6] });
    assert.deepEqual(
      zero.paramsOfRank(0).map((g) => g.map((p) => p.shape.join('x'))),
      [
        ['7x5', '7'],
        ['3x7', '3'],
      ],
    );
    assert.equal(zero.optim.paramGroups.length, 2);
    assert.equal(zero.optim.paramGroups[1].lr, 0.5);
    assert.deepEqual(zero.optim.paramGroups[1].betas, [0.5, 0.6]);
    assert.deepEqual(zero.optim.paramGroups[1].params, zero.paramsOfRank(0)[1]);
    const { params, ...options } = zero.paramGroups[1];
    assert.deepEqual(params, m.parameters().slice(2));
    const { params: _p, ...shardOptions } = zero.optim.paramGroups[1];
    assert.deepEqual(options, shardOptions, 'the defaults the shard optimizer filled in');
    assert.equal(options.eps, 1e-8);
    // A Lamb group added later shows ZeRO's max_grad_norm, and the steps clip once, over both groups, as plain Lamb's.
    const l = mlp(7);
    const lamb = new ZeroRedundancyOptimizer([{ params: l.parameters().slice(0, 2) }], 'Lamb', { max_grad_norm: 0.05 });
    lamb.addParamGroup({ params: l.parameters().slice(2) });
    assert.equal(lamb.paramGroups[1].max_grad_norm, 0.05);
    const k = mlp(7);
    const plainLamb = createOptimizer('Lamb', [{ params: k.parameters().slice(0, 2) }, { params: k.parameters().slice(2) }], { max_grad_norm: 0.05 });
    train(l, lamb);
    train(k, plainLamb);
    assert.ok(flatWeights(l).every((v, i) => Math.abs(v - flatWeights(k)[i]) <= 1e-12 * Math.max(1, Math.abs(v))));
  });

  it("PyTorch's partition for 2 and 3 ranks: per group, largest first (stable), each to the rank with the fewest elements so far, lowest rank on ties", () => {
    const probe = new PartitionProbe(mlp(7).parameters(), 'Adam');
    // The MLP of the multi-process test: the same as its TORCH_PARTITION.
    assert.deepEqual(probe.partitionFor(2), [[['7x5']], [['3x7', '7', '3']]]);
    assert.deepEqual(probe.partitionFor(3), [[['7x5']], [['3x7']], [['7', '3']]]);
    assert.deepEqual(probe.partitionFor(1), [[['7x5', '3x7', '7', '3']]]);
    // Ties: equal sizes go to the lowest rank first; sizes count across groups.
    manualSeed(3);
    const P = (...shape: number[]) => Parameter(randn(shape, { dtype: 'float64' }));
    const tied = new PartitionProbe(
      [
        { params: [P(2), P(4), P(2), P(4)] },
        { params: [P(3), P(1), P(5)] },
      ],
      'SGD',
      { lr: 0.1 },
    );
    // Group 0 sorted: 4, 4, 2, 2 -> r0: 4, r1: 4, r0: 2 (6), r1: 2 (6).
    // Group 1 sorted: 5, 3, 1 -> r0: 5 (11), r1: 3 (9), r1: 1 (10).
    assert.deepEqual(tied.partitionFor(2), [
      [['4', '2'], ['5']],
      [
        ['4', '2'],
        ['3', '1'],
      ],
    ]);
    // Group 0: 4 -> r0, 4 -> r1, 2 -> r2, 2 -> r2 (2 < 4); group 1, all at 4: 5 -> r0 (9), 3 -> r1 (7), 1 -> r2 (5).
    assert.deepEqual(tied.partitionFor(3), [
      [['4'], ['5']],
      [['4'], ['3']],
      [['2', '2'], ['1']],
    ]);
    // The stable sort keeps the group's order among equal sizes.
    const a = P(2);
    const b = P(2);
    const stable = new PartitionProbe([a, b], 'SGD', { lr: 0.1 });
    const self = stable as unknown as { worldSize: number };
    self.worldSize = 2;
    const parts = (stable as unknown as { partitionParameters(): Tensor[][][] }).partitionParameters();
    self.worldSize = 1;
    assert.equal(parts[0][0][0], a);
    assert.equal(parts[1][0][0], b);
  });
});
