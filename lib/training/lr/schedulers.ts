/** SG's LR schedulers with the formulas and timing of spec §10.4. */
import { Phase, PhaseContext } from '../callbacks';
import { LRCallbackBase, LrCallbackArgs } from './base';

/** Common quantities: W, E, C, L, A. */
abstract class ScheduledLR extends LRCallbackBase {
  get W(): number {
    return (this.trainingParams.lr_warmup_epochs as number) ?? 0;
  }
  get E(): number {
    return this.trainingParams.max_epochs as number;
  }
  get C(): number {
    return (this.trainingParams.lr_cooldown_epochs as number) ?? 0;
  }
  get L(): number {
    return this.trainLoaderLen;
  }

  /** Per-step schedulers run between warm-up and cool-down. */
  isLrSchedulingEnabled(ctx: PhaseContext): boolean {
    return this.W <= ctx.epoch && ctx.epoch < this.E - this.C;
  }

  protected apply(ctx: PhaseContext, f: (initial: number) => number): void {
    for (const k of Object.keys(this.lr)) this.lr[k] = f(this.initialLr[k]);
    this.updateLr(ctx.optimizer, ctx.epoch, ctx.batchIdx);
  }
}

/** Multiplies by lr_decay_factor after each milestone epoch (at the epoch's end). */
export class StepLRScheduler extends ScheduledLR {
  readonly lrUpdates: number[];
  readonly factor: number;

  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_EPOCH_END, args);
    const tp = args.trainingParams;
    const updates = (tp.lr_updates as number[] | null) ?? [];
    const freq = tp.step_lr_update_freq as number | null;
    this.factor = tp.lr_decay_factor as number;
    if (updates.length > 0 && freq) throw new RangeError('Only one of [lr_updates, step_lr_update_freq] should be passed to StepLRScheduler');
    if (updates.length === 0 && !freq) throw new RangeError('At least one of [lr_updates, step_lr_update_freq] should be passed to StepLRScheduler');
    if (freq) {
      const out: number[] = [];
      for (let x = 1; x < this.E - this.C; x++) {
        const u = Math.ceil(freq * x);
        if (this.W <= u && u < this.E - this.C) out.push(u);
      }
      this.lrUpdates = out;
    } else {
      if (this.C > 0) process.emitWarning('lr_cooldown_epochs is ignored by StepLRScheduler when lr_updates is given');
      this.lrUpdates = [...updates];
    }
  }

  override isLrSchedulingEnabled(ctx: PhaseContext): boolean {
    return this.W <= ctx.epoch;
  }

  performScheduling(ctx: PhaseContext): void {
    const passed = this.lrUpdates.filter((u) => u <= ctx.epoch).length;
    for (const k of Object.keys(this.lr)) this.lr[k] = this.initialLr[k] * this.factor ** passed;
    this.updateLr(ctx.optimizer, ctx.epoch, null);
  }
}

/** Smooth per-step decay: I · factor ^ (steps since warm-up / L). */
export class ExponentialLRScheduler extends ScheduledLR {
  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_BATCH_STEP, args);
  }
  performScheduling(ctx: PhaseContext): void {
    const factor = this.trainingParams.lr_decay_factor as number;
    const b = ctx.batchIdx ?? 0;
    this.apply(ctx, (I) => I * factor ** (((ctx.epoch - this.W) * this.L + b) / this.L));
  }
}

/** I · (1 − cur/max)^0.9 with cur, max in optimizer steps (batch_accumulate-aware). */
export class PolyLRScheduler extends ScheduledLR {
  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_BATCH_STEP, args);
  }
  performScheduling(ctx: PhaseContext): void {
    const A = (this.trainingParams.batch_accumulate as number) ?? 1;
    const cur = (this.L * (ctx.epoch - this.W) + (ctx.batchIdx ?? 0)) / A;
    const max = (this.L * (this.E - this.W - this.C)) / A;
    this.apply(ctx, (I) => I * (1 - cur / max) ** 0.9);
  }
}

/** Cosine from I to I·cosine_final_lr_ratio over the scheduled steps (SG's T+1 denominator). */
export class CosineLRScheduler extends ScheduledLR {
  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_BATCH_STEP, args);
  }

  /** SG's classmethod compute_learning_rate (note the totalSteps + 1: the last value stays above I·r). */
  static computeLearningRate(step: number, totalSteps: number, initialLr: number, finalLrRatio: number): number {
    const lr = 0.5 * (1 + Math.cos((step / (totalSteps + 1)) * Math.PI));
    return initialLr * (lr * (1 - finalLrRatio) + finalLrRatio);
  }

  get S(): number {
    return (this.trainingParams.lr_warmup_steps as number) ?? 0;
  }

  override isLrSchedulingEnabled(ctx: PhaseContext): boolean {
    if (this.S > 0) return this.L * ctx.epoch + (ctx.batchIdx ?? 0) >= this.S;
    return super.isLrSchedulingEnabled(ctx);
  }

  performScheduling(ctx: PhaseContext): void {
    const cur = Math.max(0, this.L * (ctx.epoch - this.W) + (ctx.batchIdx ?? 0) - this.S);
    const T = this.L * (this.E - this.W - this.C) - this.S;
    const r = this.trainingParams.cosine_final_lr_ratio as number;
    this.apply(ctx, (I) => CosineLRScheduler.computeLearningRate(cur, T, I, r));
  }
}

/** lr_schedule_function({initial_lr, epoch, iter, max_epoch, iters_per_epoch}) per group. */
export class FunctionLRScheduler extends ScheduledLR {
  readonly fn: (args: { initial_lr: number; epoch: number; iter: number; max_epoch: number; iters_per_epoch: number }) => number;

  constructor(args: LrCallbackArgs) {
    super(Phase.TRAIN_BATCH_STEP, args);
    const fn = args.trainingParams.lr_schedule_function;
    if (typeof fn !== 'function') throw new TypeError('FunctionLRScheduler needs training_params.lr_schedule_function to be a function');
    this.fn = fn as FunctionLRScheduler['fn'];
  }

  performScheduling(ctx: PhaseContext): void {
    this.apply(ctx, (I) =>
      this.fn({ initial_lr: I, epoch: ctx.epoch - this.W, iter: ctx.batchIdx ?? 0, max_epoch: this.E - this.W - this.C, iters_per_epoch: this.L }),
    );
  }
}
