/**
 * The Trainer: SuperGradients' `Trainer.train` in TypeScript (spec §12), with §10.2's event
 * order. Loops, callbacks, logging and checkpoints are TypeScript; every tensor operation runs
 * in LibTorch.
 *
 * @example
 * const trainer = new sg.Trainer({ experimentName: 'mnist' });
 * await trainer.train({ model, trainingParams: { max_epochs: 3, initial_lr: 0.1, loss: 'CrossEntropyLoss' }, trainLoader, validLoader });
 */
import * as fs from 'fs';
import * as path from 'path';

import { isPlainObject, typeError, withErrorInfo } from '../errors';
import type { EpochRecord } from '../report/run-files';
import { RunLogger, runLoggerSettings } from '../report/run-logger';
import { Optimizer, OptimizerStateDict } from '../optim/optimizer';
import { moduleClassifier } from '../nn/classify';
import { buildOptimizerAndRecord as buildOptimizer, ParamGroupsModel } from './build-optimizer';
import { manualSeed } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { createCallbacks } from './callback-registry';
import { Callback, CallbackHandler, PhaseContext } from './callbacks';
import { bestMetricOnResume, Checkpoint, CheckpointDir, checkCheckpointNames, checkPlainName } from './checkpoints';
import { ModelEMA } from './ema';
import { RunWork, trainingEvents } from './event-sequence';
import { createLoss } from './losses';
import { createLrCallbacks } from './lr';
import { createMetrics, Metric } from './metrics';
import { resolveMetricName, unknownMetricToWatch } from './metric-to-watch';
import { mergeTrainingParams, TrainingParams, TrainingParamsInput } from './params';
import { Progress } from './progress';
import { Batch, BatchLoader, firstBatches, localResults, optimizerStep, PhaseResults, RunModel, TrainEpoch, TrainHooks, TrainingRun, Validation } from './trainer-run';

export type { Batch, BatchLoader, EpochState, PhaseResults, TrainHooks, TrainingRun } from './trainer-run';

/** What the Trainer needs of a model: an sg.nn.Module fits. */
export interface TrainableModel extends ParamGroupsModel, RunModel {}

export interface TrainerOptions {
  experimentName: string;
  /** Where experiment folders go (default ./checkpoints). */
  ckptRootDir?: string | null;
}

export interface TrainArgs {
  model: TrainableModel;
  /** SG's training params: any subset of TrainingParams (a recipe's training_hyperparams fits). */
  trainingParams: TrainingParamsInput;
  trainLoader: BatchLoader;
  validLoader?: BatchLoader | null;
  /** More configuration for the run report to show (SG's additional_configs_to_log), e.g. `{recipe_config: recipe}`. */
  additionalConfigsToLog?: Record<string, unknown> | null;
}

export type { EpochRecord };

export interface TrainResult {
  epochs: EpochRecord[];
  bestMetric: number | null;
  /** The last epoch's validation metrics (or training metrics without a validation loader). */
  metrics: Record<string, number>;
}

function loaderLength(loader: BatchLoader, what: string): number {
  if (!loader || typeof loader[Symbol.iterator] !== 'function') {
    throw typeError(what, 'a DataLoader or an iterable of [inputs, targets] with a length', loader);
  }
  const n = loader.length;
  if (!Number.isInteger(n) || n < 1) throw typeError(`${what}.length`, 'a positive integer (number of batches)', n);
  return n;
}

/** Group name → lr of an optimizer (first group of each name). */
function groupLrs(optimizer: Optimizer): Record<string, number> {
  const out: Record<string, number> = {};
  optimizer.paramGroups.forEach((g, i) => {
    const name = typeof g.name === 'string' ? g.name : `group_${i}`;
    if (!(name in out)) out[name] = g.lr as number;
  });
  return out;
}

