/**
 * Compile-only: LR schedules — SuperGradients' LR callbacks (warm-ups and schedulers, and user
 * subclasses of LRCallbackBase), their registries and factory, PyTorch-style schedulers
 * (StepLR ... ReduceLROnPlateau, TORCH_SCHEDULERS, createTorchScheduler) and LRSchedulerCallback.
 */
import * as sg from '../../lib';
import { training } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

/** A user LR schedule: halves the LR every epoch. */
class Halving extends training.LRCallbackBase {
  constructor(args: training.LrCallbackArgs) {
    super(training.Phase.TRAIN_EPOCH_END, args);
  }
  isLrSchedulingEnabled(ctx: training.PhaseContext): boolean {
    return ctx.epoch > 0;
  }
  performScheduling(ctx: training.PhaseContext): void {
    for (const name of Object.keys(this.initialLr)) this.lr[name] = this.initialLr[name] * 0.5 ** ctx.epoch;
    this.updateLr(ctx.optimizer, ctx.epoch, ctx.batchIdx);
  }
}

export function sgSchedules(ctx: training.PhaseContext): void {
  const args: training.LrCallbackArgs = { initialLr: { default: 0.1, 'backbone.': 0.01 }, trainLoaderLen: 100, trainingParams: { max_epochs: 10, lr_updates: [5], lr_decay_factor: 0.1 }, net: undefined };
  const simple: training.LrCallbackArgs = { initialLr: 0.1, trainLoaderLen: 100, trainingParams: {} };
  const all: training.LRCallbackBase[] = [
    new training.LinearEpochLRWarmup(args),
    new training.LinearBatchLRWarmup(simple),
    new training.StepLRScheduler(args),
    new training.ExponentialLRScheduler(args),
    new training.PolyLRScheduler(args),
    new training.CosineLRScheduler(args),
    new training.FunctionLRScheduler(args),
    new Halving(args),
  ];
  const cb = all[0];
  expectType<Record<string, number>>(cb.initialLr);
  expectType<Record<string, number>>(cb.lr);
  expectType<number>(cb.trainLoaderLen);
  expectType<Record<string, unknown>>(cb.trainingParams);
  expectType<void>(cb.call(ctx));
  expectType<boolean>(cb.isLrSchedulingEnabled(ctx));
  expectType<void>(cb.performScheduling(ctx));
  expectType<void>(cb.updateLr(new sg.optim.SGD([sg.zeros([1])]), 0, null));
  expectType<training.Phase>(cb.phase);
  expectType<number>(training.CosineLRScheduler.computeLearningRate(10, 100, 0.1, 0.01));
  expectType<number>(new training.CosineLRScheduler(args).S);
  expectType<number[]>(new training.StepLRScheduler(args).lrUpdates);
  expectType<number>(new training.LinearEpochLRWarmup(args).warmupEpochs);
  expectType<Record<string, number[]>>(new training.LinearBatchLRWarmup(args).table);
  expectType<number>(new training.FunctionLRScheduler(args).fn({ initial_lr: 0.1, epoch: 0, iter: 0, max_epoch: 1, iters_per_epoch: 1 }));
  expectType<number[]>(training.linspace(0, 1, 5));

  // Registries and the factory the Trainer uses.
  const cls: training.LrCallbackClass = Halving;
  expectType<void>(training.registerLrScheduler('halving', Halving));
  expectType<void>(training.registerWarmup('halving_warmup', Halving, { override: true }));
  expectType<training.LrCallbackClass>(training.resolveWarmup('LinearEpochLRWarmup'));
  expectType<training.LrCallbackClass>(training.resolveWarmup(Halving));
  expectType<training.LrCallbackClass>(training.LR_SCHEDULERS.get('cosine'));
  expectType<string[]>(training.LR_WARMUPS.names());
  const lrArgs: training.LrCallbacksArgs = { trainingParams: { lr_mode: 'cosine' }, trainLoaderLen: 10, optimizer: new sg.optim.SGD([sg.zeros([1])]) };
  const built: { warmup: training.Callback; scheduler: training.Callback | null } = training.createLrCallbacks(lrArgs);
  void [all, cls, built];

  // @ts-expect-error LRCallbackBase is abstract
  new training.LRCallbackBase(training.Phase.TRAIN_EPOCH_END, args);
  // @ts-expect-error initialLr is a number or a name → number mapping
  new training.CosineLRScheduler({ initialLr: '0.1', trainLoaderLen: 1, trainingParams: {} });
  // @ts-expect-error trainLoaderLen is required
  new training.StepLRScheduler({ initialLr: 0.1, trainingParams: {} });
  // @ts-expect-error LrCallbackArgs is closed
  new training.PolyLRScheduler({ initialLr: 0.1, trainLoaderLen: 1, trainingParams: {}, maxEpochs: 3 });
  // @ts-expect-error a scheduler class builds an LRCallbackBase
  training.registerLrScheduler('bad', training.Callback);
  // @ts-expect-error lr values are numbers
  cb.lr.default = '0.1';
}

