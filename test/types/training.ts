/**
 * Compile-only: sg.Trainer / sg.training.Trainer with TrainerOptions, TrainArgs and results;
 * training params helpers, losses, metrics, EMA, gradient clipping, checkpoints, simulateLr.
 */
import * as sg from '../../lib';
import { Trainer, training } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

export async function trainer(): Promise<void> {
  const model = new sg.models.LeNet();
  const trainLoader = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'train', limit: 100 }), { batch_size: 10 });
  const validLoader = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'test', limit: 50 }), { batch_size: 50 });
  assertType<Equal<typeof Trainer, typeof training.Trainer>>();
  const options: training.TrainerOptions = { experimentName: 'types', ckptRootDir: null };
  const t = new Trainer(options);
  expectType<string>(t.experimentName);
  expectType<string>(t.ckptRootDir);
  expectType<string>(t.experimentDir);
  const args: training.TrainArgs = {
    model,
    trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntropyLoss', lr_mode: 'cosine', valid_metrics_list: ['Accuracy'] },
    trainLoader,
    validLoader,
  };
  const result: training.TrainResult = await t.train(args);
  expectType<Promise<training.TrainResult>>(t.train({ ...args, validLoader: null }));
  const epoch: training.EpochRecord = result.epochs[0];
  expectType<number>(epoch.epoch + epoch.train_loss + epoch.seconds);
  expectType<number | null>(epoch.valid_loss);
  expectType<Record<string, number>>(epoch.train_metrics);
  expectType<Record<string, number>>(epoch.valid_metrics);
  expectType<Record<string, number>>(epoch.lr);
  expectType<number | null>(result.bestMetric);
  expectType<number | undefined>(result.metrics.Accuracy);
  expectType<sg.optim.Optimizer | null>(t.optimizer);
  expectType<Record<string, unknown> | null>(t.trainingParams);
  expectType<training.ModelEMA | null>(t.ema);
  // Any iterable of [inputs, targets] with a length is a loader.
  const custom: training.BatchLoader = { length: 1, *[Symbol.iterator]() { yield [sg.zeros([1, 784]), sg.tensor([0])] as [sg.Tensor, sg.Tensor]; } };
  expectType<Promise<training.TrainResult>>(t.train({ model: new sg.models.MnistMlp(), trainingParams: {}, trainLoader: custom }));

  // @ts-expect-error experimentName is required
  new Trainer({});
  // @ts-expect-error TrainerOptions is closed: the key is experimentName
  new Trainer({ experiment_name: 'x' });
  // @ts-expect-error ckptRootDir is a string or null
  new Trainer({ experimentName: 'x', ckptRootDir: 1 });
  // @ts-expect-error train takes { model, trainingParams, trainLoader }
  t.train({ model, trainLoader });
  // @ts-expect-error a model needs forward, parameters, stateDict, ...
  t.train({ model: {}, trainingParams: {}, trainLoader });
  // @ts-expect-error a loader yields [inputs, targets]
  t.train({ model, trainingParams: {}, trainLoader: [sg.zeros([1])] });
  // @ts-expect-error train() is asynchronous: its result is a Promise
  const sync: training.TrainResult = t.train(args);
  // @ts-expect-error watchedKey is private
  t.watchedKey;
  void sync;
}

export function params(): void {
  expectType<Readonly<Record<string, unknown>>>(training.DEFAULT_TRAINING_PARAMS);
  expectType<Record<string, unknown>>(training.mergeTrainingParams({ max_epochs: 5, initial_lr: 0.1, loss: 'CrossEntropyLoss' }));
  expectType<Record<string, unknown>>(training.recursiveOverride({ a: { b: 1 } }, { a: { c: 2 } }));
  expectType<void>(training.validateTrainingParams({ max_epochs: 1 }));
  // @ts-expect-error the defaults are read-only
  training.DEFAULT_TRAINING_PARAMS.max_epochs = 3;
  // @ts-expect-error recursiveOverride merges objects
  training.recursiveOverride({}, 'x');
}

