/**
 * PyTorch's LR schedulers (torch.optim.lr_scheduler, 1.13), written in TypeScript with PyTorch's
 * own recursive ("chainable") arithmetic so values match bit for bit, for the mapping form of
 * `lr_mode` (spec §10.6).
 */
import { isPlainObject, typeError, unknownNameError } from '../../errors';
import { LrParamGroup } from '../callbacks';

interface Optim {
  paramGroups: LrParamGroup[];
  defaults?: Record<string, unknown>;
}

export abstract class TorchScheduler {
  lastEpoch = -1;
  baseLrs: number[];
  lastLr: number[] = [];
  protected stepCount = 0;

  constructor(readonly optimizer: Optim) {
    for (const g of optimizer.paramGroups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initial_lr as number);
  }

  /** Called at the end of subclass constructors: PyTorch's initial step. */
  protected init(): void {
    this.step();
  }

  protected abstract getLr(): number[];

  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = values;
  }

  protected lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && typeof v !== 'function') out[k] = v;
    return out;
  }

  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, state);
  }
}

function num(kwargs: Record<string, unknown>, key: string, fallback?: number): number {
  const v = kwargs[key] ?? fallback;
  if (typeof v !== 'number') throw typeError(`lr_mode.${key}`, 'a number', v);
  return v;
}

export class StepLR extends TorchScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.stepSize = num(kw, 'step_size');
    this.gamma = num(kw, 'gamma', 0.1);
    this.init();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma);
  }
}

export class MultiStepLR extends TorchScheduler {
  readonly milestones: Map<number, number>;
  readonly gamma: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    const list = kw.milestones;
    if (!Array.isArray(list)) throw typeError('lr_mode.milestones', 'an array of epochs', list);
    this.milestones = new Map();
    for (const m of list as number[]) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = num(kw, 'gamma', 0.1);
    this.init();
  }
  protected getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma ** count);
  }
}

export class ConstantLR extends TorchScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.factor = num(kw, 'factor', 1 / 3);
    this.totalIters = num(kw, 'total_iters', 5);
    if (this.factor > 1 || this.factor < 0) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    this.init();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs().map((lr) => lr * this.factor);
    if (this.lastEpoch > this.totalIters || this.lastEpoch !== this.totalIters) return this.lrs();
    return this.lrs().map((lr) => lr * (1 / this.factor));
  }
}

export class LinearLR extends TorchScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.startFactor = num(kw, 'start_factor', 1 / 3);
    this.endFactor = num(kw, 'end_factor', 1);
    this.totalIters = num(kw, 'total_iters', 5);
    this.init();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs().map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.lrs();
    const d = this.endFactor - this.startFactor;
    return this.lrs().map((lr) => lr * (1 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d)));
  }
}

export class ExponentialLR extends TorchScheduler {
  readonly gamma: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.gamma = num(kw, 'gamma');
    this.init();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma);
  }
}

export class CosineAnnealingLR extends TorchScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.tMax = num(kw, 'T_max');
    this.etaMin = num(kw, 'eta_min', 0);
    this.init();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    if (e === 0) return this.lrs();
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.lrs().map((lr, i) => lr + ((this.baseLrs[i] - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.lrs().map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) + this.etaMin);
  }
}

export class CosineAnnealingWarmRestarts extends TorchScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  tI: number;
  tCur: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    this.t0 = num(kw, 'T_0');
    this.tMult = num(kw, 'T_mult', 1);
    this.etaMin = num(kw, 'eta_min', 0);
    this.tI = this.t0;
    this.tCur = this.lastEpoch;
    this.init();
  }
  override step(): void {
    this.stepCount += 1;
    if (this.lastEpoch < 0) {
      this.tI = this.t0;
      this.tCur = 0;
      this.lastEpoch = 0;
    } else {
      this.lastEpoch += 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    }
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = values;
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
}

export class LambdaLR extends TorchScheduler {
  readonly fns: Array<(epoch: number) => number>;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    super(opt);
    const f = kw.lr_lambda;
    const list = Array.isArray(f) ? f : opt.paramGroups.map(() => f);
    if (!list.every((x) => typeof x === 'function')) throw typeError('lr_mode.lr_lambda', 'a function (or one per group)', f);
    this.fns = list as Array<(epoch: number) => number>;
    this.init();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.fns[i](this.lastEpoch));
  }
}

