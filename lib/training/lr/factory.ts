/**
 * The LR callbacks the Trainer builds from training params (§10.1, §12 steps 5–9), shared with
 * simulateLr so the simulation runs the very same objects.
 */
import { isPlainObject, typeError, unknownNameError } from '../../errors';
import { Registry } from '../../registry/registry';
import { Callback, LrParamGroup, Phase } from '../callbacks';
import { LRCallbackBase, LrCallbackArgs } from './base';
import { CosineLRScheduler, ExponentialLRScheduler, FunctionLRScheduler, PolyLRScheduler, StepLRScheduler } from './schedulers';
import { LRSchedulerCallback } from './torch-callback';
import { createTorchScheduler, TORCH_SCHEDULERS } from './torch-schedulers';
import { LinearBatchLRWarmup, LinearEpochLRWarmup } from './warmup';

export type LrCallbackClass = new (args: LrCallbackArgs) => LRCallbackBase;

export const LR_SCHEDULERS = new Registry<LrCallbackClass>('lr_mode');
for (const [name, cls] of [
  ['StepLRScheduler', StepLRScheduler],
  ['PolyLRScheduler', PolyLRScheduler],
  ['CosineLRScheduler', CosineLRScheduler],
  ['ExponentialLRScheduler', ExponentialLRScheduler],
  ['FunctionLRScheduler', FunctionLRScheduler],
  ['step', StepLRScheduler],
  ['poly', PolyLRScheduler],
  ['cosine', CosineLRScheduler],
  ['exp', ExponentialLRScheduler],
  ['function', FunctionLRScheduler],
] as const) {
  LR_SCHEDULERS.register(name, cls);
}

export const LR_WARMUPS = new Registry<LrCallbackClass>('warmup_mode');
LR_WARMUPS.register('LinearEpochLRWarmup', LinearEpochLRWarmup);
LR_WARMUPS.register('LinearBatchLRWarmup', LinearBatchLRWarmup);
const DEPRECATED_WARMUPS: Record<string, string> = { linear_epoch_step: 'LinearEpochLRWarmup', linear_batch_step: 'LinearBatchLRWarmup' };

export function registerLrScheduler(name: string, cls: LrCallbackClass, options?: { override?: boolean }): void {
  LR_SCHEDULERS.register(name, cls, options);
}

export function registerWarmup(name: string, cls: LrCallbackClass, options?: { override?: boolean }): void {
  LR_WARMUPS.register(name, cls, options);
}

function isLrCallbackClass(value: unknown): value is LrCallbackClass {
  return typeof value === 'function' && value.prototype instanceof LRCallbackBase;
}

/** warmup_mode: a registered name (exact), or a subclass of LRCallbackBase. */
export function resolveWarmup(mode: unknown): LrCallbackClass {
  if (mode === null || mode === undefined) {
    throw new TypeError('warmup_mode has to be either a name of a mode (str) or a subclass of PhaseCallback');
  }
  if (typeof mode === 'string') {
    if (mode in DEPRECATED_WARMUPS) {
      process.emitWarning(`warmup_mode '${mode}' is deprecated; use '${DEPRECATED_WARMUPS[mode]}'`, 'DeprecationWarning');
      return LR_WARMUPS.get(DEPRECATED_WARMUPS[mode]);
    }
    const found = LR_WARMUPS.names().includes(mode) ? LR_WARMUPS.get(mode) : undefined;
    if (!found) throw unknownNameError('warmup_mode', mode, [...LR_WARMUPS.names(), ...Object.keys(DEPRECATED_WARMUPS)], 'training_params.warmup_mode');
    return found;
  }
  if (isLrCallbackClass(mode)) return mode;
  throw typeError('training_params.warmup_mode', 'a warm-up name or a subclass of LRCallbackBase', mode);
}

export interface LrCallbacksArgs {
  trainingParams: Record<string, unknown>;
  trainLoaderLen: number;
  optimizer: { paramGroups: LrParamGroup[] };
  net?: unknown;
}

/** The warm-up callback (always built, as SG does) and the scheduler callback (or null). */
export function createLrCallbacks(args: LrCallbacksArgs): { warmup: Callback; scheduler: Callback | null } {
  const tp = args.trainingParams;
  const base: LrCallbackArgs = { initialLr: tp.initial_lr as number | Record<string, number>, trainLoaderLen: args.trainLoaderLen, trainingParams: tp, net: args.net };
  const Warmup = resolveWarmup(tp.warmup_mode);
  const warmup = new Warmup(base);
  const mode = tp.lr_mode;
  let scheduler: Callback | null = null;
  if (mode === null || mode === undefined) {
    // no scheduler: the warm-up alone
  } else if (typeof mode === 'string') {
    const Cls = LR_SCHEDULERS.names().includes(mode) ? LR_SCHEDULERS.get(mode) : undefined;
    if (!Cls) throw unknownNameError('lr_mode', mode, [...LR_SCHEDULERS.names(), ...Object.keys(TORCH_SCHEDULERS).map((n) => `{${n}: ...}`)], 'training_params.lr_mode');
    scheduler = new Cls(base);
  } else if (isPlainObject(mode) && Object.keys(mode).length === 1) {
    // One {Name: {...}} entry: createTorchScheduler names an unknown Name with a suggestion.
    const { name, scheduler: torchScheduler, phase, metricName } = createTorchScheduler(mode, args.optimizer);
    if (phase === undefined || phase === null) throw new RangeError(`lr_mode.${name}.phase is required (e.g. TRAIN_EPOCH_END)`);
    if (name === 'ReduceLROnPlateau' && !metricName) throw new RangeError('lr_mode.ReduceLROnPlateau.metric_name is required');
    scheduler = new LRSchedulerCallback(torchScheduler, phase as Phase, metricName ?? null);
  } else {
    throw new RangeError(`Unknown lr_mode: ${JSON.stringify(mode)}; known: ${LR_SCHEDULERS.names().join(', ')}, or {${Object.keys(TORCH_SCHEDULERS).join('|')}: {...}}`);
  }
  return { warmup, scheduler };
}
