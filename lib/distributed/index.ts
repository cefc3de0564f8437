/**
 * sg.distributed: several processes. What needs no native code is here: the launcher
 * (`sg-optim launch`, as torchrun) and the env:// variables it sets. The process group, its
 * collectives and DistributedDataParallel come with the c10d bindings.
 */
export { isDistributedRun, readDistributedEnv } from './env';
export type { DistributedEnv } from './env';
export { DEFAULT_MASTER_PORT, launch } from './launcher';
export type { Launch, LaunchOptions, LaunchResult, WorkerExit } from './launcher';
