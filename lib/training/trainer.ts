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

import { isPlainObject, typeError } from '../errors';
import { Optimizer } from '../optim/optimizer';
import { moduleClassifier } from '../nn/classify';
import { buildOptimizerAndRecord as buildOptimizer, ParamGroupsModel } from './build-optimizer';
import { OptimizerClass } from '../optim/registry';
import { manualSeed } from '../tensor/creation';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { createCallbacks } from './callback-registry';
import { CallbackHandler, PhaseContext } from './callbacks';
import { bestMetricOnResume, CheckpointDir, checkCheckpointNames, checkPlainName, optimizerStateForSaving } from './checkpoints';
import { clipGradNorm } from './clip-grad';
import { ModelEMA } from './ema';
import { createLoss, LossFunction } from './losses';
import { createLrCallbacks } from './lr';
import { createMetrics, Metric } from './metrics';
import { resolveMetricName, unknownMetricToWatch } from './metric-to-watch';
import { mergeTrainingParams } from './params';
import { Progress } from './progress';

/** What the Trainer needs of a model: an sg.nn.Module fits. */
export interface TrainableModel extends ParamGroupsModel {
  forward(input: Tensor): Tensor;
  parameters(): Tensor[];
  train(mode?: boolean): unknown;
  eval(): unknown;
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>, options?: { strict?: boolean }): void;
}

/** A loader: an sg.data.DataLoader or any iterable of [inputs, targets] with a length. */
export interface BatchLoader {
  length: number;
  [Symbol.iterator](): Iterator<[Tensor, Tensor]>;
  setEpoch?(epoch: number): void;
}

export interface TrainerOptions {
  experimentName: string;
  /** Where experiment folders go (default ./checkpoints). */
  ckptRootDir?: string | null;
}

export interface TrainArgs {
  model: TrainableModel;
  trainingParams: Record<string, unknown>;
  trainLoader: BatchLoader;
  validLoader?: BatchLoader | null;
}

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  train_metrics: Record<string, number>;
  valid_loss: number | null;
  valid_metrics: Record<string, number>;
  lr: Record<string, number>;
  seconds: number;
}

export interface TrainResult {
  epochs: EpochRecord[];
  bestMetric: number | null;
  /** The last epoch's validation metrics (or training metrics without a validation loader). */
  metrics: Record<string, number>;
}