export function lossesAndMetrics(): void {
  const out = sg.randn([4, 10]);
  const target = sg.tensor([1, 2, 3, 4]);
  const fn: training.LossFunction = training.createLoss('CrossEntropyLoss', { smooth_eps: 0.1 });
  expectType<sg.Tensor>(fn(out, target));
  expectType<training.LossFunction>(training.createLoss((o: sg.Tensor, t: sg.Tensor) => sg.mseLoss(o, t)));
  expectType<void>(training.registerLoss('mae', () => (o, t) => sg.l1Loss(o, t)));
  expectType<void>(training.registerLoss('mae', () => sg.l1Loss, { override: true }));
  expectType<training.LossFunction>(training.LOSSES.get('mae')({}));
  const top1 = new training.TopKAccuracy(1, 'Accuracy');
  const metric: training.Metric = top1;
  expectType<number>(top1.k);
  expectType<boolean>(top1.greaterIsBetter);
  expectType<void>(metric.update(out, target));
  expectType<void>(metric.reset());
  expectType<number>(metric.compute());
  class Mae implements training.Metric {
    readonly name = 'MAE';
    readonly greaterIsBetter = false;
    reset(): void {}
    update(_output: sg.Tensor, _target: sg.Tensor): void {}
    compute(): number {
      return 0;
    }
  }
  expectType<void>(training.registerMetric('MAE', () => new Mae()));
  expectType<training.Metric[]>(training.createMetrics(['Accuracy', { Top5: {} }, new Mae()], 'valid_metrics_list'));
  expectType<training.Metric>(training.METRICS.get('Accuracy')({}));

  // @ts-expect-error a loss factory returns (output, target) => Tensor
  training.registerLoss('bad', () => 0.5);
  // @ts-expect-error a loss returns a Tensor
  const badLoss: training.LossFunction = () => 0;
  // @ts-expect-error a metric factory returns a Metric
  training.registerMetric('bad', () => ({ name: 'bad' }));
  // @ts-expect-error TopKAccuracy needs k and a name
  new training.TopKAccuracy(1);
  // @ts-expect-error compute returns a number
  const badMetric: training.Metric = { name: 'x', greaterIsBetter: true, reset() {}, update() {}, compute: () => 'x' };
  void [badLoss, badMetric];
}

export function emaClipCheckpoints(): void {
  const model = new sg.models.MnistMlp();
  const emaParams: training.EmaParams = { decay: 0.9999, decay_type: 'threshold', beta: 15 };
  const emaModel: training.EmaModel = model;
  const ema = new training.ModelEMA(model, emaParams);
  expectType<number>(ema.decay + ema.beta);
  expectType<string>(ema.decayType);
  expectType<Record<string, sg.Tensor>>(ema.state);
  expectType<number>(ema.decayAt(10, 100));
  expectType<void>(ema.update(model, 10, 100));
  expectType<number>(ema.withAveragedWeights(model, () => 0.5));
  expectType<number>(training.clipGradNorm(model.parameters(), 1.0));
  const opt = new sg.optim.SGD(model.parameters(), { lr: 0.1 });
  expectType<unknown>(training.optimizerStateForSaving(opt.stateDict()));
  const ckpt: training.Checkpoint = { net: model.stateDict(), acc: null, epoch: 0, optimizer_state_dict: opt.stateDict(), metrics: {}, ema_net: ema.state, extra: 'kept' };
  const dir = new training.CheckpointDir('/tmp/ckpt');
  expectType<string>(dir.dir);
  expectType<void>(dir.ensure());
  expectType<string>(dir.file('ckpt_latest.pth'));
  expectType<void>(dir.write('ckpt_latest.pth', ckpt));
  expectType<training.Checkpoint>(dir.read('ckpt_latest.pth'));

  // @ts-expect-error decay_type is 'constant', 'threshold' or 'exp'
  new training.ModelEMA(model, { decay_type: 'linear' });
  // @ts-expect-error EmaParams is closed
  new training.ModelEMA(model, { decay: 0.99, warmup: 10 });
  // @ts-expect-error clipGradNorm takes Tensors and a number
  training.clipGradNorm(model, 1);
  // @ts-expect-error a checkpoint needs net, acc, epoch, optimizer_state_dict and metrics
  dir.write('x.pth', { net: {} });
  void emaModel;
}

