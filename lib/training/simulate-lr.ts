/**
 * The learning rate every optimizer step of a run will use, per group: the training params are
 * merged and validated as the Trainer does, the same callback objects are built, and the
 * Trainer's own event sequence (./event-sequence.ts, §10.2) runs over a stand-in optimizer.
 */
import { isPlainObject, requiredError, typeError } from '../errors';
import { createCallbacks } from './callback-registry';
import { Callback, CallbackHandler, LrParamGroup, PhaseContext } from './callbacks';
import { createLrCallbacks } from './lr/factory';
import { LRSchedulerCallback } from './lr/torch-callback';
import { drain, RunWork, trainingEvents } from './event-sequence';
import { mergeTrainingParams, recursiveOverride, TrainingParams, TrainingParamsInput } from './params';
import { firstBatches } from './trainer-run';
import { optimizerInfo, OptimizerClass } from '../optim/registry';
import { schemaDefaults } from '../optim/option-schema';

export interface SimulatedLr {
  /** Group names, in optimizer order (first group of each name). */
  groups: string[];
  epochs: number;
  /** The batches each epoch runs: trainLoaderLen, or max_train_batches where that is smaller. */
  batchesPerEpoch: number;
  /** lr[group][epoch][batch]: the LR of that batch's optimizer step, or null when it does not step. */
  lr: Record<string, Array<Array<number | null>>>;
  /** The LR of each group after each epoch (at validation end, where SG's tests read it). */
  epochEnd: Record<string, number[]>;
  /** Every optimizer step in order: {epoch, batch, lr: {group: lr}}. */
  steps: Array<{ epoch: number; batch: number; lr: Record<string, number> }>;
  /**
   * The metrics a scheduler watched that no `metrics` option supplied: they were held constant
   * (so a ReduceLROnPlateau never saw an improvement). Empty when nothing was assumed.
   */
  constantMetrics: string[];
}

export interface SimulateOptions {
  trainLoaderLen: number;
  /** The optimizer's param groups (names and extra keys); default: from initial_lr. */
  groups?: LrParamGroup[];
  /** A model with updateParamGroups (the seed's protocol). */
  net?: unknown;
  /**
   * The metrics of each 0-based epoch, for metric-driven schedulers such as
   * `{ReduceLROnPlateau: {metric_name: Accuracy, ...}}`. One set per epoch, seen at both
   * TRAIN_EPOCH_END (where the Trainer has the training metrics and `loss`) and
   * VALIDATION_EPOCH_END (the validation metrics and `loss`).
   *
   * Default: every metric a scheduler watches is a constant 0, i.e. the run never improves. That
   * is the informative worst case: a plateau scheduler reduces as early and as often as its
   * patience/cooldown allow, so the plot shows the lowest LR the recipe can reach (an ever-improving
   * metric would just show a flat line). Pass e.g. `(e) => ({ Accuracy: e })` to simulate progress.
   */
  metrics?: (epoch: number) => Record<string, number>;
  /**
   * The validation loader's number of batches, whose VALIDATION_BATCH_END events are replayed;
   * null for a run without a validation loader. Default 0: a run with a validation loader (as
   * every recipe has) whose batch events are not replayed. Validation runs every
   * `run_validation_freq` epochs, where VALIDATION_EPOCH_START and VALIDATION_EPOCH_END fire,
   * as in the Trainer.
   */
  validLoaderLen?: number | null;
}

/**
 * @example
 * const sim = sg.training.simulateLr({ max_epochs: 5, initial_lr: 0.1, loss: 'CrossEntropyLoss', lr_mode: 'cosine', lr_warmup_epochs: 1 }, { trainLoaderLen: 100 });
 * sim.lr.default[0][0]; // the LR of the first step
 * // A plateau scheduler, with the validation accuracy it would see after each epoch:
 * const plateau = sg.training.simulateLr(
 *   { max_epochs: 10, initial_lr: 0.1, loss: 'CrossEntropyLoss', lr_mode: { ReduceLROnPlateau: { phase: 'VALIDATION_EPOCH_END', metric_name: 'Accuracy', mode: 'max', patience: 1 } } },
 *   { trainLoaderLen: 100, metrics: (epoch) => ({ Accuracy: Math.min(0.9, 0.5 + epoch / 10) }) },
 * );
 */
