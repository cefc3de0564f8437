/**
 * The Trainer of one process of a data-parallel run (SuperGradients' DDP mode), for processes
 * started by `sg-optim launch` (or by `sg-optim train` itself for `multi_gpu: DDP`): it joins the
 * default process group (env://, Gloo) unless the caller did, wraps the model in
 * DistributedDataParallel (rank 0's weights everywhere, gradients averaged inside backward),
 * gives each rank its shard of the loaders through a DistributedSampler (the Trainer's setEpoch
 * reaches it every epoch), sums the loss and averages the metrics across ranks at the end of
 * each phase (SG's reduce_results_tuple_for_ddp), and lets rank 0 alone write checkpoints, the
 * log, the run report and the progress bar. Resuming: every rank reads the same checkpoint.
 * `sync_bn: true` turns every BatchNorm into a SyncBatchNorm first. `zero_redundancy: true` wraps
 * the optimizer in a ZeroRedundancyOptimizer (ZeRO-1: each rank keeps the state of its shard of
 * the parameters); its checkpoints hold the consolidated state, in the unsharded layout, so that
 * a run resumes with or without it.
 *
 * The recipe's batch_size is per process, as in SG: N processes with batch B train as one
 * process with batch N·B on the same data order (unshuffled; shuffled, the sampler's order).
 */
import { allReduce } from '../distributed/collectives';
import { DEFAULT_TIMEOUT_MS, getRank, getWorldSize, initProcessGroup, isInitialized } from '../distributed/process-group';
import { DataLoader } from '../data/data-loader';
import { DistributedSampler } from '../data/distributed-sampler';
import { DistributedDataParallel } from '../nn/distributed-data-parallel';
import { Module } from '../nn/module';
import { SyncBatchNorm } from '../nn/sync-batch-norm';
import { isPlainObject, typeError } from '../errors';
import { Optimizer } from '../optim/optimizer';
import { ZeroRedundancyOptimizer } from '../optim/zero-redundancy-optimizer';
import { tensor } from '../tensor/creation';
import type { Metric } from './metrics';
import { Batch, BatchLoader, PhaseResults, TrainingRun } from './trainer-run';
import type { TrainingParams } from './params';
import { TrainArgs, Trainer, TrainerOptions } from './trainer';

export interface DistributedTrainerOptions extends TrainerOptions {
  /** Bound of the rendezvous and of every collective when this Trainer joins the group (default 30 minutes). */
  timeoutMs?: number;
  /** DistributedDataParallel's bucket size in MiB (default 25). */
  bucketCapMb?: number;
}

/**
 * This rank's shard of a DataLoader: the same batches of a DistributedSampler's indices (PyTorch's
 * padding, shuffled by seed + epoch when the loader shuffles). A loader with a sampler of its own
 * is kept as it is. (Exported for the in-process tests; DistributedTrainer calls it with the group's rank.)
 */
export function shardLoader(loader: BatchLoader, rank: number, worldSize: number, what: string): BatchLoader {
  if (!(loader instanceof DataLoader)) {
    throw new Error(`${what}: a data-parallel run shards an sg.data.DataLoader with a DistributedSampler; got another iterable (shard it yourself and use the plain Trainer)`);
  }
  if (loader.sampler !== undefined) return loader; // the caller chose the sampler (a DistributedSampler, presumably)
  const sampler = new DistributedSampler(loader.dataset, { num_replicas: worldSize, rank, shuffle: loader.shuffle, seed: loader.seed });
  return loader.withSampler(sampler);
}

/**
 * A phase's results from the sums across ranks of `[lossSum, batchCount, ...metricValues]`: the
 * loss is the summed loss over the summed batch count (0 batches: the sum itself), each metric
 * the mean of the ranks' values. (Exported for the in-process tests.)
 */
export function reducedPhaseResults(sums: number[], metricNames: string[], worldSize: number): PhaseResults {
  const [sum, n, ...metricSums] = sums;
  return { loss: sum / Math.max(1, n), metrics: Object.fromEntries(metricNames.map((name, i) => [name, metricSums[i] / worldSize])) };
}

/**
 * The Trainer of a launched process. Use it in a script started by `sg-optim launch`; `sg-optim
 * train` uses it for recipes with `multi_gpu: DDP`.
 *
 * @example
 * // sg-optim launch --nproc-per-node 2 -- train.js
 * const trainer = new sg.training.DistributedTrainer({ experimentName: 'mnist_ddp' });
 * await trainer.train({ model, trainingParams, trainLoader, validLoader });
 */
