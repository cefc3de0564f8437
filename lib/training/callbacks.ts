/**
 * SuperGradients' callback mechanism: Phase names, the events the Trainer fires (camelCase
 * versions of SG's), PhaseCallback mapping a phase to its event, and a handler that forwards
 * every event to every callback in list order.
 */

/** A param group as the LR callbacks see it. */
export interface LrParamGroup {
  lr?: number;
  name?: string;
  [key: string]: unknown;
}

/** What callbacks may read and change (SG's PhaseContext). */
export interface PhaseContext {
  epoch: number;
  batchIdx: number | null;
  optimizer: { paramGroups: LrParamGroup[] };
  net?: unknown;
  metrics: Record<string, number>;
  lrWarmupEpochs: number;
  trainingParams: Record<string, unknown>;
  trainLoaderLen: number;
  loss?: number;
  [key: string]: unknown;
}

export enum Phase {
  PRE_TRAINING = 'PRE_TRAINING',
  TRAIN_EPOCH_START = 'TRAIN_EPOCH_START',
  TRAIN_BATCH_END = 'TRAIN_BATCH_END',
  TRAIN_BATCH_STEP = 'TRAIN_BATCH_STEP',
  TRAIN_EPOCH_END = 'TRAIN_EPOCH_END',
  VALIDATION_EPOCH_START = 'VALIDATION_EPOCH_START',
  VALIDATION_BATCH_END = 'VALIDATION_BATCH_END',
  VALIDATION_EPOCH_END = 'VALIDATION_EPOCH_END',
  TEST_BATCH_END = 'TEST_BATCH_END',
  TEST_END = 'TEST_END',
  POST_TRAINING = 'POST_TRAINING',
}

export type EventName =
  | 'onTrainingStart'
  | 'onTrainLoaderStart'
  | 'onTrainBatchStart'
  | 'onTrainBatchLossEnd'
  | 'onTrainBatchBackwardEnd'
  | 'onTrainBatchGradientStepStart'
  | 'onTrainBatchGradientStepEnd'
  | 'onTrainBatchEnd'
  | 'onTrainLoaderEnd'
  | 'onValidationLoaderStart'
  | 'onValidationBatchEnd'
  | 'onValidationLoaderEnd'
  | 'onTestLoaderStart'
  | 'onTestBatchEnd'
  | 'onTestLoaderEnd'
  | 'onTrainingEnd';

/** The event of each phase, as SG's PhaseCallback maps them. */
export const PHASE_EVENTS: Record<Phase, EventName> = {
  [Phase.PRE_TRAINING]: 'onTrainingStart',
  [Phase.TRAIN_EPOCH_START]: 'onTrainLoaderStart',
  [Phase.TRAIN_BATCH_END]: 'onTrainBatchLossEnd',
  [Phase.TRAIN_BATCH_STEP]: 'onTrainBatchGradientStepEnd',
  [Phase.TRAIN_EPOCH_END]: 'onTrainLoaderEnd',
  [Phase.VALIDATION_EPOCH_START]: 'onValidationLoaderStart',
  [Phase.VALIDATION_BATCH_END]: 'onValidationBatchEnd',
  [Phase.VALIDATION_EPOCH_END]: 'onValidationLoaderEnd',
  [Phase.TEST_BATCH_END]: 'onTestBatchEnd',
  [Phase.TEST_END]: 'onTestLoaderEnd',
  [Phase.POST_TRAINING]: 'onTrainingEnd',
};

/** Base of every callback: each event is a no-op unless overridden. */
export class Callback {
  onTrainingStart(_ctx: PhaseContext): void {}
  onTrainLoaderStart(_ctx: PhaseContext): void {}
  onTrainBatchStart(_ctx: PhaseContext): void {}
  onTrainBatchLossEnd(_ctx: PhaseContext): void {}
  onTrainBatchBackwardEnd(_ctx: PhaseContext): void {}
  onTrainBatchGradientStepStart(_ctx: PhaseContext): void {}
  onTrainBatchGradientStepEnd(_ctx: PhaseContext): void {}
  onTrainBatchEnd(_ctx: PhaseContext): void {}
  onTrainLoaderEnd(_ctx: PhaseContext): void {}
  onValidationLoaderStart(_ctx: PhaseContext): void {}
  onValidationBatchEnd(_ctx: PhaseContext): void {}
  onValidationLoaderEnd(_ctx: PhaseContext): void {}
  onTestLoaderStart(_ctx: PhaseContext): void {}
  onTestBatchEnd(_ctx: PhaseContext): void {}
  onTestLoaderEnd(_ctx: PhaseContext): void {}
  onTrainingEnd(_ctx: PhaseContext): void {}
}

/** A callback that runs `call(ctx)` on the event of one phase. */
export abstract class PhaseCallback extends Callback {
  constructor(readonly phase: Phase) {
    super();
    if (!(phase in PHASE_EVENTS)) throw new RangeError(`unknown phase '${String(phase)}'; known: ${Object.keys(PHASE_EVENTS).join(', ')}`);
    const event = PHASE_EVENTS[phase];
    (this as unknown as Record<string, (ctx: PhaseContext) => void>)[event] = (ctx: PhaseContext) => this.call(ctx);
  }

  abstract call(ctx: PhaseContext): void;
}

/** Forwards every event to each callback, in list order. */
export class CallbackHandler extends Callback {
  constructor(readonly callbacks: Callback[]) {
    super();
    const events: EventName[] = Object.getOwnPropertyNames(Callback.prototype).filter((n) => n.startsWith('on')) as EventName[];
    for (const event of events) {
      (this as unknown as Record<string, (ctx: PhaseContext) => void>)[event] = (ctx: PhaseContext) => {
        for (const cb of this.callbacks) {
          const fn = (cb as unknown as Record<string, unknown>)[event];
          if (typeof fn === 'function') fn.call(cb, ctx);
        }
      };
    }
  }
}