export function torchSchedulers(): void {
  const opt = new sg.optim.SGD([sg.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  const all: training.TorchScheduler[] = [
    new training.StepLR(opt, { step_size: 2, gamma: 0.5 }),
    new training.MultiStepLR(opt, { milestones: [3, 6], gamma: 0.1 }),
    new training.ConstantLR(opt, { factor: 0.5, total_iters: 3 }),
    new training.LinearLR(opt, { start_factor: 0.1, end_factor: 1, total_iters: 5 }),
    new training.ExponentialLR(opt, { gamma: 0.9 }),
    new training.CosineAnnealingLR(opt, { T_max: 10, eta_min: 0 }),
    new training.CosineAnnealingWarmRestarts(opt, { T_0: 5, T_mult: 2 }),
    new training.LambdaLR(opt, { lr_lambda: (epoch: number) => 0.95 ** epoch }),
    new training.CyclicLR(opt, { base_lr: 0.01, max_lr: 0.1, step_size_up: 4 }),
  ];
  const s = all[0];
  expectType<void>(s.step());
  expectType<number>(s.lastEpoch);
  expectType<number[]>(s.baseLrs);
  expectType<number[]>(s.lastLr);
  expectType<Record<string, unknown>>(s.stateDict());
  expectType<void>(s.loadStateDict(s.stateDict()));
  expectType<{ paramGroups: training.LrParamGroup[] }>(s.optimizer);
  expectType<number>(new training.StepLR(opt, {}).stepSize);
  expectType<Map<number, number>>(new training.MultiStepLR(opt, {}).milestones);
  expectType<number>(new training.CosineAnnealingWarmRestarts(opt, {}).tCur);
  const plateau = new training.ReduceLROnPlateau(opt, { mode: 'max', factor: 0.5, patience: 2 });
  expectType<void>(plateau.step(0.93));
  assertType<Equal<typeof plateau.mode, 'min' | 'max'>>();
  assertType<Equal<typeof plateau.thresholdMode, 'rel' | 'abs'>>();
  expectType<number>(plateau.best + plateau.numBadEpochs + plateau.cooldownCounter);
  // Schedulers also drive any { paramGroups } object.
  expectType<training.StepLR>(new training.StepLR({ paramGroups: [{ lr: 0.1 }] }, { step_size: 1 }));
  const made = training.createTorchScheduler({ ReduceLROnPlateau: { mode: 'max', phase: 'VALIDATION_EPOCH_END', metric_name: 'Accuracy' } }, opt);
  expectType<string>(made.name);
  expectType<string | undefined>(made.metricName);
  expectType<void>(made.scheduler.step(1));
  expectType<string[]>(Object.keys(training.TORCH_SCHEDULERS));
  const viaRegistry = new training.TORCH_SCHEDULERS.StepLR(opt, { step_size: 1 });
  const cb = new training.LRSchedulerCallback(plateau, training.Phase.VALIDATION_EPOCH_END, 'Accuracy');
  expectType<training.Callback>(cb);
  expectType<string | null>(cb.metricName);
  expectType<training.Phase>(cb.phase);
  expectType<void>(cb.call({ epoch: 0, batchIdx: null, optimizer: opt, metrics: { Accuracy: 0.9 }, lrWarmupEpochs: 0, trainingParams: {}, trainLoaderLen: 1 }));
  expectType<unknown>(cb.stateDict());
  expectType<void>(new training.LRSchedulerCallback(all[1], training.Phase.TRAIN_EPOCH_END).loadStateDict({}));
  void viaRegistry;

  // @ts-expect-error TorchScheduler is abstract
  new training.TorchScheduler(opt);
  // @ts-expect-error a scheduler drives an optimizer (or { paramGroups })
  new training.StepLR(sg.zeros([1]), { step_size: 1 });
  // @ts-expect-error kwargs are an object
  new training.ExponentialLR(opt, 0.9);
  // @ts-expect-error the metric is a number
  plateau.step('0.9');
  // @ts-expect-error a phase is a Phase
  new training.LRSchedulerCallback(plateau, 'VALIDATION_EPOCH_END');
  // @ts-expect-error getLr is protected
  all[0].getLr();
}