/** §5: name the groups of an instantiated optimizer (without touching params) and derive initial_lr. */
function initialLrFromOptimizer(optimizer: Optimizer): number | Record<string, number> {
  const groups = optimizer.paramGroups;
  // Nothing to train, and no lr to read: SG would fail on param_groups[0] with an IndexError.
  if (groups.length === 0) throw withErrorInfo(new Error('training_params.optimizer: the optimizer instance has no param groups (nothing to train)'), 'training_params.optimizer', 'ERR_RANGE');
  if (groups[0].name === undefined) {
    groups.forEach((g, i) => (g.name = groups.length === 1 ? 'default' : `group_${i}`));
  }
  if (groups.length === 1) return groups[0].lr as number;
  const out: Record<string, number> = {};
  for (const g of groups) out[g.name as string] = g.lr as number;
  return out;
}

// A scheduler callback with state (LRSchedulerCallback: torch schedulers) saves it in checkpoints
// (torch_scheduler_state_dict) and loads it on resume; SG's own LR callbacks are stateless.
function savesState(scheduler: Callback | null): scheduler is Callback & { stateDict(): unknown } {
  return scheduler !== null && 'stateDict' in scheduler && typeof scheduler.stateDict === 'function';
}

function loadsState(scheduler: Callback | null): scheduler is Callback & { loadStateDict(state: unknown): void } {
  return scheduler !== null && 'loadStateDict' in scheduler && typeof scheduler.loadStateDict === 'function';
}

