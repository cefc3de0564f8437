/**
 * The one place where the order of a training run's phase-callback events lives (spec §10.2 and
 * §12, `_backward_step`): which event fires when, relative to the work of the run. The Trainer and
 * `simulateLr` both run {@link trainingEvents}; they differ only in the work they plug in (the
 * Trainer: forward, backward, optimizer step, validation, checkpoints; simulateLr: recording the
 * LR of each step), so they cannot disagree on the order.
 *
 * ```
 * onTrainingStart
 * for epoch in startEpoch .. maxEpochs-1:
 *   train.begin;                   onTrainLoaderStart                       (TRAIN_EPOCH_START)
 *   for each batch b:
 *                                  onTrainBatchStart
 *     train.forward                onTrainBatchLossEnd                      (TRAIN_BATCH_END)
 *     train.backward               onTrainBatchBackwardEnd                  (skipped, with the loss event, for a batch forward() does not count)
 *     if (b+1 + L·epoch) % A == 0 and a counted batch is pending:
 *                                  onTrainBatchGradientStepStart
 *       train.step                 onTrainBatchGradientStepEnd              (TRAIN_BATCH_STEP)
 *                                  onTrainBatchEnd
 *     train.batchEnd; yield        (an async consumer awaits here)
 *   ctx.metrics = train.end;       onTrainLoaderEnd                         (TRAIN_EPOCH_END)
 *   if a validation loader exists and (epoch+1) % run_validation_freq == 0:
 *     validation.around(           onValidationLoaderStart                  (VALIDATION_EPOCH_START)
 *       for each validation batch: onValidationBatchEnd)                    (VALIDATION_BATCH_END)
 *   ctx.metrics = epoch.results
 *   if (epoch+1) % run_validation_freq == 0:
 *                                  onValidationLoaderEnd                    (VALIDATION_EPOCH_END)
 *   epoch.end                      (checkpoints, log)
 * onTrainingEnd
 * ```
 *
 * onValidationLoaderStart and onValidationLoaderEnd fire only in epochs that validate, as in
 * SuperGradients' `Trainer.train` (both inside `if (epoch + 1) % self.run_validation_freq == 0:`):
 * a VALIDATION_EPOCH_END scheduler (ReduceLROnPlateau) steps once per validation. A run without a
 * validation loader (SG has none) fires VALIDATION_EPOCH_END in the epochs that would validate,
 * with the training results as the epoch's results, so that such a scheduler still steps.
 *
 * Hook points for a multi-process (DDP) trainer: every piece of work is a method of the objects
 * passed in, so a multi-process trainer supplies its own (the Trainer's protected methods):
 * `train.batches` and `validation.batches` take the rank's shard (Trainer.trainBatches /
 * validBatches), `train.step` all-reduces gradients before stepping (Trainer.optimizerStep),
 * `train.end` and the validation reduce losses and metrics across ranks before callbacks see them
 * (Trainer.phaseResults), and `epoch.end` writes checkpoints and logs on rank 0 only
 * (Trainer.isMainProcess). The event order itself stays here, the same on every rank, so every
 * rank's callbacks (and LR schedules) see the same events.
 */
import { Callback, EventName, PhaseContext } from './callbacks';

/** The work of one training epoch, around the events. `B` is the consumer's batch type. */
export interface TrainEpochWork<B> {
  /** Before TRAIN_EPOCH_START: seeds, the loader's epoch, train mode, metric reset. */
  begin(epoch: number): void;
  /** The epoch's batches (the Trainer: its loader, cut at max_train_batches). */
  batches(epoch: number): Iterable<B>;
  /**
   * Forward pass and loss of one batch (sets `ctx.loss`). False when the batch counts for
   * nothing (a skipped non-finite loss): no loss and backward events, no backward pass.
   */
  forward(batch: B, epoch: number, batchIdx: number): boolean;
  /** The backward pass of the batch forward() just counted. */
  backward(): void;
  /** The optimizer step closing an accumulation window (clip, step, zero_grad, EMA). */
  step(globalStep: number): void;
  /** After the batch's last event (progress); `done` batches of this epoch are finished. */
  batchEnd(epoch: number, done: number): void;
  /** After the last batch: the epoch's training results, which TRAIN_EPOCH_END sees in ctx.metrics. */
  end(epoch: number): Record<string, number>;
}