export function simulate(): void {
  const options: training.SimulateOptions = { trainLoaderLen: 10, groups: [{ name: 'default', lr: 0.1 }], net: new sg.models.LeNet() };
  const sim: training.SimulatedLr = training.simulateLr({ max_epochs: 2, initial_lr: 0.1, lr_mode: 'cosine', lr_warmup_epochs: 1 }, options);
  expectType<string[]>(sim.groups);
  expectType<number>(sim.epochs + sim.batchesPerEpoch);
  assertType<Equal<typeof sim.lr, Record<string, Array<Array<number | null>>>>>();
  expectType<number[]>(sim.epochEnd.default);
  const step: { epoch: number; batch: number; lr: Record<string, number> } = sim.steps[0];
  // @ts-expect-error trainLoaderLen is required
  training.simulateLr({ max_epochs: 1 }, {});
  // @ts-expect-error SimulateOptions is closed
  training.simulateLr({}, { trainLoaderLen: 1, batchSize: 64 });
  // @ts-expect-error an LR may be null (no step in that batch)
  const lr: number = sim.lr.default[0][0];
  void [step, lr];
}

/** TrainingParams: derived from the defaults, returned by mergeTrainingParams, fed by recipes. */
export function trainingParamsType(): void {
  const tp: training.TrainingParams = training.mergeTrainingParams({ max_epochs: 5, initial_lr: 0.1, loss: 'CrossEntropyLoss' });
  // Keys with a default have the default's type ...
  expectType<boolean>(tp.resume);
  expectType<string>(tp.ckpt_name);
  expectType<number>(tp.seed + tp.batch_accumulate + tp.lr_warmup_epochs + tp.cosine_final_lr_ratio);
  assertType<Equal<typeof tp.stop_on_non_finite_loss, boolean>>();
  // ... refined where the default (null, [], {}) says little; max_epochs and loss are required.
  assertType<Equal<typeof tp.max_epochs, number>>();
  assertType<Equal<typeof tp.initial_lr, number | Record<string, number> | null>>();
  assertType<Equal<typeof tp.clip_grad_norm, number | null>>();
  assertType<Equal<typeof tp.lr_updates, number[]>>();
  expectType<string | sg.optim.OptimizerClass | sg.optim.Optimizer>(tp.optimizer);
  expectType<training.EmaParams>(tp.ema_params);
  // Keys the library does not know (a model's multiply_backbone_lr) are there, as unknown.
  assertType<Equal<typeof tp.multiply_backbone_lr, unknown>>();
  // Still a record: what callbacks, LR callbacks and models take.
  expectType<Record<string, unknown>>(tp);
  const ctx: training.PhaseContext = { epoch: 0, batchIdx: null, optimizer: { paramGroups: [] }, metrics: {}, lrWarmupEpochs: 0, trainingParams: tp, trainLoaderLen: 1 };
  // The defaults are TrainingParams once max_epochs and loss are given.
  const full: training.TrainingParams = { ...training.DEFAULT_TRAINING_PARAMS, max_epochs: 1, loss: 'CrossEntropyLoss' };
  expectType<training.TrainingParamDefaults['ckpt_best_name']>('ckpt_best.pth');

  // A recipe's training_hyperparams (a record) is accepted by train() and simulateLr ...
  const fromRecipe: Record<string, unknown> = sg.recipes.loadRecipe('training_hyperparams/mnist_train_params');
  const input: training.TrainingParamsInput = fromRecipe;
  expectType<training.SimulatedLr>(training.simulateLr(input, { trainLoaderLen: 10 }));
  const args: training.TrainArgs = { model: new sg.models.LeNet(), trainingParams: fromRecipe, trainLoader: { length: 1, *[Symbol.iterator]() {} } };
  // ... and so is a Partial<TrainingParams>, so editors complete the keys.
  const partial: Partial<training.TrainingParams> = { max_epochs: 2, lr_mode: 'cosine', clip_grad_norm: 1 };
  expectType<training.TrainingParamsInput>(partial);
  expectType<training.TrainingParams>(training.mergeTrainingParams(partial));

  // @ts-expect-error a merged max_epochs is a number
  const s: string = tp.max_epochs;
  // @ts-expect-error max_epochs is required in TrainingParams
  const noEpochs: training.TrainingParams = { ...training.DEFAULT_TRAINING_PARAMS, loss: 'CrossEntropyLoss' };
  // @ts-expect-error a Partial<TrainingParams> checks its values' types
  const badPartial: Partial<training.TrainingParams> = { clip_grad_norm: 'x' };
  // @ts-expect-error simulateLr's validLoaderLen is a number or null
  training.simulateLr({}, { trainLoaderLen: 1, validLoaderLen: '2' });
  void [ctx, full, args, s, noEpochs, badPartial];
}
