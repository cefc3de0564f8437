/**
 * SG's `multi_gpu` / `num_gpus` recipe keys for `sg-optim train`: `multi_gpu: DDP` with
 * `num_gpus: N > 1` relaunches the same command as N workers through the launcher (as SG's
 * setup_device re-launches through torch's elastic launcher; here on CPU, with Gloo), and in a
 * launched worker the run uses the DistributedTrainer.
 */
import { isDistributedRun } from '../distributed/env';
import { launch } from '../distributed/launcher';
import { rangeError, typeError } from '../errors';

/** SG's MultiGPUMode values that sg-optim takes: DDP, or off. */
const OFF = ['Off', 'OFF', 'off', 'None', 'none'];

/** The number of processes a recipe asks for: 1 unless `multi_gpu: DDP` (or AUTO with num_gpus > 1). */
export function recipeProcesses(config: Record<string, unknown>, recipe: string): number {
  const mode = config.multi_gpu ?? 'Off';
  const raw = config.num_gpus ?? 1;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw typeError(`recipe ${recipe}: num_gpus`, 'a positive integer (the number of processes)', raw);
  if (mode === false || mode === null || (typeof mode === 'string' && OFF.includes(mode))) return 1;
  if (mode === 'DDP' || mode === 'DISTRIBUTED_DATA_PARALLEL' || mode === 'AUTO' || mode === 'auto') return raw;
  if (mode === 'DP' || mode === 'DATA_PARALLEL') throw rangeError('multi_gpu', `recipe ${recipe}: multi_gpu: ${mode} (DataParallel) is not supported; use multi_gpu: DDP`);
  throw typeError(`recipe ${recipe}: multi_gpu`, "'DDP' or 'Off'", mode);
}

/** True when this process must start the workers itself (not one of them already). */
export function mustRelaunch(processes: number): boolean {
  return processes > 1 && !isDistributedRun();
}

/** Starts `processes` copies of this very command (`node main.js train ...`) and returns the launch's exit code. */
export async function relaunchAsWorkers(processes: number): Promise<number> {
  const command = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const run = await launch({ nprocPerNode: processes, command, handleSignals: true });
  return (await run.result).exitCode;
}
