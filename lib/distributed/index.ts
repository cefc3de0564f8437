/**
 * sg.distributed: several processes. The launcher (`sg-optim launch`, as torchrun) and the
 * env:// variables it sets; the default process group on c10d (TCPStore rendezvous, Gloo or
 * NCCL) and its collectives. DistributedDataParallel is sg.nn.DistributedDataParallel.
 */
export { isDistributedRun, readDistributedEnv } from './env';
export type { DistributedEnv } from './env';
export { DEFAULT_MASTER_PORT, launch } from './launcher';
export type { Launch, LaunchOptions, LaunchResult, WorkerExit } from './launcher';
export { allGather, allReduce, barrier, broadcast } from './collectives';
export type { ReduceOpName } from './collectives';
export { DEFAULT_TIMEOUT_MS, destroyProcessGroup, getBackend, getRank, getWorldSize, initProcessGroup, isInitialized } from './process-group';
export type { DistributedBackend, InitProcessGroupOptions } from './process-group';
