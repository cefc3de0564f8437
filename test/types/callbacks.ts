/**
 * Compile-only: sg.training's callback mechanism — Phase, PHASE_EVENTS, EventName, Callback and
 * PhaseCallback subclasses, CallbackHandler, PhaseContext, and the callbacks registry
 * (registerCallback as a call and as a decorator, createCallback(s), listCallbacks).
 */
import * as sg from '../../lib';
import { training } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

/** A user callback: overrides one event, reads and edits the context. */
class LogLoss extends training.Callback {
  readonly seen: number[] = [];
  constructor(readonly params: Record<string, unknown> = {}) {
    super();
  }
  override onTrainBatchEnd(ctx: training.PhaseContext): void {
    if (ctx.loss !== undefined) this.seen.push(ctx.loss);
    ctx.optimizer.paramGroups[0].lr = 0.01;
  }
}

/** A phase callback: call() runs on its phase's event. */
class AtEpochEnd extends training.PhaseCallback {
  constructor() {
    super(training.Phase.TRAIN_EPOCH_END);
  }
  call(ctx: training.PhaseContext): void {
    void [ctx.epoch, ctx.batchIdx, ctx.metrics, ctx.lrWarmupEpochs, ctx.trainingParams, ctx.trainLoaderLen, ctx.net];
  }
}

export function callbacks(): void {
  const phases: training.Phase[] = [
    training.Phase.PRE_TRAINING, training.Phase.TRAIN_EPOCH_START, training.Phase.TRAIN_BATCH_END, training.Phase.TRAIN_BATCH_STEP,
    training.Phase.TRAIN_EPOCH_END, training.Phase.VALIDATION_EPOCH_START, training.Phase.VALIDATION_BATCH_END,
    training.Phase.VALIDATION_EPOCH_END, training.Phase.TEST_BATCH_END, training.Phase.TEST_END, training.Phase.POST_TRAINING,
  ];
  const event: training.EventName = training.PHASE_EVENTS[training.Phase.TRAIN_BATCH_END];
  assertType<Equal<typeof training.PHASE_EVENTS, Record<training.Phase, training.EventName>>>();
  const ctx: training.PhaseContext = {
    epoch: 0,
    batchIdx: null,
    optimizer: { paramGroups: [{ lr: 0.1, name: 'default' }] },
    metrics: {},
    lrWarmupEpochs: 0,
    trainingParams: {},
    trainLoaderLen: 10,
    custom: 'callbacks may add keys',
  };
  const group: training.LrParamGroup = ctx.optimizer.paramGroups[0];
  const handler = new training.CallbackHandler([new LogLoss(), new AtEpochEnd()]);
  expectType<training.Callback[]>(handler.callbacks);
  const names: training.EventName[] = ['onTrainingStart', 'onTrainLoaderStart', 'onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchGradientStepStart', 'onTrainBatchGradientStepEnd', 'onTrainBatchEnd', 'onTrainLoaderEnd', 'onValidationLoaderStart', 'onValidationBatchEnd', 'onValidationLoaderEnd', 'onTestLoaderStart', 'onTestBatchEnd', 'onTestLoaderEnd', 'onTrainingEnd'];
  for (const name of names) expectType<void>(handler[name](ctx));
  expectType<training.Phase>(new AtEpochEnd().phase);
  void [phases, event, group];

  // @ts-expect-error not a Phase
  new AtEpochEnd().call('TRAIN_EPOCH_END');
  // @ts-expect-error a phase is a Phase member, not a string
  const p: training.Phase = 'TRAIN_EPOCH_END';
  // @ts-expect-error no such event
  const e: training.EventName = 'onEpochEnd';
  // @ts-expect-error PhaseCallback is abstract
  new training.PhaseCallback(training.Phase.POST_TRAINING);
  // @ts-expect-error a PhaseContext needs epoch, metrics, ...
  const partial: training.PhaseContext = { epoch: 0 };
  // @ts-expect-error CallbackHandler takes callbacks
  new training.CallbackHandler([() => undefined]);
  // @ts-expect-error events take the context
  handler.onTrainingStart();
  void [p, e, partial];
}

export function registry(): void {
  expectType<typeof LogLoss>(training.registerCallback('LogLoss', LogLoss));
  expectType<typeof LogLoss>(training.registerCallback('LogLoss', LogLoss, { override: true }));
  @training.registerCallback('EpochEndDecorated')
  class EpochEndDecorated extends AtEpochEnd {}
  @training.registerCallback()
  class Bare extends training.Callback {}
  const cls: training.CallbackClass = LogLoss;
  expectType<string[]>(training.listCallbacks());
  expectType<training.Callback>(training.createCallback('LogLoss'));
  expectType<training.Callback>(training.createCallback({ LogLoss: { every: 10 } }, 'phase_callbacks[0]'));
  expectType<training.Callback>(training.createCallback(new LogLoss()));
  expectType<training.Callback[]>(training.createCallbacks(['LogLoss', new Bare()]));
  expectType<training.CallbackClass>(training.CALLBACKS.get('LogLoss'));
  expectType<boolean>(training.CALLBACKS.has('LogLoss'));
  void [EpochEndDecorated, cls];
  // @ts-expect-error the registry holds callback classes
  training.CALLBACKS.register('x', LogLoss.prototype);
  // @ts-expect-error a CallbackClass builds a Callback
  const notCallback: training.CallbackClass = sg.nn.ReLU;
  void notCallback;
}
