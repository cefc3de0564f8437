/**
 * The default process group, as torch.distributed's init_process_group(init_method="env://"):
 * c10d's TCPStore rendezvous at MASTER_ADDR:MASTER_PORT (rank 0 hosts it) and a c10d backend,
 * ProcessGroupGloo on CPU or ProcessGroupNCCL on CUDA builds. Everything blocks the calling
 * thread for at most `timeoutMs`: a peer that never comes, or dies, is an Error, never a hang.
 */
import { expectInteger, rangeError, typeError, unknownNameError, withErrorInfo } from '../errors';
import { native } from '../native';
import { readDistributedEnv } from './env';

/** c10d's backends: Gloo (CPU tensors) and NCCL (CUDA tensors, CUDA builds only). */
export type DistributedBackend = 'gloo' | 'nccl';

const BACKENDS: readonly DistributedBackend[] = ['gloo', 'nccl'];

/** PyTorch's default timeout of a process group (30 minutes). */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

export interface InitProcessGroupOptions {
  /** 'gloo' (default) or 'nccl'. */
  backend?: DistributedBackend;
  /** Bound of the rendezvous and of every collective, in milliseconds (default 30 minutes, as PyTorch). */
  timeoutMs?: number;
  /** Where RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT are read (default process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Joins the default process group: reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (as
 * `sg-optim launch` and torchrun set them), rendezvouses through c10d's TCPStore and connects
 * the backend. Errors name what is wrong: a missing variable, a port in use on rank 0, ranks
 * given different WORLD_SIZEs, a peer that did not come within `timeoutMs`.
 *
 * @example
 * sg.distributed.initProcessGroup({ backend: 'gloo', timeoutMs: 60000 });
 * const t = sg.tensor([sg.distributed.getRank()]);
 * sg.distributed.allReduce(t, { op: 'sum' });
 * sg.distributed.destroyProcessGroup();
 */
export function initProcessGroup(options: InitProcessGroupOptions = {}): void {
  if (options === null || typeof options !== 'object') throw typeError('initProcessGroup(options)', 'an options object', options);
  for (const key of Object.keys(options)) {
    if (!['backend', 'timeoutMs', 'env'].includes(key)) throw unknownNameError('initProcessGroup option', key, ['backend', 'timeoutMs', 'env'], key);
  }
  const backend = options.backend ?? 'gloo';
  if (typeof backend !== 'string') throw typeError('backend', "'gloo' or 'nccl'", backend);
  if (!BACKENDS.includes(backend)) throw unknownNameError('backend', backend, BACKENDS, 'backend');
  const available = native.distributedBackends();
  if (!available.includes(backend)) {
    const why = backend === 'nccl' ? 'NCCL needs a CUDA build against a LibTorch with NCCL' : 'its LibTorch has no ProcessGroupGloo';
    throw withErrorInfo(new Error(`sg-optim was built without c10d ${backend === 'gloo' ? 'Gloo' : 'NCCL'}: ${why} (this binary has: ${available.join(', ') || 'none'})`), 'backend', 'ERR_RANGE');
  }
  // Before the rendezvous: ProcessGroupNCCL would be created, and fail only at the first collective.
  if (backend === 'nccl' && !native.cudaAvailable()) {
    throw withErrorInfo(new Error("backend 'nccl' needs a CUDA device, and none is usable here (sg.cudaAvailable() is false); use backend 'gloo' for CPU tensors"), 'backend', 'ERR_RANGE');
  }
  const timeoutMs = expectInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (timeoutMs < 1) throw rangeError('timeoutMs', `timeoutMs must be at least 1, got ${timeoutMs}`);
  const env = readDistributedEnv(options.env ?? process.env);
  native.initProcessGroup(backend, env.rank, env.worldSize, env.masterAddr, env.masterPort, timeoutMs);
}

/** True once initProcessGroup succeeded (and until destroyProcessGroup). */
export function isInitialized(): boolean {
  return native.isProcessGroupInitialized();
}

/** This process's rank in the default group (an Error before initProcessGroup, as PyTorch's). */
export function getRank(): number {
  return native.processGroupInfo().rank;
}

/** The number of processes of the default group. */
export function getWorldSize(): number {
  return native.processGroupInfo().worldSize;
}

/** The default group's backend. */
export function getBackend(): DistributedBackend {
  return native.processGroupInfo().backend as DistributedBackend;
}

/** Leaves the default process group (closing its connections); does nothing when none is initialised. */
export function destroyProcessGroup(): void {
  native.destroyProcessGroup();
}
