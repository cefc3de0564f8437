/**
 * What one `Trainer.train()` call works with once prepared ({@link TrainingRun}), and the work of
 * its two loops as objects the event sequence (./event-sequence.ts) drives: {@link TrainEpoch}
 * (forward, backward, optimizer step of each batch) and {@link Validation}. The Trainer builds
 * them in `Trainer.prepare` / `Trainer.runWork`; a multi-process trainer passes its own hooks
 * ({@link TrainHooks}) or subclasses them.
 */
import { Optimizer } from '../optim/optimizer';
import { manualSeed } from '../tensor/creation';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { Callback, CallbackHandler, PhaseContext } from './callbacks';
import { CheckpointDir } from './checkpoints';
import { clipGradNorm } from './clip-grad';
import { ModelEMA } from './ema';
import { TrainEpochWork, RunPlan, ValidationWork } from './event-sequence';
import { LossFunction } from './losses';
import { Metric } from './metrics';
import { TrainingParams } from './params';
import { Progress } from './progress';

/** One batch of a loader: inputs and targets. */
export type Batch = [Tensor, Tensor];

/** What a run needs of a model (Trainer's TrainableModel adds the param-group protocol). */
export interface RunModel {
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
  [Symbol.iterator](): Iterator<Batch>;
  setEpoch?(epoch: number): void;
}

/** The results of the epoch being run, filled in by its phases. */
export interface EpochState {
  /** Date.now() when the epoch began. */
  started: number;
  /** The running sums of the finite training losses (progress shows their mean). */
  lossSum: number;
  lossCount: number;
  /** The epoch's training loss and metrics (set at the epoch's end). */
  trainLoss: number;
  trainMetrics: Record<string, number>;
  /** null: no validation this epoch. */
  validLoss: number | null;
  validMetrics: Record<string, number>;
}

/**
 * The state of one train() call, made by `Trainer.prepare` (criterion, metrics, optimizer,
 * callbacks, resume): everything the phases read. `current` and the fields after it change as the
 * run goes.
 */
export interface TrainingRun {
  readonly model: RunModel;
  /** The model as the LR callbacks see it (with SgModule's default updateParamGroups if needed). */
  readonly net: unknown;
  readonly trainLoader: BatchLoader;
  readonly validLoader: BatchLoader | null;
  readonly params: TrainingParams;
  readonly plan: RunPlan;
  readonly criterion: LossFunction;
  readonly trainMetrics: Metric[];
  readonly validMetrics: Metric[];
  readonly optimizer: Optimizer;
  /** The LR scheduler callback (its state goes into checkpoints when it has one). */
  readonly scheduler: Callback | null;
  readonly handler: CallbackHandler;
  readonly ema: ModelEMA | null;
  readonly ckpt: CheckpointDir;
  readonly ctx: PhaseContext;
  readonly progress: Progress;
  /** Every parameter of the model (gradient clipping). */
  readonly allParams: Tensor[];
  // Settings read once when the run starts (a callback changing trainingParams does not move them).
  readonly clipGradNorm: number | null;
  readonly stopOnNonFinite: boolean;
  readonly metricToWatch: string;
  readonly greaterIsBetter: boolean;
  /** The epoch being run (reset when each epoch begins). */
  current: EpochState;
  bestMetric: number | null;
  /** metric_to_watch's key in the epoch results: undefined until the first results resolve it. */
  watchedKey: string | null | undefined;
  /** The last epoch's validation metrics (training metrics without a validation loader). */
  lastMetrics: Record<string, number>;
}

/** A phase's loss (mean over its batches) and metrics. */
export interface PhaseResults {
  loss: number;
  metrics: Record<string, number>;
}

/** The points where a (multi-process) trainer changes how batches are fetched, stepped and summed up. */
export interface TrainHooks {
  /** The batches of `epoch` (one process: the whole loader, cut at max_train_batches). */
  trainBatches(run: TrainingRun, epoch: number): Iterable<Batch>;
  /** The optimizer step closing an accumulation window (clip, step, zero_grad, EMA update). */
  optimizerStep(run: TrainingRun, globalStep: number): void;
  /** The validation batches (one process: the whole loader, cut at max_valid_batches). */
  validBatches(run: TrainingRun, loader: BatchLoader): Iterable<Batch>;
  /**
   * A phase's results from its metrics and loss sums (one process: {@link localResults}; several:
   * reduce the sums and the metrics' state across processes first).
   */
  results(run: TrainingRun, phase: 'train' | 'valid', metrics: Metric[], lossSum: number, count: number): PhaseResults;
}

/** The results of one process: the mean loss and each metric's compute(). */
export function localResults(metrics: Metric[], lossSum: number, count: number): PhaseResults {
  return { loss: mean(lossSum, count), metrics: Object.fromEntries(metrics.map((m) => [m.name, m.compute()])) };
}

const mean = (sum: number, count: number) => sum / Math.max(1, count);

/** A loader's batches, stopping after `max` (null: all): max_train_batches / max_valid_batches (simulateLr cuts its batch indices with it too). */
export function* firstBatches<T>(loader: Iterable<T>, max: number | null): Generator<T> {
  let b = 0;
  for (const batch of loader) {
    if (max != null && b >= max) break;
    yield batch;
    b += 1;
  }
}