/** The work of one validation pass. */
export interface ValidationWork {
  /** Runs `body` with the model set up for validation (EMA weights, eval mode), restoring afterwards, also on error. */
  around(epoch: number, body: () => void): void;
  /** Runs the validation batches, calling `each(batchIdx)` after each batch's loss and metrics. */
  batches(each: (batchIdx: number) => void): void;
}

/** The work at the end of each epoch. */
interface EpochEndWork {
  /** After validation (or in its place): the results VALIDATION_EPOCH_END sees in ctx.metrics. */
  results(epoch: number, validated: boolean): Record<string, number>;
  /** After VALIDATION_EPOCH_END: checkpoints, the log line, the summary. */
  end(epoch: number): void;
}

export interface RunWork<B> {
  train: TrainEpochWork<B>;
  /** null: the run has no validation loader. */
  validation: ValidationWork | null;
  epoch: EpochEndWork;
}

/** The numbers that shape the sequence. */
export interface RunPlan {
  startEpoch: number;
  maxEpochs: number;
  /** len(train_loader): the step counter uses the full length even when batches are cut short. */
  trainLoaderLen: number;
  batchAccumulate: number;
  /** Validation runs when (epoch + 1) % runValidationFreq == 0 (0 counts as 1), ... */
  runValidationFreq: number;
  /** ... and in the epochs whose checkpoint is kept (save_ckpt_epoch_list, 1-based), and the last. */
  saveCkptEpochList?: readonly number[];
}

/**
 * Whether an epoch validates (given a validation loader), as SG's _should_run_validation_for_epoch:
 * every runValidationFreq epochs, the last epoch, and the epochs of save_ckpt_epoch_list (so that
 * the final and the kept checkpoints carry a validation result).
 */
function validatesAt(epoch: number, plan: RunPlan): boolean {
  const n = epoch + 1;
  return n % (plan.runValidationFreq || 1) === 0 || n === plan.maxEpochs || (plan.saveCkptEpochList ?? []).includes(n);
}

/**
 * Runs a training run's work and fires its events in SuperGradients' order on `handler`, with
 * `ctx` kept current (epoch, batchIdx, metrics). Yields after every training batch: a synchronous
 * consumer drains it (`for (const _ of gen);`), the Trainer awaits the event loop at each yield.
 * An error thrown by the work or a callback ends the run there.
 */
export function* trainingEvents<B>(plan: RunPlan, work: RunWork<B>, handler: Callback, ctx: PhaseContext): Generator<void, void, void> {
  const fire = (event: EventName) => handler[event](ctx);
  const { trainLoaderLen: L, batchAccumulate: A } = plan;
  fire('onTrainingStart');
  // Whether a counted batch's gradients wait for a step (accumulation windows straddle epochs).
  let pending = false;
  for (let epoch = plan.startEpoch; epoch < plan.maxEpochs; epoch++) {
    ctx.epoch = epoch;
    ctx.batchIdx = null;
    work.train.begin(epoch);
    fire('onTrainLoaderStart');
    let b = 0;
    for (const batch of work.train.batches(epoch)) {
      ctx.batchIdx = b;
      fire('onTrainBatchStart');
      if (work.train.forward(batch, epoch, b)) {
        fire('onTrainBatchLossEnd');
        work.train.backward();
        pending = true;
        fire('onTrainBatchBackwardEnd');
      }
      // A window whose only batches were skipped has no gradient: no step and no step events.
      const globalStep = b + 1 + L * epoch;
      if (globalStep % A === 0 && pending) {
        fire('onTrainBatchGradientStepStart');
        work.train.step(globalStep);
        pending = false;
        fire('onTrainBatchGradientStepEnd');
      }
      fire('onTrainBatchEnd');
      b += 1;
      work.train.batchEnd(epoch, b);
      yield;
    }
    ctx.metrics = work.train.end(epoch);
    fire('onTrainLoaderEnd');
    const validation = work.validation;
    const due = validatesAt(epoch, plan);
    const validated = validation !== null && due;
    if (validated) {
      validation.around(epoch, () => {
        fire('onValidationLoaderStart');
        validation.batches((batchIdx) => {
          ctx.batchIdx = batchIdx;
          fire('onValidationBatchEnd');
        });
      });
    }
    ctx.metrics = work.epoch.results(epoch, validated);
    if (due) fire('onValidationLoaderEnd');
    work.epoch.end(epoch);
  }
  fire('onTrainingEnd');
}

/** Runs a sequence to its end synchronously (simulateLr; tests). */
export function drain(events: Generator<void, void, void>): void {
  for (let r = events.next(); !r.done; r = events.next());
}
