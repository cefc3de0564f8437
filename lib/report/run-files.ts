/**
 * The files a run's logger keeps beside the checkpoints, and reading them back (the HTML report
 * and `sg-optim report` are built from these):
 *
 * - `log.jsonl` (the Trainer's, unchanged): one line per epoch.
 * - `lr_steps.jsonl`: one line per optimizer step, `{epoch, batch, step, lr: {group: lr}}`.
 * - `run.json`: the resolved recipe and the environment of the latest run.
 *
 * A run started again in the same folder (not resumed) appends epochs that go back to 0: reading
 * keeps, for each epoch or step, the latest run's line and drops the older run's later ones.
 */
import * as fs from 'fs';
import * as path from 'path';

const LOG_FILE = 'log.jsonl';
export const LR_STEPS_FILE = 'lr_steps.jsonl';
export const RUN_FILE = 'run.json';
export const REPORT_FILE = 'report.html';

/** One epoch's results, as the Trainer returns them (TrainResult.epochs) and logs them. */
export interface EpochRecord {
  epoch: number;
  train_loss: number;
  train_metrics: Record<string, number>;
  valid_loss: number | null;
  valid_metrics: Record<string, number>;
  lr: Record<string, number>;
  seconds: number;
}

/** A line of log.jsonl: the Trainer's EpochRecord and the experiment name. */
export interface EpochLine extends EpochRecord {
  experiment?: string;
}

/** A line of lr_steps.jsonl: the LR of each param group at one optimizer step. */
export interface StepLine {
  epoch: number;
  batch: number;
  /** epoch · len(train_loader) + batch: the step's position in the run (0-based). */
  step: number;
  lr: Record<string, number>;
}

export interface Environment {
  sgOptim: string;
  node: string;
  libtorch: string;
  libtorchSource: string;
  device: string;
  cudaBuild: boolean;
  cudaAvailable: boolean;
  threads: number;
  cpuKernels: string;
  platform: string;
  cpus: number;
  hostname: string;
}

export interface RunInfo {
  experiment: string;
  /** ISO time the (latest) run started. */
  started: string;
  startEpoch: number;
  maxEpochs: number;
  trainLoaderLen: number;
  /** SG's loss name (the TensorBoard tags Train_<loss>, Valid_<loss>). */
  lossName: string;
  environment: Environment;
  /** The resolved training params, and the recipe (additional configs) when the run had one. */
  recipe: Record<string, unknown>;
}

export interface RunData {
  dir: string;
  run: RunInfo | null;
  epochs: EpochLine[];
  steps: StepLine[];
}

function readJsonLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const out: T[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as T);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`, { cause: err });
      }
    });
  return out;
}

/** The latest run's lines: a key at or before the previous line's starts that run over from there. */
function latestRun<T>(lines: T[], key: (line: T) => number): T[] {
  const out: T[] = [];
  for (const line of lines) {
    while (out.length > 0 && key(out[out.length - 1]) >= key(line)) out.pop();
    out.push(line);
  }
  return out;
}

/** Reads a run folder's log, LR steps and run.json. */
export function readRunData(dir: string): RunData {
  const logFile = path.join(dir, LOG_FILE);
  if (!fs.existsSync(logFile)) throw new Error(`${dir}: no ${LOG_FILE} (not a run folder, or no epoch has finished yet)`);
  const runFile = path.join(dir, RUN_FILE);
  return {
    dir,
    run: fs.existsSync(runFile) ? (JSON.parse(fs.readFileSync(runFile, 'utf8')) as RunInfo) : null,
    epochs: latestRun(readJsonLines<EpochLine>(logFile), (l) => l.epoch),
    steps: latestRun(readJsonLines<StepLine>(path.join(dir, LR_STEPS_FILE)), (l) => l.step),
  };
}

/** JSON of a recipe or training params: functions and class instances by name. */
export function recipeJson(value: unknown): unknown {
  const seen = new WeakSet<object>();
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
      if (typeof v === 'bigint') return String(v);
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '<repeated>';
        seen.add(v);
        const proto = Object.getPrototypeOf(v);
        if (!Array.isArray(v) && proto !== null && proto !== Object.prototype) return `<${(v as object).constructor?.name ?? 'object'}>`;
      }
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    }) ?? 'null',
  );
}