/** Gives the event loop a turn: Node-API frees collected tensors' native memory only then. */
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The Trainer runs in phases, each a method a multi-process (DDP) trainer can override:
 *
 * - {@link Trainer.prepare}: arguments, training params, criterion, metrics, optimizer, callbacks,
 *   resume, EMA → a {@link TrainingRun}. (DDP: wrap the model and broadcast rank 0's weights
 *   after `super.prepare`; every rank resumes from the same checkpoint.)
 * - {@link Trainer.runWork}: the work the event sequence (./event-sequence.ts, the one place the
 *   callback order lives) drives each epoch, built from the hooks below.
 *   - {@link Trainer.trainBatches} / {@link Trainer.validBatches}: the batches (DDP: the rank's shard).
 *   - {@link Trainer.optimizerStep}: clip, step, zero_grad, EMA (DDP: all-reduce gradients first).
 *   - {@link Trainer.phaseResults}: a phase's loss and metrics (DDP: reduce across ranks first).
 *   - {@link Trainer.saveCheckpoint} and {@link Trainer.logEpoch}: files and output, written only
 *     where {@link Trainer.isMainProcess} (DDP: rank 0).
 */
export class Trainer {
  readonly experimentName: string;
  readonly ckptRootDir: string;
  /** The optimizer used by the last train() call. */
  optimizer: Optimizer | null = null;
  /** The merged training params of the last train() call. */
  trainingParams: TrainingParams | null = null;
  /** The model's EMA, when `ema` is on. */
  ema: ModelEMA | null = null;

  constructor(options: TrainerOptions) {
    if (!isPlainObject(options)) throw typeError('Trainer(options)', 'an object {experimentName, ckptRootDir?}', options);
    if (typeof options.experimentName !== 'string' || options.experimentName.length === 0) {
      throw typeError('Trainer({experimentName})', 'a non-empty string', options.experimentName);
    }
    // The experiment folder is a folder *of* ckptRootDir, even when the name comes from a recipe.
    this.experimentName = checkPlainName('Trainer({experimentName})', options.experimentName, 'ckptRootDir');
    this.ckptRootDir = options.ckptRootDir ?? path.resolve('checkpoints');
  }

  /** The experiment folder: checkpoints and the JSON-lines log. */
  get experimentDir(): string {
    return path.join(this.ckptRootDir, this.experimentName);
  }

  /** @internal Set while train() runs: a second concurrent call would share the model and the experiment folder. */
  private running = false;

  async train(args: TrainArgs): Promise<TrainResult> {
    if (this.running) {
      throw new Error(`Trainer '${this.experimentName}': train() is already running on this Trainer; await it before calling train() again (or use a second Trainer with its own experimentName)`);
    }
    this.running = true;
    try {
      return await this.trainOnce(args);
    } finally {
      this.running = false;
    }
  }

  private async trainOnce(args: TrainArgs): Promise<TrainResult> {
    // Checked here, before any subclass's prepare() reads args (DistributedTrainer's rendezvous).
    if (!isPlainObject(args)) throw typeError('train(args)', 'an object {model, trainingParams, trainLoader, validLoader}', args);
    const run = this.prepare(args);
    const epochs: EpochRecord[] = [];
    const work = this.runWork(run, (record) => epochs.push(record));
    // The sequence yields after every training batch: timers, signals and I/O get their turn.
    for (const _ of trainingEvents(run.plan, work, run.handler, run.ctx)) await nextTick();
    return { epochs, bestMetric: run.bestMetric, metrics: run.lastMetrics };
  }

  /**
   * Phase 1 (§12 steps 1-11): checks the arguments, merges the training params and builds the
   * criterion, metrics, optimizer, callbacks and EMA, and resumes. Nothing is trained yet.
   */
  protected prepare(args: TrainArgs): TrainingRun {
    const { model, trainLoader } = args;
    const validLoader = args.validLoader ?? null;
    if (!model || typeof model.forward !== 'function' || typeof model.namedParameters !== 'function') {
      throw typeError('train({model})', 'an sg.nn.Module', model);
    }
    const L = loaderLength(trainLoader, 'train({trainLoader})');
    if (validLoader) loaderLength(validLoader, 'train({validLoader})');

    const params = mergeTrainingParams(args.trainingParams);
    this.trainingParams = params;
    manualSeed(params.seed);

    const ckpt = new CheckpointDir(this.experimentDir);
    checkCheckpointNames(params);
    const criterion = createLoss(params.loss, params.criterion_params);
    const trainMetrics = createMetrics(params.train_metrics_list, 'training_params.train_metrics_list');
    const validMetrics = createMetrics(params.valid_metrics_list, 'training_params.valid_metrics_list');
    const optimizer = this.wrapOptimizer(this.createOptimizer(model, params), params);
    this.optimizer = optimizer;

    // The seed's protocol: a model with initializeParamGroups but without updateParamGroups gets
    // SgModule's default update (every group to the scheduled lr).
    const net: unknown =
      typeof model.initializeParamGroups === 'function' && typeof model.updateParamGroups !== 'function'
        ? Object.assign(Object.create(model), {
            updateParamGroups: (groups: Array<{ lr?: number }>, lr: number) => {
              groups.forEach((g) => (g.lr = lr));
              return groups;
            },
          })
        : model;

    // §12 step 4: names and {Name: params} from recipes become instances; instances pass through.
    const phaseCallbacks = createCallbacks(params.phase_callbacks, 'training_params.phase_callbacks');
    const { warmup, scheduler } = createLrCallbacks({ trainingParams: params, trainLoaderLen: L, optimizer, net });
    const handler = new CallbackHandler([...phaseCallbacks, warmup, ...(scheduler ? [scheduler] : [])]);

    const resumed = params.resume ? this.resume(model, optimizer, scheduler, ckpt, params) : null;
    const ema = params.ema ? new ModelEMA(model, params.ema_params ?? {}) : null;
    if (ema && resumed?.ema) ema.state = resumed.ema;
    this.ema = ema;
    const startEpoch = resumed?.startEpoch ?? 0;
    const progress = new Progress(process.stderr, Boolean(params.silent_mode) || !this.isMainProcess());
    if (params.save_model !== false && this.isMainProcess()) fs.mkdirSync(this.experimentDir, { recursive: true });
    this.runLogger = this.createRunLogger(args, params, startEpoch, L);
    // Last: it records the LR each step uses, after every other callback has set it. (It has only
    // the events it needs; the handler calls the events a callback has.)
    if (this.runLogger) handler.callbacks.push(this.runLogger as unknown as Callback);

    const ctx: PhaseContext = {
      epoch: startEpoch,
      batchIdx: null,
      optimizer,
      net,
      metrics: {},
      lrWarmupEpochs: params.lr_warmup_epochs,
      trainingParams: params,
      trainLoaderLen: L,
    };
    return {
      model,
      net,
      trainLoader,
      validLoader,
      params,
      plan: {
        startEpoch,
        maxEpochs: params.max_epochs,
        trainLoaderLen: L,
        batchAccumulate: params.batch_accumulate,
        // Read at each epoch, as the Trainer always has.
        get runValidationFreq() {
          return params.run_validation_freq;
        },
        get saveCkptEpochList() {
          return params.save_ckpt_epoch_list;
        },
      },
      criterion,
      trainMetrics,
      validMetrics,
      optimizer,
      scheduler,
      handler,
      ema,
      ckpt,
      ctx,
      progress,
      allParams: model.parameters(),
      clipGradNorm: params.clip_grad_norm,
      stopOnNonFinite: params.stop_on_non_finite_loss !== false,
      metricToWatch: String(params.metric_to_watch ?? 'Accuracy'),
      greaterIsBetter: params.greater_metric_to_watch_is_better !== false,
      current: { started: Date.now(), lossSum: 0, lossCount: 0, trainLoss: 0, trainMetrics: {}, validLoss: null, validMetrics: {} },
      bestMetric: resumed?.bestMetric ?? null,
      watchedKey: undefined,
      lastMetrics: {},
    };
  }

  /** @internal The run's TensorBoard files and HTML report (lib/report), when the main process saves. */
  private runLogger: RunLogger | null = null;

  /** The run logger of sg_logger_params (tb, report), or null: off, not saving, or not the main process. */
  private createRunLogger(args: TrainArgs, params: TrainingParams, startEpoch: number, trainLoaderLen: number): RunLogger | null {
    const settings = runLoggerSettings(params.sg_logger_params);
    if ((!settings.tb && !settings.report) || params.save_model === false || !this.isMainProcess()) return null;
    const first = args.model.parameters()[0];
    return new RunLogger({
      dir: this.experimentDir,
      experimentName: this.experimentName,
      trainingParams: params as unknown as Record<string, unknown>,
      startEpoch,
      maxEpochs: params.max_epochs,
      trainLoaderLen,
      device: first ? String(first.device) : 'cpu',
      additionalConfigs: args.additionalConfigsToLog ?? null,
      ...settings,
    });
  }

  /**
   * Where a data-parallel trainer shards the optimizer (`zero_redundancy: true`); one process has
   * nothing to shard it across, so here the key is an error.
   */
  protected wrapOptimizer(optimizer: Optimizer, params: TrainingParams): Optimizer {
    if (params.zero_redundancy !== false && params.zero_redundancy !== undefined && params.zero_redundancy !== null) {
      throw withErrorInfo(
        new Error(`training_params.zero_redundancy: ${String(params.zero_redundancy)} shards the optimizer state across the processes of a data-parallel run: use it with multi_gpu: DDP (the DistributedTrainer)`),
        'training_params.zero_redundancy',
        'ERR_RANGE',
      );
    }
    return optimizer;
  }

  /** Called on every process before the main one writes a checkpoint (a sharded optimizer gathers its state there). */
  protected beforeCheckpoint(_run: TrainingRun): void {}

  /** The optimizer: a name, a class, or an instance (§1.3, §5). */
  private createOptimizer(model: TrainableModel, params: TrainingParams): Optimizer {
    const opt = params.optimizer;
    if (opt instanceof Optimizer) {
      if (params.initial_lr !== null && params.initial_lr !== undefined) {
        throw new Error('An instantiated optimizer cannot be passed along initial_lr != None');
      }
      params.initial_lr = initialLrFromOptimizer(opt);
      return opt;
    }
    if (typeof opt === 'string' || typeof opt === 'function') {
      if (params.initial_lr === null || params.initial_lr === undefined) {
        throw withErrorInfo(new Error('training_params.initial_lr is required (a number or a {default, <prefix>: lr} mapping)'), 'training_params.initial_lr', 'ERR_REQUIRED');
      }
      return buildOptimizer(model, params.initial_lr, params, moduleClassifier);
    }
    throw typeError('training_params.optimizer', 'an optimizer name, class or instance', opt);
  }

  /**
   * Resume (§12 steps 8, 11): the weights, the optimizer and torch-scheduler state of the
   * checkpoint. The weights go back as they were when the optimizer or scheduler state does not fit.
   */
  private resume(
    model: TrainableModel,
    optimizer: Optimizer,
    scheduler: Callback | null,
    ckpt: CheckpointDir,
    params: TrainingParams,
  ): { startEpoch: number; bestMetric: number | null; ema: Record<string, Tensor> | null } {
    const resumed = ckpt.read(params.resume_path ?? params.ckpt_name);
    const weightsBefore = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
    model.loadStateDict(resumed.net);
    try {
      if (params.load_opt_params !== false && resumed.optimizer_state_dict) {
        // The file's content: loadStateDict checks its layout (group count and sizes).
        optimizer.loadStateDict(resumed.optimizer_state_dict as OptimizerStateDict);
      }
      if (loadsState(scheduler) && resumed.torch_scheduler_state_dict) scheduler.loadStateDict(resumed.torch_scheduler_state_dict);
    } catch (err) {
      model.loadStateDict(weightsBefore);
      throw err;
    }
    return { startEpoch: resumed.epoch, bestMetric: bestMetricOnResume(ckpt, params.ckpt_best_name, resumed), ema: resumed.ema_net ?? null };
  }

  /**
   * The work the event sequence drives for `run`: the training epoch, the validation (when there
   * is a validation loader) and the end of each epoch. `onEpoch` receives each epoch's record.
   */
  protected runWork(run: TrainingRun, onEpoch: (record: EpochRecord) => void): RunWork<Batch> {
    const hooks: TrainHooks = {
      trainBatches: (r, epoch) => this.trainBatches(r, epoch),
      optimizerStep: (r, globalStep) => this.optimizerStep(r, globalStep),
      validBatches: (r, loader) => this.validBatches(r, loader),
      results: (r, phase, metrics, lossSum, count) => this.phaseResults(r, phase, metrics, lossSum, count),
    };
    return {
      train: new TrainEpoch(run, hooks),
      validation: run.validLoader ? new Validation(run, run.validLoader, hooks) : null,
      epoch: {
        results: () => {
          const { validLoss } = run.current;
          const epochMetrics = this.epochMetrics(run);
          return { ...epochMetrics, ...(validLoss !== null ? { loss: validLoss } : {}) };
        },
        end: (epoch) => onEpoch(this.endEpoch(run, epoch)),
      },
    };
  }

  /** The training batches of `epoch`: the loader, cut at max_train_batches. */
  protected trainBatches(run: TrainingRun, _epoch: number): Iterable<Batch> {
    return firstBatches(run.trainLoader, run.params.max_train_batches);
  }

  /** The validation batches: the loader, cut at max_valid_batches. */
  protected validBatches(run: TrainingRun, loader: BatchLoader): Iterable<Batch> {
    return firstBatches(loader, run.params.max_valid_batches);
  }

  /** The optimizer step closing an accumulation window: clip, step, zero_grad, EMA update. */
  protected optimizerStep(run: TrainingRun, globalStep: number): void {
    optimizerStep(run, globalStep);
  }

  /** A phase's loss (mean over its batches) and metrics, at the end of the training epoch and of validation. */
  protected phaseResults(_run: TrainingRun, _phase: 'train' | 'valid', metrics: Metric[], lossSum: number, count: number): PhaseResults {
    return localResults(metrics, lossSum, count);
  }

  /** The epoch's metrics: the validation metrics (empty when it did not validate), or the training metrics without a validation loader. */
  private epochMetrics(run: TrainingRun): Record<string, number> {
    return run.validLoader ? run.current.validMetrics : run.current.trainMetrics;
  }

  /** Whether this process writes checkpoints, the log and progress (a multi-process trainer: rank 0 only). */
  protected isMainProcess(): boolean {
    return true;
  }

  /** After VALIDATION_EPOCH_END: best-metric tracking, checkpoints, the log line and summary. */
  private endEpoch(run: TrainingRun, epoch: number): EpochRecord {
    const { params, current: state } = run;
    const epochMetrics = this.epochMetrics(run);
    const validLoss = state.validLoss;
    run.lastMetrics = epochMetrics;

    // Checkpoints. Metrics win over the validation loss when a metric is itself named `loss`.
    const results: Record<string, number> = { ...(validLoss !== null ? { loss: validLoss } : {}), ...epochMetrics };
    const haveResults = run.validLoader ? validLoss !== null : true;
    if (run.watchedKey === undefined && haveResults) run.watchedKey = this.watchedKey(run.metricToWatch, results, params.save_model !== false ? params.ckpt_best_name : null);
    const watched = run.watchedKey ? results[run.watchedKey] : undefined;
    if (params.save_model !== false) this.beforeCheckpoint(run);
    if (params.save_model !== false && this.isMainProcess()) this.saveCheckpoint(run, epoch, epochMetrics, watched);

    const record: EpochRecord = {
      epoch,
      train_loss: state.trainLoss,
      train_metrics: state.trainMetrics,
      valid_loss: validLoss,
      valid_metrics: state.validMetrics,
      lr: groupLrs(run.optimizer),
      seconds: (Date.now() - state.started) / 1000,
    };
    if (this.isMainProcess()) this.logEpoch(run, record);
    return record;
  }

  /**
   * Writes ckpt_name, ckpt_best_name when `watched` improved on the best so far, and
   * ckpt_epoch_<n>.pth for the epochs of save_ckpt_epoch_list.
   */
  protected saveCheckpoint(run: TrainingRun, epoch: number, epochMetrics: Record<string, number>, watched: number | undefined): void {
    const { params, ckpt, ema, scheduler } = run;
    const record: Checkpoint = {
      net: run.model.stateDict(),
      acc: watched ?? null,
      epoch: epoch + 1,
      optimizer_state_dict: run.optimizer.stateDict(), // save() keys its state by integers, as torch.optim
      metrics: epochMetrics,
      ...(ema ? { ema_net: ema.state } : {}),
      ...(savesState(scheduler) ? { torch_scheduler_state_dict: scheduler.stateDict() } : {}),
    };
    ckpt.write(params.ckpt_name, record);
    const best = run.bestMetric;
    const improved = watched !== undefined && (best === null || (run.greaterIsBetter ? watched > best : watched < best));
    if (improved) {
      run.bestMetric = watched;
      ckpt.write(params.ckpt_best_name, record);
    }
    if (params.save_ckpt_epoch_list.includes(epoch + 1)) ckpt.write(`ckpt_epoch_${epoch + 1}.pth`, record);
  }

  /** The epoch's line in log.jsonl (when saving) and its summary on stderr. */
  protected logEpoch(run: TrainingRun, record: EpochRecord): void {
    const validLoss = record.valid_loss;
    if (run.params.save_model !== false) fs.appendFileSync(path.join(this.experimentDir, 'log.jsonl'), `${JSON.stringify({ experiment: this.experimentName, ...record })}\n`);
    this.runLogger?.epochEnd(record);
    const fmt = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
    run.progress.summary(
      `Epoch ${record.epoch + 1}/${run.plan.maxEpochs}  train loss ${record.train_loss.toFixed(4)}${run.trainMetrics.length ? '  ' + fmt(record.train_metrics) : ''}` +
        (validLoss !== null ? `  |  valid loss ${validLoss.toFixed(4)}  ${fmt(record.valid_metrics)}` : '') +
        `  |  lr ${Object.entries(record.lr).map(([k, v]) => `${k}=${v.toPrecision(3)}`).join(' ')}  (${record.seconds.toFixed(1)} s)`,
    );
  }

  /**
   * The results key metric_to_watch names (exact, then SG's fuzzy rule). No match among computed
   * metrics is an error; a run that computes no metric at all has nothing to watch (null), and is
   * told so when it writes checkpoints (`bestName`, null when not saving), since that file then
   * never appears.
   */
  private watchedKey(name: string, results: Record<string, number>, bestName: string | null): string | null {
    const available = Object.keys(results);
    const key = resolveMetricName(name, available);
    if (key !== undefined) return key;
    if (available.every((k) => k === 'loss')) {
      if (bestName !== null) {
        process.emitWarning(`training_params.metric_to_watch '${name}': no metric is computed (valid_metrics_list / train_metrics_list are empty), so ${bestName} is not written`, { code: 'SG_NO_METRIC_TO_WATCH' });
      }
      return null;
    }
    throw unknownMetricToWatch(name, available);
  }
}