export class DistributedTrainer extends Trainer {
  readonly #timeoutMs: number;
  readonly #bucketCapMb: number | undefined;
  /** The wrapper of the last train() call. */
  ddp: DistributedDataParallel | null = null;

  constructor(options: DistributedTrainerOptions) {
    // Anything but an object goes to the Trainer as it is, for its own error (Trainer(options)).
    const given = isPlainObject(options) ? options : null;
    const { timeoutMs, bucketCapMb, ...rest } = given ?? ({} as DistributedTrainerOptions);
    super(given ? rest : options);
    this.#timeoutMs = timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#bucketCapMb = bucketCapMb;
  }

  protected override prepare(args: TrainArgs): TrainingRun {
    if (!isInitialized()) initProcessGroup({ backend: 'gloo', timeoutMs: this.#timeoutMs });
    // sync_bn (SG's key): every BatchNorm becomes a SyncBatchNorm with the same tensors, before the
    // optimizer is built and the model wrapped, as SG converts before its DDP wrap.
    const syncBn = isPlainObject(args.trainingParams) ? args.trainingParams.sync_bn : undefined;
    if (syncBn !== undefined && syncBn !== null && typeof syncBn !== 'boolean') throw typeError('training_params.sync_bn', 'a boolean', syncBn);
    if (syncBn === true && args.model instanceof Module) SyncBatchNorm.convertSyncBatchnorm(args.model);
    const rank = getRank();
    const worldSize = getWorldSize();
    const sharded: TrainArgs = {
      ...args,
      trainLoader: shardLoader(args.trainLoader, rank, worldSize, 'train({trainLoader})'),
      validLoader: args.validLoader ? shardLoader(args.validLoader, rank, worldSize, 'train({validLoader})') : args.validLoader,
    };
    // The plain Trainer builds the optimizer and resumes (every rank from the same file); then the
    // wrap broadcasts rank 0's weights and hooks the parameters. The run keeps the plain model:
    // its checkpoints have the model's own keys (SG's unwrap_model), and the hooks live on the
    // parameters, so its forward/backward is averaged all the same (trainBatches broadcasts the
    // buffers before each batch, as DDP's forward would).
    const run = super.prepare(sharded);
    if (this.ddp) this.ddp.detachHooks();
    this.ddp = new DistributedDataParallel(args.model as unknown as Module, this.#bucketCapMb === undefined ? {} : { bucketCapMb: this.#bucketCapMb });
    return run;
  }

  /**
   * `zero_redundancy: true`: the optimizer the plain Trainer built, as the same class over the same
   * groups and options, sharded by ZeroRedundancyOptimizer (before any resume loads its state).
   */
  protected override wrapOptimizer(optimizer: Optimizer, params: TrainingParams): Optimizer {
    const zero = params.zero_redundancy;
    if (zero === undefined || zero === null || zero === false) return optimizer;
    if (zero !== true) throw typeError('training_params.zero_redundancy', 'a boolean', zero);
    if (optimizer instanceof ZeroRedundancyOptimizer) return optimizer;
    const groups = optimizer.paramGroups.map((g) => ({ ...g, params: [...g.params] }));
    return new ZeroRedundancyOptimizer(groups, optimizer.constructor as never, { ...optimizer.defaults });
  }

  /** A sharded optimizer's state is gathered to rank 0 (a collective: every rank comes here) before rank 0 saves it. */
  protected override beforeCheckpoint(run: TrainingRun): void {
    if (run.optimizer instanceof ZeroRedundancyOptimizer) run.optimizer.consolidateStateDict(0);
  }

  /** The rank's shard, each batch preceded by DistributedDataParallel's buffer broadcast (what its forward does in training mode). */
  protected override trainBatches(run: TrainingRun, epoch: number): Iterable<Batch> {
    const batches = super.trainBatches(run, epoch);
    const ddp = this.ddp;
    return (function* () {
      for (const batch of batches) {
        ddp?.syncBuffers();
        yield batch;
      }
    })();
  }

  /** SG's reduce_results_tuple_for_ddp: the loss sums and batch counts summed, the metrics averaged across ranks. */
  protected override phaseResults(_run: TrainingRun, _phase: 'train' | 'valid', metrics: Metric[], lossSum: number, count: number): PhaseResults {
    const values = tensor([lossSum, count, ...metrics.map((m) => m.compute())], { dtype: 'float64' });
    allReduce(values, { op: 'sum' });
    return reducedPhaseResults(values.toArray(), metrics.map((m) => m.name), getWorldSize());
  }

  protected override isMainProcess(): boolean {
    return isInitialized() ? getRank() === 0 : true;
  }
}
