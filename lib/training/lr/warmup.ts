/** The warm-ups of spec §10.4: per epoch (before the epoch) and per batch (before the step). */
import { isPlainObject, typeError } from '../../errors';
import { Phase, PhaseContext } from '../callbacks';
import { LRCallbackBase, LrCallbackArgs } from './base';

/** numpy.linspace(start, stop, num) with its endpoint and arithmetic. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** warmup_initial_lr per group: a number for all, a mapping per group, or `fallback`. */
function initialWarmupLr(args: LrCallbackArgs, names: string[], fallback: ((name: string) => number) | null): Record<string, number> {
  const w0 = args.trainingParams.warmup_initial_lr;
  const out: Record<string, number> = {};
  for (const name of names) {
    if (typeof w0 === 'number') out[name] = w0;
    else if (isPlainObject(w0)) {
      if (typeof w0[name] !== 'number') throw typeError(`training_params.warmup_initial_lr.${name}`, 'a number', w0[name]);
      out[name] = w0[name] as number;
    } else if ((w0 === null || w0 === undefined) && fallback) out[name] = fallback(name);
    else throw new TypeError('Warmup initial lr expected to be of type float or Mapping.');
  }
  return out;
}

/** Linear warm-up over lr_warmup_epochs, at the start of each epoch (SG's LinearEpochLRWarmup). */
export class LinearEpochLRWarmup extends LRCallbackBase {
  readonly warmupEpochs: number;
  readonly warmupInitialLr: Record<string, number>;
  readonly stepSize: Record<string, number>;

  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_EPOCH_START, args);
    this.warmupEpochs = (args.trainingParams.lr_warmup_epochs as number) ?? 0;
    const W = this.warmupEpochs;
    this.warmupInitialLr = initialWarmupLr(args, Object.keys(this.initialLr), (k) => this.initialLr[k] / (W + 1));
    this.stepSize = Object.fromEntries(Object.keys(this.initialLr).map((k) => [k, W > 0 ? (this.initialLr[k] - this.warmupInitialLr[k]) / W : 0]));
  }

  isLrSchedulingEnabled(ctx: PhaseContext): boolean {
    return this.warmupEpochs > 0 && ctx.epoch <= this.warmupEpochs;
  }

  performScheduling(ctx: PhaseContext): void {
    for (const k of Object.keys(this.lr)) this.lr[k] = this.warmupInitialLr[k] + ctx.epoch * this.stepSize[k];
    this.updateLr(ctx.optimizer, ctx.epoch, null);
  }
}

/** Linear warm-up over the first lr_warmup_steps batches, before each step (SG's LinearBatchLRWarmup). */
export class LinearBatchLRWarmup extends LRCallbackBase {
  readonly warmupSteps: number;
  readonly table: Record<string, number[]>;

  constructor(args: LrCallbackArgs) {
    // Runs on onTrainBatchStart (below), which no Phase names; TRAIN_EPOCH_START is a harmless placeholder.
    super(Phase.TRAIN_EPOCH_START, args);
    this.onTrainLoaderStart = () => undefined;
    const S = (args.trainingParams.lr_warmup_steps as number) ?? 0;
    if (S > args.trainLoaderLen) {
      process.emitWarning(`lr_warmup_steps (${S}) is larger than the number of batches per epoch (${args.trainLoaderLen}); the warm-up stops after one epoch`);
    }
    this.warmupSteps = Math.min(S, args.trainLoaderLen);
    const w0 = initialWarmupLr(args, Object.keys(this.initialLr), null);
    this.table = Object.fromEntries(Object.keys(this.initialLr).map((k) => [k, linspace(w0[k], this.initialLr[k], this.warmupSteps)]));
  }

  override onTrainBatchStart(ctx: PhaseContext): void {
    this.call(ctx);
  }

  isLrSchedulingEnabled(ctx: PhaseContext): boolean {
    return (ctx.batchIdx ?? 0) + ctx.epoch * this.trainLoaderLen < this.warmupSteps;
  }

  performScheduling(ctx: PhaseContext): void {
    const g = (ctx.batchIdx ?? 0) + ctx.epoch * this.trainLoaderLen;
    for (const k of Object.keys(this.lr)) this.lr[k] = this.table[k][g];
    this.updateLr(ctx.optimizer, ctx.epoch, ctx.batchIdx);
  }
}