export class CyclicLR extends TorchScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: string;
  readonly gamma: number;
  readonly cycleMomentum: boolean;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
  constructor(opt: Optim, kw: Record<string, unknown>) {
    const baseLr = num(kw, 'base_lr');
    for (const g of opt.paramGroups) g.lr = baseLr;
    super(opt);
    this.baseLrs = opt.paramGroups.map(() => baseLr);
    const maxLr = num(kw, 'max_lr');
    this.maxLrs = opt.paramGroups.map(() => maxLr);
    const up = num(kw, 'step_size_up', 2000);
    const down = kw.step_size_down == null ? up : num(kw, 'step_size_down');
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = (kw.mode as string | undefined) ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode)) throw new RangeError(`mode is invalid and scale_fn is None: ${this.mode}`);
    this.gamma = num(kw, 'gamma', 1);
    this.cycleMomentum = (kw.cycle_momentum as boolean | undefined) ?? true;
    this.baseMomentum = num(kw, 'base_momentum', 0.8);
    this.maxMomentum = num(kw, 'max_momentum', 0.9);
    if (this.cycleMomentum) {
      if (!opt.paramGroups.every((g) => typeof g.momentum === 'number')) throw new RangeError('optimizer must support momentum with `cycle_momentum` option enabled');
      for (const g of opt.paramGroups) g.momentum = this.maxMomentum;
    }
    this.init();
  }
  private scale(x: number): number {
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }
  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const arg = this.mode === 'exp_range' ? this.lastEpoch : cycle;
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * factor * this.scale(arg));
    if (this.cycleMomentum) {
      for (const g of this.optimizer.paramGroups) g.momentum = this.maxMomentum - (this.maxMomentum - this.baseMomentum) * factor * this.scale(arg);
    }
    return lrs;
  }
}

export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(readonly optimizer: Optim, kw: Record<string, unknown>) {
    this.mode = (kw.mode as 'min' | 'max' | undefined) ?? 'min';
    this.factor = num(kw, 'factor', 0.1);
    if (this.factor >= 1) throw new RangeError('Factor should be < 1.0.');
    this.patience = num(kw, 'patience', 10);
    this.threshold = num(kw, 'threshold', 1e-4);
    this.thresholdMode = (kw.threshold_mode as 'rel' | 'abs' | undefined) ?? 'rel';
    this.cooldown = num(kw, 'cooldown', 0);
    const minLr = kw.min_lr ?? 0;
    this.minLrs = Array.isArray(minLr) ? (minLr as number[]) : optimizer.paramGroups.map(() => minLr as number);
    this.eps = num(kw, 'eps', 1e-8);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < this.best * (1 - this.threshold) : a < this.best - this.threshold;
    return this.thresholdMode === 'rel' ? a > this.best * (this.threshold + 1) : a > this.best + this.threshold;
  }

  step(metric?: number): void {
    if (typeof metric !== 'number') throw typeError('ReduceLROnPlateau.step(metric)', 'a number', metric);
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = g.lr as number;
        const next = Math.max(old * this.factor, this.minLrs[i]);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  stateDict(): Record<string, unknown> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  loadStateDict(state: Record<string, unknown>): void {
    Object.assign(this, state);
  }
}

type SchedulerCtor = new (opt: Optim, kw: Record<string, unknown>) => { step(metric?: number): void; stateDict(): unknown; loadStateDict(s: Record<string, unknown>): void };

export const TORCH_SCHEDULERS: Record<string, SchedulerCtor> = {
  StepLR,
  LambdaLR,
  MultiStepLR,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  ReduceLROnPlateau,
  LinearLR,
};

/** The scheduler of a `{Name: {...kwargs}}` lr_mode mapping (phase and metric_name removed). */
export function createTorchScheduler(mode: Record<string, unknown>, optimizer: Optim) {
  const [name, kwargs] = Object.entries(mode)[0];
  // Own names only: `constructor` or `toString` must not reach Object.prototype's members.
  const Ctor = Object.hasOwn(TORCH_SCHEDULERS, name) ? TORCH_SCHEDULERS[name] : undefined;
  if (!Ctor) throw unknownNameError('lr_mode scheduler', name, Object.keys(TORCH_SCHEDULERS));
  if (!isPlainObject(kwargs)) throw typeError(`lr_mode.${name}`, 'a mapping of scheduler arguments', kwargs);
  const { phase, metric_name, ...rest } = kwargs;
  return { name, scheduler: new Ctor(optimizer, rest), phase, metricName: metric_name as string | undefined };
}
