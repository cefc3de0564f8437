import { expectBoolean, expectInteger, rangeError, typeError } from '../errors';
import { isDistributedRun, readRankAndWorldSize } from '../distributed/env';

/**
 * What a DataLoader draws its item indices from (PyTorch's `Sampler`): `length` indices per
 * epoch, in the order the iterator yields them. `setEpoch`, when present, is called by
 * `DataLoader.setEpoch` (the Trainer calls it every epoch).
 */
export interface Sampler extends Iterable<number> {
  readonly length: number;
  setEpoch?(epoch: number): void;
}

export interface DistributedSamplerOptions {
  /** Number of processes (default: WORLD_SIZE of a launched run, see sg.distributed.readDistributedEnv). */
  num_replicas?: number;
  /** This process's rank in [0, num_replicas) (default: RANK of a launched run). */
  rank?: number;
  /** Shuffle the indices with a permutation seeded by seed + epoch (default true). */
  shuffle?: boolean;
  /** Must be the same on every process (default 0). */
  seed?: number;
  /** Drop the tail so that every rank gets the same count, instead of padding (default false). */
  drop_last?: boolean;
}

/** Above this n, torch.randperm on CPU uses another algorithm (randperm_cpu's "small n" bound). */
const RANDPERM_SMALL_N = Math.floor(0xffffffff / 20);

/**
 * The 32-bit Mersenne Twister exactly as LibTorch's CPU generator (at::mt19937) runs it after
 * `manual_seed(seed)`: the state is initialised from the seed's low 32 bits, and each draw is
 * the standard tempered output (CPUGeneratorImpl::random()).
 */
function mt19937(seed: number): () => number {
  const state = new Uint32Array(624);
  state[0] = Number(BigInt(seed) & 0xffffffffn); // two's complement for negative seeds, as torch's uint64 cast
  for (let j = 1; j < 624; j++) {
    const prev = state[j - 1] ^ (state[j - 1] >>> 30);
    state[j] = (Math.imul(1812433253, prev) + j) >>> 0;
  }
  let next = 624;
  return () => {
    if (next >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (state[k] & 0x80000000) | (state[(k + 1) % 624] & 0x7fffffff);
        state[k] = state[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      next = 0;
    }
    let y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
}

/**
 * `torch.randperm(n, generator=torch.Generator().manual_seed(seed))` on CPU, index for index:
 * LibTorch's randperm_cpu for n below 2^32/20 swaps r[i] with r[i + random() % (n - i)].
 */
function torchRandperm(n: number, seed: number): number[] {
  if (n >= RANDPERM_SMALL_N) {
    throw rangeError('DistributedSampler(dataset)', `DistributedSampler: shuffling ${n} items is not supported (torch.randperm's order is reproduced below ${RANDPERM_SMALL_N} items)`);
  }
  const random = mt19937(seed);
  const r = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n - 1; i++) {
    const z = random() % (n - i);
    const t = r[i];
    r[i] = r[z + i];
    r[z + i] = t;
  }
  return r;
}

/**
 * PyTorch's `torch.utils.data.DistributedSampler`: restricts each process to its own shard of a
 * data set. With `shuffle` (the default) the indices are permuted as
 * `torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed + epoch))` — the
 * very same permutation as PyTorch's; then the list is padded by repeating indices from its
 * start until it divides evenly by `num_replicas` (or, with `drop_last`, its tail is dropped),
 * and rank r takes every num_replicas-th index from position r. Every rank yields `length`
 * indices. Call `setEpoch(epoch)` before each epoch (DataLoader.setEpoch forwards it, and the
 * Trainer calls that), or every epoch sees the same order.
 *
 * @example
 * const sampler = new sg.data.DistributedSampler(ds, { num_replicas: 2, rank: 0, seed: 0 });
 * const loader = new sg.data.DataLoader(ds, { batch_size: 64, sampler });
 * for (let epoch = 0; epoch < 3; epoch++) { loader.setEpoch(epoch); for (const [x, y] of loader) { ... } }
 */
export class DistributedSampler implements Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices per rank and epoch. */
  readonly numSamples: number;
  /** numSamples × numReplicas: the padded (or truncated) length of the whole index list. */
  readonly totalSize: number;
  private currentEpoch = 0;

  constructor(readonly dataset: { readonly length: number }, options: DistributedSamplerOptions = {}) {
    const n = (dataset as { length?: unknown } | null)?.length;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw typeError('DistributedSampler(dataset)', 'a data set with a length', dataset);
    if (options === null || typeof options !== 'object') throw typeError('DistributedSampler(options)', 'an options object', options);
    const launched = options.num_replicas === undefined || options.rank === undefined ? defaultsFromEnv() : null;
    this.numReplicas = expectInteger('DistributedSampler({num_replicas})', options.num_replicas ?? launched!.worldSize);
    if (this.numReplicas < 1) throw rangeError('DistributedSampler({num_replicas})', `num_replicas must be at least 1, got ${this.numReplicas}`);
    this.rank = expectInteger('DistributedSampler({rank})', options.rank ?? launched!.rank);
    if (this.rank < 0 || this.rank >= this.numReplicas) {
      throw rangeError('DistributedSampler({rank})', `Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    }
    this.shuffle = expectBoolean('DistributedSampler({shuffle})', options.shuffle ?? true);
    this.seed = expectInteger('DistributedSampler({seed})', options.seed ?? 0);
    if (!Number.isSafeInteger(this.seed)) throw rangeError('DistributedSampler({seed})', `seed must be a safe integer, got ${this.seed}`);
    this.dropLast = expectBoolean('DistributedSampler({drop_last})', options.drop_last ?? false);
    // Math.max: Python's ceil(-0.5) is 0, JavaScript's is -0.
    this.numSamples = Math.max(0, this.dropLast && n % this.numReplicas !== 0 ? Math.ceil((n - this.numReplicas) / this.numReplicas) : Math.ceil(n / this.numReplicas));
    this.totalSize = this.numSamples * this.numReplicas;
  }

  /** Indices this rank yields per epoch (PyTorch's `len(sampler)`). */
  get length(): number {
    return this.numSamples;
  }

  /** The epoch whose order the next iteration yields. */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** Chooses the shuffling of the next iterations (seed + epoch), as PyTorch's set_epoch. */
  setEpoch(epoch: number): void {
    this.currentEpoch = expectInteger('DistributedSampler.setEpoch(epoch)', epoch);
  }

  /** This rank's indices for the current epoch. */
  indices(): number[] {
    const n = this.dataset.length;
    let all = this.shuffle ? torchRandperm(n, this.seed + this.currentEpoch) : Array.from({ length: n }, (_, i) => i);
    if (!this.dropLast) {
      const padding = this.totalSize - all.length;
      const extra: number[] = [];
      while (extra.length < padding) extra.push(...all.slice(0, padding - extra.length));
      all = all.concat(extra);
    } else {
      all = all.slice(0, this.totalSize);
    }
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.numReplicas) mine.push(all[i]);
    return mine;
  }

  [Symbol.iterator](): Iterator<number> {
    return this.indices()[Symbol.iterator]();
  }
}

/** num_replicas and rank of a launched run (RANK, WORLD_SIZE), as PyTorch takes them from the process group. */
function defaultsFromEnv(): { worldSize: number; rank: number } {
  if (!isDistributedRun()) {
    throw new TypeError("DistributedSampler needs num_replicas and rank: this process was not started by a launcher (RANK and WORLD_SIZE are not set); pass { num_replicas, rank } or start the processes with 'sg-optim launch'");
  }
  return readRankAndWorldSize(process.env);
}