export function simulateLr(trainingParams: TrainingParamsInput, options: SimulateOptions): SimulatedLr {
  // Not a spread, which would read a recipe's unresolved values (sg.recipes) that the LR never uses.
  const params = mergeTrainingParams(recursiveOverride({ loss: 'CrossEntropyLoss' }, isPlainObject(trainingParams) ? trainingParams : { ...(trainingParams as object) }));
  const L = options.trainLoaderLen;
  if (!Number.isInteger(L) || L < 1) throw new TypeError(`simulateLr: trainLoaderLen must be a positive integer, got ${L}`);
  const validLen = options.validLoaderLen === undefined ? 0 : options.validLoaderLen;
  if (validLen !== null && (!Number.isInteger(validLen) || validLen < 0)) {
    throw typeError('simulateLr options.validLoaderLen', 'an integer ≥ 0 or null (no validation loader)', validLen);
  }
  const initial = params.initial_lr;
  if (initial === null || initial === undefined) throw requiredError('training_params.initial_lr');
  const groups: LrParamGroup[] =
    options.groups?.map((g) => ({ ...g })) ??
    (isPlainObject(initial)
      ? [...Object.keys(initial).filter((k) => k !== 'default'), 'default'].filter((k) => k in initial).map((name) => ({ ...standInOptions(params), name, lr: initial[name] }))
      : [{ ...standInOptions(params), name: 'default', lr: initial }]);
  const optimizer = { paramGroups: groups };
  const { warmup, scheduler } = createLrCallbacks({ trainingParams: params, trainLoaderLen: L, optimizer, net: options.net });
  // The same phase callbacks the Trainer would build (a recipe's names become instances).
  const phaseCallbacks = createCallbacks(params.phase_callbacks, 'training_params.phase_callbacks');
  const callbacks: Callback[] = [...phaseCallbacks, warmup, ...(scheduler ? [scheduler] : [])];
  const handler = new CallbackHandler(callbacks);
  const watched = [...new Set(callbacks.flatMap((c) => (c instanceof LRSchedulerCallback && c.metricName !== null ? [c.metricName] : [])))];
  const metricsAt = epochMetrics(options.metrics, watched);
  const E = params.max_epochs;
  const names = [...new Set(optimizer.paramGroups.map((g, i) => g.name ?? `group_${i}`))];
  const lr: SimulatedLr['lr'] = Object.fromEntries(names.map((n) => [n, [] as Array<Array<number | null>>]));
  const steps: SimulatedLr['steps'] = [];
  const epochEnd: SimulatedLr['epochEnd'] = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  const groupLr = (): Record<string, number> => {
    const now: Record<string, number> = {};
    optimizer.paramGroups.forEach((g, i) => {
      const name = g.name ?? `group_${i}`;
      if (!(name in now)) now[name] = g.lr as number;
    });
    return now;
  };
  // The batches each epoch runs: the Trainer's loader cut at max_train_batches. The schedules and
  // the accumulation window still count L batches an epoch (SG's len(train_loader), §10.2).
  const batchIndices = [...firstBatches(Array.from({ length: L }, (_, b) => b), params.max_train_batches)];
  const ctx: PhaseContext = { epoch: 0, batchIdx: null, optimizer, net: options.net, metrics: {}, lrWarmupEpochs: params.lr_warmup_epochs, trainingParams: params, trainLoaderLen: L };
  // The Trainer's event sequence, with recording in place of training: every batch counts (a
  // finite loss), and the optimizer step records the LR it would use.
  let stepped = false;
  let metrics: Record<string, number> = {};
  const work: RunWork<number> = {
    train: {
      begin: () => {
        for (const n of names) lr[n].push([]);
      },
      batches: () => batchIndices,
      forward: () => true,
      backward: () => {},
      step: (globalStep) => {
        // globalStep = batch + 1 + L·epoch (L counts every batch of the loader, run or cut).
        const epoch = Math.floor((globalStep - 1) / L);
        const now = groupLr();
        for (const n of names) lr[n][epoch].push(now[n] ?? null);
        steps.push({ epoch, batch: (globalStep - 1) % L, lr: now });
        stepped = true;
      },
      batchEnd: (epoch) => {
        if (!stepped) for (const n of names) lr[n][epoch].push(null);
        stepped = false;
      },
      // One set of metrics per epoch, seen at TRAIN_EPOCH_END and VALIDATION_EPOCH_END.
      end: (epoch) => (metrics = metricsAt(epoch)),
    },
    validation:
      validLen === null
        ? null
        : {
            around: (_epoch, body) => body(),
            batches: (each) => {
              for (let b = 0; b < validLen; b++) each(b);
            },
          },
    epoch: {
      results: () => metrics,
      end: () => {
        const now = groupLr();
        for (const n of names) epochEnd[n].push(now[n]);
      },
    },
  };
  const plan = { startEpoch: 0, maxEpochs: E, trainLoaderLen: L, batchAccumulate: params.batch_accumulate, runValidationFreq: params.run_validation_freq, saveCkptEpochList: params.save_ckpt_epoch_list };
  drain(trainingEvents(plan, work, handler, ctx));
  return { groups: names, epochs: E, batchesPerEpoch: batchIndices.length, lr, epochEnd, steps, constantMetrics: options.metrics ? [] : watched };
}

/** The user's per-epoch metrics (checked), or the constant default for the watched names. */
function epochMetrics(fn: SimulateOptions['metrics'], watched: string[]): (epoch: number) => Record<string, number> {
  if (fn === undefined) {
    const constant = Object.fromEntries(watched.map((name) => [name, 0]));
    return () => ({ ...constant });
  }
  if (typeof fn !== 'function') throw typeError('simulateLr options.metrics', 'a function (epoch) => {metric name: number}', fn);
  return (epoch) => {
    const values = fn(epoch);
    if (!isPlainObject(values)) throw typeError(`simulateLr options.metrics(${epoch})`, 'an object {metric name: number}', values);
    for (const [name, v] of Object.entries(values)) {
      if (typeof v !== 'number' || Number.isNaN(v)) throw typeError(`simulateLr options.metrics(${epoch}).${name}`, 'a number', v);
    }
    return values;
  };
}

/**
 * The options (momentum, betas, ...) the run's optimizer would give each group: its defaults,
 * SuperGradients' and the recipe's optimizer_params, as buildOptimizer merges them. A scheduler
 * that cycles momentum (CyclicLR, OneCycleLR) needs them on the stand-in groups too.
 */
function standInOptions(params: TrainingParams): Record<string, unknown> {
  const info = optimizerInfo((params.optimizer ?? 'SGD') as string | OptimizerClass);
  const user = isPlainObject(params.optimizer_params) ? params.optimizer_params : {};
  const { lr: _lr, ...options } = { ...(info.schema ? schemaDefaults(info.schema) : {}), ...info.sgDefaults, ...user };
  return options;
}
