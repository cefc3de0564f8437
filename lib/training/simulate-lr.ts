/**
 * The learning rate every optimizer step of a run will use, per group: the training params are
 * merged and validated as the Trainer does, the same callback objects are built, and §10.2's
 * event order is replayed over a stand-in optimizer.
 */
import { isPlainObject } from '../errors';
import { createCallbacks } from './callback-registry';
import { CallbackHandler, LrParamGroup, PhaseContext } from './callbacks';
import { createLrCallbacks } from './lr/factory';
import { mergeTrainingParams } from './params';

export interface SimulatedLr {
  /** Group names, in optimizer order (first group of each name). */
  groups: string[];
  epochs: number;
  batchesPerEpoch: number;
  /** lr[group][epoch][batch]: the LR of that batch's optimizer step, or null when it does not step. */
  lr: Record<string, Array<Array<number | null>>>;
  /** The LR of each group after each epoch (at validation end, where SG's tests read it). */
  epochEnd: Record<string, number[]>;
  /** Every optimizer step in order: {epoch, batch, lr: {group: lr}}. */
  steps: Array<{ epoch: number; batch: number; lr: Record<string, number> }>;
}

export interface SimulateOptions {
  trainLoaderLen: number;
  /** The optimizer's param groups (names and extra keys); default: from initial_lr. */
  groups?: LrParamGroup[];
  /** A model with updateParamGroups (the seed's protocol). */
  net?: unknown;
}

/**
 * @example
 * const sim = sg.training.simulateLr({ max_epochs: 5, initial_lr: 0.1, loss: 'CrossEntropyLoss', lr_mode: 'cosine', lr_warmup_epochs: 1 }, { trainLoaderLen: 100 });
 * sim.lr.default[0][0]; // the LR of the first step
 */
export function simulateLr(trainingParams: Record<string, unknown>, options: SimulateOptions): SimulatedLr {
  const params = mergeTrainingParams({ loss: 'CrossEntropyLoss', ...trainingParams });
  const L = options.trainLoaderLen;
  if (!Number.isInteger(L) || L < 1) throw new TypeError(`simulateLr: trainLoaderLen must be a positive integer, got ${L}`);
  const initial = params.initial_lr;
  if (initial === null || initial === undefined) throw new TypeError('training_params.initial_lr is required');
  const groups: LrParamGroup[] =
    options.groups?.map((g) => ({ ...g })) ??
    (isPlainObject(initial)
      ? [...Object.keys(initial).filter((k) => k !== 'default'), 'default'].filter((k) => k in initial).map((name) => ({ name, lr: (initial as Record<string, number>)[name] }))
      : [{ name: 'default', lr: initial as number }]);
  const optimizer = { paramGroups: groups };
  const { warmup, scheduler } = createLrCallbacks({ trainingParams: params, trainLoaderLen: L, optimizer, net: options.net });
  // The same phase callbacks the Trainer would build (a recipe's names become instances).
  const phaseCallbacks = createCallbacks(params.phase_callbacks, 'training_params.phase_callbacks');
  const handler = new CallbackHandler([...phaseCallbacks, warmup, ...(scheduler ? [scheduler] : [])]);
  const E = params.max_epochs as number;
  const A = params.batch_accumulate as number;
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
  const ctx: PhaseContext = { epoch: 0, batchIdx: null, optimizer, net: options.net, metrics: {}, lrWarmupEpochs: params.lr_warmup_epochs as number, trainingParams: params, trainLoaderLen: L };
  handler.onTrainingStart(ctx);
  for (let e = 0; e < E; e++) {
    ctx.epoch = e;
    ctx.batchIdx = null;
    handler.onTrainLoaderStart(ctx);
    for (const n of names) lr[n].push([]);
    for (let b = 0; b < L; b++) {
      ctx.batchIdx = b;
      handler.onTrainBatchStart(ctx);
      handler.onTrainBatchLossEnd(ctx);
      handler.onTrainBatchBackwardEnd(ctx);
      const steps_here = (b + 1 + L * e) % A === 0;
      if (steps_here) {
        handler.onTrainBatchGradientStepStart(ctx);
        const now = groupLr();
        for (const n of names) lr[n][e].push(now[n] ?? null);
        steps.push({ epoch: e, batch: b, lr: now });
        handler.onTrainBatchGradientStepEnd(ctx);
      } else {
        for (const n of names) lr[n][e].push(null);
      }
      handler.onTrainBatchEnd(ctx);
    }
    handler.onTrainLoaderEnd(ctx);
    handler.onValidationLoaderStart(ctx);
    handler.onValidationLoaderEnd(ctx);
    const end = groupLr();
    for (const n of names) epochEnd[n].push(end[n]);
  }
  handler.onTrainingEnd(ctx);
  return { groups: names, epochs: E, batchesPerEpoch: L, lr, epochEnd, steps };
}