/** The single-process optimizer step (§12 `_backward_step`). */
export function optimizerStep(run: TrainingRun, globalStep: number): void {
  if (run.clipGradNorm !== null) clipGradNorm(run.allParams, run.clipGradNorm);
  run.optimizer.step();
  run.optimizer.zeroGrad();
  if (run.ema) run.ema.update(run.model, globalStep, run.plan.trainLoaderLen * run.plan.maxEpochs);
}

/** One training epoch's work: seeds and modes, forward/loss, backward, the step, progress. */
export class TrainEpoch implements TrainEpochWork<Batch> {
  /** The loss of the batch forward() counted, until backward(). */
  private loss: Tensor | null = null;

  constructor(
    private readonly run: TrainingRun,
    private readonly hooks: TrainHooks,
  ) {}

  begin(epoch: number): void {
    const { run } = this;
    run.current = { started: Date.now(), lossSum: 0, lossCount: 0, trainLoss: 0, trainMetrics: {}, validLoss: null, validMetrics: {} };
    // Data order and dropout depend only on (seed, epoch): a resumed run repeats them exactly.
    manualSeed(run.params.seed + epoch);
    run.trainLoader.setEpoch?.(epoch);
    run.model.train(true);
    run.trainMetrics.forEach((m) => m.reset());
  }

  batches(epoch: number): Iterable<Batch> {
    return this.hooks.trainBatches(this.run, epoch);
  }

  forward(batch: Batch, epoch: number, batchIdx: number): boolean {
    const { run } = this;
    let [inputs, targets] = batch;
    const pre = run.params.pre_prediction_callback;
    if (typeof pre === 'function') [inputs, targets] = pre(inputs, targets, batchIdx);
    const output = run.model.forward(inputs);
    const loss = run.criterion(output, targets);
    const lossValue = Number(loss.item());
    const finite = Number.isFinite(lossValue);
    if (!finite && run.stopOnNonFinite) {
      throw new Error(
        `non-finite loss (${lossValue}) at epoch ${epoch}, batch ${batchIdx}; training stopped (set training_params.stop_on_non_finite_loss: false to continue)`,
      );
    }
    if (!finite) {
      // Continue mode: a NaN/Inf gradient would poison every weight at the next step, so the
      // batch contributes nothing (no metrics, no backward); the loss/backward events skip it.
      process.emitWarning(
        `non-finite loss (${lossValue}) at epoch ${epoch}, batch ${batchIdx}: batch skipped (no backward pass, no optimizer step) because training_params.stop_on_non_finite_loss is false`,
        { code: 'SG_NON_FINITE_LOSS' },
      );
      return false;
    }
    run.current.lossSum += lossValue;
    run.current.lossCount += 1;
    run.trainMetrics.forEach((m) => m.update(output, targets));
    run.ctx.loss = lossValue;
    this.loss = loss;
    return true;
  }

  backward(): void {
    this.loss?.backward();
    this.loss = null;
  }

  step(globalStep: number): void {
    this.hooks.optimizerStep(this.run, globalStep);
  }

  batchEnd(epoch: number, done: number): void {
    const { run } = this;
    run.progress.update({
      epoch,
      epochs: run.plan.maxEpochs,
      batch: done,
      batches: run.plan.trainLoaderLen,
      loss: mean(run.current.lossSum, run.current.lossCount),
      lr: run.optimizer.paramGroups[0]?.lr as number,
    });
  }

  end(): Record<string, number> {
    const state = this.run.current;
    const { loss, metrics } = this.hooks.results(this.run, 'train', this.run.trainMetrics, state.lossSum, state.lossCount);
    state.trainLoss = loss;
    state.trainMetrics = metrics;
    // SG hands TRAIN_EPOCH_END the epoch's training metrics (and loss), so a scheduler there
    // with a metric_name (SG's ReduceLROnPlateau test) reads this epoch's training results.
    return { ...metrics, loss };
  }
}

/** Loss and metrics of the model over the validation loader: EMA weights, eval mode, no gradients. */
export class Validation implements ValidationWork {
  private lossSum = 0;
  private count = 0;

  constructor(
    private readonly run: TrainingRun,
    private readonly loader: BatchLoader,
    private readonly hooks: TrainHooks,
  ) {}

  around(_epoch: number, body: () => void): void {
    const { run } = this;
    const evaluate = () => {
      run.model.eval();
      run.validMetrics.forEach((m) => m.reset());
      this.lossSum = 0;
      this.count = 0;
      body();
      run.model.train(true);
      const { loss, metrics } = this.hooks.results(run, 'valid', run.validMetrics, this.lossSum, this.count);
      run.current.validLoss = loss;
      run.current.validMetrics = metrics;
    };
    if (run.ema) run.ema.withAveragedWeights(run.model, evaluate);
    else evaluate();
  }

  batches(each: (batchIdx: number) => void): void {
    const { run } = this;
    noGrad(() => {
      let b = 0;
      for (const [inputs, targets] of this.hooks.validBatches(run, this.loader)) {
        const output = run.model.forward(inputs);
        this.lossSum += Number(run.criterion(output, targets).item());
        this.count += 1;
        run.validMetrics.forEach((m) => m.update(output, targets));
        each(b);
        b += 1;
      }
    });
  }
}
