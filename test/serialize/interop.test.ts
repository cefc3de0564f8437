/**
 * Checkpoints cross between sg-optim and PyTorch (Debian's python3-torch): an optimizer run saved
 * after k steps by one is continued by the other and ends on the golden trajectory (float64,
 * ≤ 1e-10), for SGD, Adam, AdamW and RMSprop, both ways. And the real training checkpoint
 * structure (net, optimizer_state_dict, epoch, acc, metrics) crosses both ways too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, MnistDataset } from '../../lib/data';
import { MnistMlp } from '../../lib/models';
import { createOptimizer, SGD } from '../../lib/optim';
import { load, save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { Trainer } from '../../lib/training';
import { optimizerStateForSaving } from '../../lib/training/checkpoints';
import { GoldenCase, loadGolden, maxRelativeError } from '../helpers/golden';

// Debian's PyTorch 1.13 by default; scripts/test-torch-wheel.sh points this at PyTorch 2.15, whose
// torch.load defaults to weights_only=True (our files must load with no allowlist).
const PYTHON = process.env.SG_OPTIM_INTEROP_PYTHON || '/usr/bin/python3';
const scripts = path.join(__dirname, '..', '..', '..', 'test', 'serialize', 'python');
const CASES: Array<[string, number]> = [['SGD', 2], ['Adam', 4], ['AdamW', 2], ['RMSprop', 2]];
const K = 5;

function python(spec: Record<string, unknown>, script = 'interop.py'): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-interop-'));
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  const r = spawnSync(PYTHON, [path.join(scripts, script), path.join(dir, 'spec.json'), path.join(dir, 'out.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
}

function steps(c: GoldenCase, opt: ReturnType<typeof createOptimizer>, params: Tensor[], from: number, to: number): void {
  for (let s = from; s < to; s++) {
    const step = c.steps[s];
    if (step.lr) opt.paramGroups.forEach((g, i) => (g.lr = step.lr![i]));
    params.forEach((p, i) => (p.grad = step.grads[i] === null ? null : sg.tensor(step.grads[i]!, { shape: c.shapes[i], dtype: 'float64' })));
    opt.step();
  }
}

function build(c: GoldenCase, params: Tensor[]) {
  return createOptimizer(c.optimizer, c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })), c.defaults);
}

function assertFinal(c: GoldenCase, finals: number[][]): void {
  const expected = c.steps[c.steps.length - 1].params;
  finals.forEach((values, i) => assert.ok(maxRelativeError(values, expected[i]) <= 1e-10, `parameter ${i}: ${maxRelativeError(values, expected[i])}`));
}

function skipWithoutTorch(this: Mocha.Context): void {
  if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
    console.log(`      (skipped: ${PYTHON} cannot import torch; install Debian's python3-torch)`);
    this.skip();
  }
}

describe('checkpoints: PyTorch interop (torch.optim continues our runs and we continue its)', function () {
  this.timeout(120000);
  before(skipWithoutTorch);

  for (const [name, index] of CASES) {
    it(`${name}: sg-optim saves after ${K} steps, torch.optim loads and continues`, () => {
      const c = loadGolden(name)[index];
      const params = c.params0.map((v, i) => sg.tensor(v, { shape: c.shapes[i], dtype: 'float64', requiresGrad: true }));
      const opt = build(c, params);
      steps(c, opt, params, 0, K);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-')), 'ckpt.pth');
      save({ params: params.map((p) => p.detach()), optimizer_state_dict: optimizerStateForSaving(opt.stateDict() as never) }, file);
      assertFinal(c, python({ case: c, k: K, direction: 'continue', checkpoint: file }) as number[][]);
    });

    it(`${name}: opt.stateDict() saved as it is (string keys in JavaScript) reaches torch.optim with its state`, () => {
      const c = loadGolden(name)[index];
      const params = c.params0.map((v, i) => sg.tensor(v, { shape: c.shapes[i], dtype: 'float64', requiresGrad: true }));
      const opt = build(c, params);
      steps(c, opt, params, 0, K);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-')), 'ckpt.pth');
      // What a PyTorch user writes: torch.optim's load_state_dict silently drops '0'-keyed state.
      save({ params: params.map((p) => p.detach()), optimizer_state_dict: opt.stateDict() }, file);
      assertFinal(c, python({ case: c, k: K, direction: 'continue', checkpoint: file }) as number[][]);
    });

    it(`${name}: torch.optim saves after ${K} steps, sg-optim loads and continues`, () => {
      const c = loadGolden(name)[index];
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-')), 'ckpt.pth');
      python({ case: c, k: K, direction: 'start', checkpoint: file });
      const ckpt = load(file) as { params: Tensor[]; optimizer_state_dict: never };
      const params = ckpt.params.map((t) => t.detach().clone().requiresGrad_(true));
      const opt = build(c, params);
      opt.loadStateDict(ckpt.optimizer_state_dict);
      steps(c, opt, params, K, c.steps.length);
      assertFinal(c, params.map((p) => p.toArray()));
    });
  }
});

interface PyTensor {
  shape: number[];
  dtype: string;
  values: number[];
}

/** The largest |a - b| over two equally long lists. */
function maxAbsDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length, 'same number of values');
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Same keys in the same order, and each tensor's shape, dtype and values exactly equal. */
function assertSameNet(fromPython: Record<string, PyTensor>, ours: Record<string, Tensor>): void {
  assert.deepEqual(Object.keys(fromPython), Object.keys(ours));
  for (const [key, t] of Object.entries(ours)) {
    assert.deepEqual(fromPython[key].shape, t.shape, `${key} shape`);
    assert.equal(fromPython[key].dtype, `torch.${t.dtype}`, `${key} dtype`);
    assert.deepEqual(fromPython[key].values, t.toArray(), `${key} values`);
  }
}

