/**
 * `ema: true` through the Trainer: the checkpoint's ema_net is SG's moving average of the weights
 * after every optimizer step (recomputed here in plain JavaScript from SG's decay schedules,
 * ema_decay_schedules.py), validation runs on it, and resume continues from it.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import { load } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Callback, Trainer } from '../../lib/training';

type Weights = Record<string, number[]>;
const flat = (t: sg.Tensor): number[] => [t.toArray()].flat(Infinity) as number[];
const weightsOf = (sd: Record<string, sg.Tensor>): Weights => Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, flat(v)]));

/** SG's decay functions: ConstantDecay, ThresholdDecay, ExpDecay(beta). */
const decayAt = (type: string, decay: number, beta: number, step: number, total: number): number =>
  type === 'constant' ? decay : type === 'threshold' ? Math.min(decay, (1 + step) / (10 + step)) : decay * (1 - Math.exp(-(step / total) * beta));

/** ema ← ema·d + (1 − d)·w for every recorded step, starting from `start`. */
function expectedEma(start: Weights, steps: Array<{ step: number; weights: Weights }>, d: (step: number) => number): Weights {
  const ema: Weights = Object.fromEntries(Object.entries(start).map(([k, v]) => [k, [...v]]));
  for (const { step, weights } of steps) {
    const dk = d(step);
    for (const k of Object.keys(ema)) ema[k] = ema[k].map((e, i) => e * dk + (1 - dk) * weights[k][i]);
  }
  return ema;
}

function assertClose(actual: Weights, expected: Weights, what: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), what);
  for (const k of Object.keys(expected)) {
    expected[k].forEach((e, i) => assert.ok(Math.abs(actual[k][i] - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${what} ${k}[${i}]: ${actual[k][i]} vs ${e}`));
  }
}

function maxDiff(a: Weights, b: Weights): number {
  return Math.max(...Object.keys(a).flatMap((k) => a[k].map((x, i) => Math.abs(x - b[k][i]))));
}

/** Records the trained weights after each optimizer step and the weights validation sees. */
class Recorder extends Callback {
  steps: Array<{ step: number; weights: Weights }> = [];
  validated: Weights[] = [];
  constructor(private readonly model: nn.Module, private readonly L: number) {
    super();
  }
  // The Trainer updates the EMA between optimizer.step() and this event.
  override onTrainBatchGradientStepEnd(ctx: { epoch: number; batchIdx: number | null }): void {
    this.steps.push({ step: (ctx.batchIdx as number) + 1 + this.L * ctx.epoch, weights: weightsOf(this.model.stateDict()) });
  }
  override onValidationLoaderStart(): void {
    this.validated.push(weightsOf(this.model.stateDict()));
  }
}

const L = 3;
const loader = () => {
  sg.manualSeed(0);
  return new DataLoader(new TensorDataset(sg.randn([24, 6]), sg.randint(0, 4, [24])), { batch_size: 8 });
};

describe('Trainer: ema: true (SG ModelEMA)', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ema-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const cases: Array<{ decay_type: string; decay: number; beta?: number }> = [
    { decay_type: 'constant', decay: 0.8 },
    { decay_type: 'threshold', decay: 0.9 },
    { decay_type: 'exp', decay: 0.95, beta: 3 },
  ];
  for (const emaParams of cases) {
    it(`${emaParams.decay_type}: ema_net in the checkpoint is SG's average, validation uses it, resume continues from it`, async () => {
      sg.manualSeed(5);
      const model = new nn.Sequential(new nn.Linear(6, 4));
      const init = weightsOf(model.stateDict());
      const recorder = new Recorder(model, L);
      const name = `ema_${emaParams.decay_type}`;
      const params = (maxEpochs: number, extra: Record<string, unknown> = {}) => ({
        max_epochs: maxEpochs,
        initial_lr: 0.5,
        optimizer: 'SGD',
        optimizer_params: { momentum: 0, weight_decay: 0 },
        loss: 'CrossEntropyLoss',
        valid_metrics_list: ['Accuracy'],
        ema: true,
        ema_params: emaParams,
        phase_callbacks: [recorder],
        silent_mode: true,
        ...extra,
      });
      const trainer = new Trainer({ experimentName: name, ckptRootDir: root });
      await trainer.train({ model, trainingParams: params(2), trainLoader: loader(), validLoader: loader() });

      const beta = emaParams.beta ?? 15;
      // total_steps = L · max_epochs of the run that made the step.
      const d = (total: number) => (step: number) => decayAt(emaParams.decay_type, emaParams.decay, beta, step, total);
      assert.deepEqual(recorder.steps.map((s) => s.step), [1, 2, 3, 4, 5, 6]);
      const ckpt = load(path.join(root, name, 'ckpt_latest.pth')) as { net: Record<string, sg.Tensor>; ema_net: Record<string, sg.Tensor>; epoch: number };
      const net = weightsOf(ckpt.net);
      const emaNet = weightsOf(ckpt.ema_net);
      const expected = expectedEma(init, recorder.steps, d(2 * L));
      assertClose(emaNet, expected, 'ckpt_latest ema_net');
      assertClose(net, recorder.steps[5].weights, 'ckpt_latest net is the trained weights');
      assert.ok(maxDiff(emaNet, net) > 1e-3, `ema_net must differ from net (max diff ${maxDiff(emaNet, net)})`);

      // Each epoch validated on the average after that epoch's steps, and the trained weights came back.
      assert.equal(recorder.validated.length, 2);
      assertClose(recorder.validated[0], expectedEma(init, recorder.steps.slice(0, 3), d(2 * L)), 'epoch 0 validation weights');
      assertClose(recorder.validated[1], expected, 'epoch 1 validation weights');
      assertClose(weightsOf(model.stateDict()), net, 'the model keeps the trained weights after validation');

      // Resume for a third epoch: the average continues from the checkpoint's ema_net.
      recorder.steps = [];
      await trainer.train({ model, trainingParams: params(3, { resume: true }), trainLoader: loader(), validLoader: loader() });
      assert.deepEqual(recorder.steps.map((s) => s.step), [7, 8, 9]);
      const resumed = weightsOf((load(path.join(root, name, 'ckpt_latest.pth')) as { ema_net: Record<string, sg.Tensor> }).ema_net);
      const continued = expectedEma(emaNet, recorder.steps, d(3 * L));
      assertClose(resumed, continued, 'resumed ema_net');
      // A fresh average (from the resumed net) would be measurably different: the check has teeth.
      const fresh = expectedEma(net, recorder.steps, d(3 * L));
      assert.ok(maxDiff(fresh, continued) > 1e-4, `restored and fresh EMA must differ (${maxDiff(fresh, continued)})`);
    });
  }
});