function loaderLength(loader: BatchLoader, what: string): number {
  if (!loader || typeof (loader as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
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
  if (groups.length > 0 && groups[0].name === undefined) {
    groups.forEach((g, i) => (g.name = groups.length === 1 ? 'default' : `group_${i}`));
  }
  if (groups.length === 1) return groups[0].lr as number;
  const out: Record<string, number> = {};
  for (const g of groups) out[g.name as string] = g.lr as number;
  return out;
}

export class Trainer {
  readonly experimentName: string;
  readonly ckptRootDir: string;
  /** The optimizer used by the last train() call. */
  optimizer: Optimizer | null = null;
  /** The merged training params of the last train() call. */
  trainingParams: Record<string, unknown> | null = null;
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
    if (!isPlainObject(args)) throw typeError('train(args)', 'an object {model, trainingParams, trainLoader, validLoader}', args);
    const { model, trainLoader } = args;
    const validLoader = args.validLoader ?? null;
    if (!model || typeof model.forward !== 'function' || typeof model.namedParameters !== 'function') {
      throw typeError('train({model})', 'an sg.nn.Module', model);
    }
    const L = loaderLength(trainLoader, 'train({trainLoader})');
    if (validLoader) loaderLength(validLoader, 'train({validLoader})');

    const params = mergeTrainingParams(args.trainingParams) as Record<string, unknown>;
    this.trainingParams = params;
    const seed = params.seed as number;
    manualSeed(seed);

    const ckpt = new CheckpointDir(this.experimentDir);
    checkCheckpointNames(params);
    const criterion: LossFunction = createLoss(params.loss, params.criterion_params);
    const trainMetrics: Metric[] = createMetrics(params.train_metrics_list, 'training_params.train_metrics_list');
    const validMetrics: Metric[] = createMetrics(params.valid_metrics_list, 'training_params.valid_metrics_list');

    // Optimizer: a name, a class, or an instance (§1.3, §5).
    const opt = params.optimizer;
    let optimizer: Optimizer;
    if (opt instanceof Optimizer) {
      if (params.initial_lr !== null && params.initial_lr !== undefined) {
        throw new Error('An instantiated optimizer cannot be passed along initial_lr != None');
      }
      optimizer = opt;
      params.initial_lr = initialLrFromOptimizer(optimizer);
    } else if (typeof opt === 'string' || typeof opt === 'function') {
      if (params.initial_lr === null || params.initial_lr === undefined) {
        throw new Error('training_params.initial_lr is required (a number or a {default, <prefix>: lr} mapping)');
      }
      optimizer = buildOptimizer(model, params.initial_lr as number | Record<string, number>, params, moduleClassifier);
    } else {
      throw typeError('training_params.optimizer', 'an optimizer name, class or instance', opt as OptimizerClass);
    }
    this.optimizer = optimizer;

    const clip = params.clip_grad_norm;
    if (clip !== null && clip !== undefined && (typeof clip !== 'number' || clip <= 0)) {
      throw new RangeError(`Invalid clip_grad_norm ${String(clip)}: it must be a positive number or null`);
    }

    // The seed's protocol: a model with initializeParamGroups but without updateParamGroups gets
    // SgModule's default update (every group to the scheduled lr).
    const net =
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

    // Resume (§12 step 8, 11).
    let startEpoch = 0;
    let bestMetric: number | null = null;
    let resumedEma: Record<string, Tensor> | null = null;
    if (params.resume) {
      const resumed = ckpt.read((params.resume_path as string | null) ?? (params.ckpt_name as string));
      // The weights go back as they were when the optimizer or scheduler state does not fit.
      const weightsBefore = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
      model.loadStateDict(resumed.net);
      try {
        if (params.load_opt_params !== false && resumed.optimizer_state_dict) {
          optimizer.loadStateDict(resumed.optimizer_state_dict as never);
        }
        if (scheduler && typeof (scheduler as { loadStateDict?: unknown }).loadStateDict === 'function' && resumed.torch_scheduler_state_dict) {
          (scheduler as unknown as { loadStateDict(s: unknown): void }).loadStateDict(resumed.torch_scheduler_state_dict);
        }
      } catch (err) {
        model.loadStateDict(weightsBefore);
        throw err;
      }
      startEpoch = resumed.epoch;
      bestMetric = bestMetricOnResume(ckpt, params.ckpt_best_name as string, resumed);
      resumedEma = resumed.ema_net ?? null;
    }

    const maxEpochs = params.max_epochs as number;
    const A = params.batch_accumulate as number;
    const ema = params.ema ? new ModelEMA(model, (params.ema_params ?? {}) as never) : null;
    if (ema && resumedEma) ema.state = resumedEma;
    this.ema = ema;
    const metricToWatch = String(params.metric_to_watch ?? 'Accuracy');
    const greaterIsBetter = params.greater_metric_to_watch_is_better !== false;
    const progress = new Progress(process.stderr, Boolean(params.silent_mode));
    const logFile = path.join(this.experimentDir, 'log.jsonl');
    if (params.save_model !== false) fs.mkdirSync(this.experimentDir, { recursive: true });
    const stopOnNonFinite = params.stop_on_non_finite_loss !== false;
    const allParams = model.parameters();

    const ctx = {
      epoch: startEpoch,
      batchIdx: null as number | null,
      optimizer,
      net,
      metrics: {} as Record<string, number>,
      lrWarmupEpochs: params.lr_warmup_epochs as number,
      trainingParams: params,
      trainLoaderLen: L,
    } as unknown as PhaseContext;
    const c = ctx as unknown as Record<string, unknown>;

    handler.onTrainingStart?.(ctx);
    const epochs: EpochRecord[] = [];
    let lastMetrics: Record<string, number> = {};
    // Whether gradients were accumulated since the last step (accumulation windows straddle epochs).
    let pendingGrads = false;
    // metric_to_watch's key in the epoch results: undefined until the first validation resolves it.
    let watchedKey: string | null | undefined;
    for (let epoch = startEpoch; epoch < maxEpochs; epoch++) {
      const started = Date.now();
      c.epoch = epoch;
      c.batchIdx = null;
      // Data order and dropout depend only on (seed, epoch): a resumed run repeats them exactly.
      manualSeed(seed + epoch);
      trainLoader.setEpoch?.(epoch);
      model.train(true);
      trainMetrics.forEach((m) => m.reset());
      handler.onTrainLoaderStart(ctx);
      let lossSum = 0;
      let lossCount = 0;
      let b = 0;
      for (const batch of trainLoader) {
        if (params.max_train_batches != null && b >= (params.max_train_batches as number)) break;
        c.batchIdx = b;
        handler.onTrainBatchStart(ctx);
        let [inputs, targets] = batch;
        if (typeof params.pre_prediction_callback === 'function') {
          [inputs, targets] = (params.pre_prediction_callback as (i: Tensor, t: Tensor, b: number) => [Tensor, Tensor])(inputs, targets, b);
        }
        const output = model.forward(inputs);
        const loss = criterion(output, targets);
        const lossValue = Number(loss.item());
        const finite = Number.isFinite(lossValue);
        if (!finite && stopOnNonFinite) {
          throw new Error(
            `non-finite loss (${lossValue}) at epoch ${epoch}, batch ${b}; training stopped (set training_params.stop_on_non_finite_loss: false to continue)`,
          );
        }
        if (finite) {
          lossSum += lossValue;
          lossCount += 1;
          trainMetrics.forEach((m) => m.update(output, targets));
          c.loss = lossValue;
          handler.onTrainBatchLossEnd(ctx);
          loss.backward();
          pendingGrads = true;
          handler.onTrainBatchBackwardEnd(ctx);
        } else {
          // Continue mode: a NaN/Inf gradient would poison every weight at the next step, so the
          // batch contributes nothing (no metrics, no backward); the loss/backward events skip it.
          process.emitWarning(
            `non-finite loss (${lossValue}) at epoch ${epoch}, batch ${b}: batch skipped (no backward pass, no optimizer step) because training_params.stop_on_non_finite_loss is false`,
            { code: 'SG_NON_FINITE_LOSS' },
          );
        }
        const globalStep = b + 1 + L * epoch;
        // A window whose only batches were skipped has no gradient: no step and no step events.
        if (globalStep % A === 0 && pendingGrads) {
          handler.onTrainBatchGradientStepStart(ctx);
          if (typeof clip === 'number') clipGradNorm(allParams, clip);
          optimizer.step();
          optimizer.zeroGrad();
          pendingGrads = false;
          if (ema) ema.update(model, globalStep, L * maxEpochs);
          handler.onTrainBatchGradientStepEnd(ctx);
        }
        handler.onTrainBatchEnd(ctx);
        b += 1;
        progress.update({ epoch, epochs: maxEpochs, batch: b, batches: L, loss: lossSum / Math.max(1, lossCount), lr: optimizer.paramGroups[0]?.lr as number });
        // Yield to the event loop every batch: Node-API frees collected tensors' native memory
        // only then (and timers, signals and I/O get their turn).
        await new Promise((resolve) => setImmediate(resolve));
      }
      const trainMetricValues = Object.fromEntries(trainMetrics.map((m) => [m.name, m.compute()]));
      // SG hands TRAIN_EPOCH_END the epoch's training metrics (and loss), so a scheduler there
      // with a metric_name (SG's ReduceLROnPlateau test) reads this epoch's training results.
      c.metrics = { ...trainMetricValues, loss: lossSum / Math.max(1, lossCount) };
      handler.onTrainLoaderEnd(ctx);

      // Validation.
      let validLoss: number | null = null;
      let validMetricValues: Record<string, number> = {};
      if (validLoader && (epoch + 1) % ((params.run_validation_freq as number) || 1) === 0) {
        const evaluate = () => this.evaluate(model, validLoader, criterion, validMetrics, params, ctx, handler);
        const result = ema ? ema.withAveragedWeights(model, evaluate) : evaluate();
        validLoss = result.loss;
        validMetricValues = result.metrics;
      }
      const epochMetrics = validLoader ? validMetricValues : trainMetricValues;
      c.metrics = { ...epochMetrics, ...(validLoss !== null ? { loss: validLoss } : {}) };
      handler.onValidationLoaderEnd?.(ctx);
      lastMetrics = epochMetrics;

      // Checkpoints. Metrics win over the validation loss when a metric is itself named `loss`.
      const results: Record<string, number> = { ...(validLoss !== null ? { loss: validLoss } : {}), ...epochMetrics };
      const haveResults = validLoader ? validLoss !== null : true;
      if (watchedKey === undefined && haveResults) watchedKey = this.watchedKey(metricToWatch, results, params.save_model !== false);
      const watched = watchedKey ? results[watchedKey] : undefined;
      if (params.save_model !== false) {
        const record = {
          net: model.stateDict(),
          acc: watched ?? null,
          epoch: epoch + 1,
          optimizer_state_dict: optimizerStateForSaving(optimizer.stateDict() as never),
          metrics: epochMetrics,
          ...(ema ? { ema_net: ema.state } : {}),
          ...(scheduler && typeof (scheduler as { stateDict?: unknown }).stateDict === 'function'
            ? { torch_scheduler_state_dict: (scheduler as unknown as { stateDict(): unknown }).stateDict() }
            : {}),
        };
        ckpt.write(params.ckpt_name as string, record as never);
        const improved = watched !== undefined && (bestMetric === null || (greaterIsBetter ? watched > bestMetric : watched < bestMetric));
        if (improved) {
          bestMetric = watched as number;
          ckpt.write(params.ckpt_best_name as string, record as never);
        }
        if (((params.save_ckpt_epoch_list ?? []) as number[]).includes(epoch + 1)) ckpt.write(`ckpt_epoch_${epoch + 1}.pth`, record as never);
      }

      const record: EpochRecord = {
        epoch,
        train_loss: lossSum / Math.max(1, lossCount),
        train_metrics: trainMetricValues,
        valid_loss: validLoss,
        valid_metrics: validMetricValues,
        lr: groupLrs(optimizer),
        seconds: (Date.now() - started) / 1000,
      };
      epochs.push(record);
      if (params.save_model !== false) fs.appendFileSync(logFile, `${JSON.stringify({ experiment: this.experimentName, ...record })}\n`);
      const fmt = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
      progress.summary(
        `Epoch ${epoch + 1}/${maxEpochs}  train loss ${record.train_loss.toFixed(4)}${trainMetrics.length ? '  ' + fmt(trainMetricValues) : ''}` +
          (validLoss !== null ? `  |  valid loss ${validLoss.toFixed(4)}  ${fmt(validMetricValues)}` : '') +
          `  |  lr ${Object.entries(record.lr).map(([k, v]) => `${k}=${v.toPrecision(3)}`).join(' ')}  (${record.seconds.toFixed(1)} s)`,
      );
    }
    handler.onTrainingEnd?.(ctx);
    return { epochs, bestMetric, metrics: lastMetrics };
  }

  /**
   * The results key metric_to_watch names (exact, then SG's fuzzy rule). No match among computed
   * metrics is an error; a run that computes no metric at all has nothing to watch (null), and is
   * told so when it writes checkpoints, since ckpt_best.pth then never appears.
   */
  private watchedKey(name: string, results: Record<string, number>, saving: boolean): string | null {
    const available = Object.keys(results);
    const key = resolveMetricName(name, available);
    if (key !== undefined) return key;
    if (available.every((k) => k === 'loss')) {
      if (saving) {
        process.emitWarning(`training_params.metric_to_watch '${name}': no metric is computed (valid_metrics_list / train_metrics_list are empty), so ${String(this.trainingParams?.ckpt_best_name ?? 'ckpt_best.pth')} is not written`, { code: 'SG_NO_METRIC_TO_WATCH' });
      }
      return null;
    }
    throw unknownMetricToWatch(name, available);
  }

  /** Loss and metrics of `model` over `loader`, without gradients, in eval mode. */
  private evaluate(
    model: TrainableModel,
    loader: BatchLoader,
    criterion: LossFunction,
    metrics: Metric[],
    params: Record<string, unknown>,
    ctx: PhaseContext,
    handler: CallbackHandler,
  ): { loss: number; metrics: Record<string, number> } {
    model.eval();
    metrics.forEach((m) => m.reset());
    let lossSum = 0;
    let count = 0;
    handler.onValidationLoaderStart?.(ctx);
    noGrad(() => {
      let b = 0;
      for (const [inputs, targets] of loader) {
        if (params.max_valid_batches != null && b >= (params.max_valid_batches as number)) break;
        const output = model.forward(inputs);
        lossSum += Number(criterion(output, targets).item());
        count += 1;
        metrics.forEach((m) => m.update(output, targets));
        (ctx as unknown as Record<string, unknown>).batchIdx = b;
        handler.onValidationBatchEnd?.(ctx);
        b += 1;
      }
    });
    model.train(true);
    return { loss: lossSum / Math.max(1, count), metrics: Object.fromEntries(metrics.map((m) => [m.name, m.compute()])) };
  }
}