describe('checkpoints: the Trainer checkpoint structure crosses to PyTorch and back', function () {
  this.timeout(300000);
  before(skipWithoutTorch);
  const REQUIRED = ['net', 'optimizer_state_dict', 'epoch', 'acc', 'metrics'];

  it('sg.Trainer ckpt_latest.pth (1 epoch, 200 MNIST images) reads in torch.load; torch.optim.SGD loads its optimizer state and steps as sg-optim does', async () => {
    sg.manualSeed(0);
    const model = new MnistMlp({ hidden: 16 });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-trainer-ckpt-'));
    const trainer = new Trainer({ experimentName: 'interop', ckptRootDir: root });
    await trainer.train({
      model,
      trainingParams: {
        max_epochs: 1,
        initial_lr: 0.05,
        optimizer: 'SGD',
        optimizer_params: { momentum: 0.9, weight_decay: 1e-4 },
        loss: 'CrossEntropyLoss',
        valid_metrics_list: ['Accuracy'],
        silent_mode: true,
      },
      trainLoader: new DataLoader(new MnistDataset({ split: 'train', limit: 200 }), { batch_size: 50, shuffle: true, seed: 0 }),
      validLoader: new DataLoader(new MnistDataset({ split: 'test', limit: 100 }), { batch_size: 100 }),
    });
    const file = path.join(root, 'interop', 'ckpt_latest.pth');
    const ours = load(file) as Record<string, unknown>;
    const py = python({ mode: 'read', checkpoint: file }, 'trainer_checkpoint.py') as {
      keys: string[];
      net: Record<string, PyTensor>;
      epoch: number;
      acc: number;
      metrics: Record<string, number>;
      state_keys: number[];
      momentum_buffers: number[][];
      group_hyperparameters: Array<Record<string, unknown>>;
      after_step: number[][];
    };

    for (const key of REQUIRED) assert.ok(py.keys.includes(key), `torch.load sees '${key}' (keys: ${py.keys.join(', ')})`);
    assertSameNet(py.net, model.stateDict());
    assert.equal(py.epoch, 1);
    assert.equal(typeof py.acc, 'number');
    assert.equal(py.acc, ours.acc);
    assert.equal(py.acc, py.metrics.Accuracy, 'acc is the watched metric, Accuracy');
    assert.ok(py.acc >= 0 && py.acc <= 1, `accuracy ${py.acc}`);
    assert.deepEqual(py.metrics, ours.metrics);

    const opt = trainer.optimizer as SGD;
    const params = model.parameters();
    assert.deepEqual(py.state_keys, params.map((_, i) => i), 'integer state keys, one per parameter');
    params.forEach((p, i) => assert.deepEqual(py.momentum_buffers[i], (opt.state.get(p)!.momentum_buffer as Tensor).toArray(), `momentum_buffer ${i}`));
    assert.deepEqual(py.group_hyperparameters, opt.paramGroups.map(() => ({ lr: 0.05, momentum: 0.9, dampening: 0, weight_decay: 1e-4, nesterov: false })));

    // The same step on both sides (every gradient 1) lands on the same parameters.
    params.forEach((p) => (p.grad = sg.onesLike(p)));
    opt.step();
    params.forEach((p, i) => assert.ok(maxAbsDiff(py.after_step[i], p.toArray()) <= 1e-6, `parameter ${i} after one step: ${maxAbsDiff(py.after_step[i], p.toArray())}`));
  });

  it('a torch.save checkpoint whose net is an nn.Module state_dict (OrderedDict) reads with sg.load into an sg model and an sg SGD', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-py-ckpt-')), 'ckpt.pth');
    const py = python({ mode: 'write', checkpoint: file, hidden: 16 }, 'trainer_checkpoint.py') as {
      net: Record<string, PyTensor>;
      input: number[];
      logits: number[];
      momentum_buffers: number[][];
    };
    const ckpt = load(file) as { net: Record<string, Tensor>; optimizer_state_dict: never; epoch: number; acc: number; metrics: Record<string, number> };
    assert.deepEqual(Object.keys(ckpt).sort(), [...REQUIRED].sort());
    assert.equal(ckpt.epoch, 3);
    assert.equal(ckpt.acc, 0.25);
    assert.deepEqual(ckpt.metrics, { Accuracy: 0.25, loss: 1.5 });
    assertSameNet(py.net, ckpt.net);

    const model = new MnistMlp({ hidden: 16 });
    assert.deepEqual(model.loadStateDict(ckpt.net), { missingKeys: [], unexpectedKeys: [] });
    const logits = (model.eval().call(sg.tensor(py.input, { shape: [2, 1, 28, 28] })) as Tensor).toArray();
    assert.ok(maxAbsDiff(logits, py.logits) <= 1e-5, `logits differ by ${maxAbsDiff(logits, py.logits)}`);

    const opt = createOptimizer('SGD', model.parameters(), { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict(ckpt.optimizer_state_dict);
    model.parameters().forEach((p, i) => assert.deepEqual((opt.state.get(p)!.momentum_buffer as Tensor).toArray(), py.momentum_buffers[i], `momentum_buffer ${i}`));
  });
});
