/**
 * The run logger: a phase callback the Trainer adds (main process only, when it saves) that keeps
 * what a run's console prints where TensorBoard and a browser can show it:
 *
 * - TensorBoard event files (./event-file.ts) in the experiment folder, with SuperGradients' tags
 *   (`sg_trainer.py`: `_write_scalars_to_logger`, `_get_epoch_start_logging_values`), at step =
 *   0-based epoch: `Train_<loss>`, `Train_<metric>`, `Train Inference Time` (seconds of the training
 *   loop), `Valid_<loss>`, `Valid_<metric>`, `Valid Inference Time` (epochs that validate), `LR`
 *   (one param group) or `LR/<group>` (several) as SG logs it: the LR at the epoch's first batch.
 *   Added here, where SG has no tag: `Epoch Time` (the seconds the console prints: the whole epoch
 *   with validation and checkpoints) and `Step LR/<group>`, every optimizer step's LR at step =
 *   epoch · len(train_loader) + batch.
 * - `lr_steps.jsonl` and `run.json` (./run-files.ts), and `report.html` (./html-report.ts),
 *   rewritten at the end of each epoch.
 *
 * `training_params.sg_logger_params`: `tb: false` turns the event files off, `report: false` the
 * HTML report (see {@link runLoggerSettings} for the defaults).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildInfo } from '../build-info';
import { typeError } from '../errors';
import { packageRoot } from '../package-root';
import { getNumThreads, torchVersion } from '../tensor/creation';
import { EventFileWriter } from './event-file';
import { writeReport } from './html-report';
import { EpochLine, Environment, LR_STEPS_FILE, recipeJson, RUN_FILE, RunInfo, StepLine } from './run-files';

/** Whether a run writes TensorBoard files and the HTML report without sg_logger_params saying so. */
// On by default, as SuperGradients writes its TensorBoard files unless told not to.
const RUN_LOGGER_DEFAULTS = { tb: true, report: true };

/** `sg_logger_params.tb` / `.report` (booleans; absent: {@link RUN_LOGGER_DEFAULTS}). */
export function runLoggerSettings(sgLoggerParams: unknown): { tb: boolean; report: boolean } {
  const p = (sgLoggerParams !== null && typeof sgLoggerParams === 'object' ? sgLoggerParams : {}) as Record<string, unknown>;
  const flag = (key: 'tb' | 'report') => {
    const v = p[key];
    if (v === undefined || v === null) return RUN_LOGGER_DEFAULTS[key];
    if (typeof v !== 'boolean') throw typeError(`training_params.sg_logger_params.${key}`, 'true or false', v);
    return v;
  };
  return { tb: flag('tb'), report: flag('report') };
}

/** SG's name of the loss in its tags: the criterion's class name (`cross_entropy` is SG's LabelSmoothingCrossEntropyLoss). */
function sgLossName(loss: unknown): string {
  if (typeof loss === 'string') return loss === 'cross_entropy' ? 'LabelSmoothingCrossEntropyLoss' : loss;
  if (typeof loss === 'function') return loss.name || 'Loss';
  if (loss !== null && typeof loss === 'object') {
    const proto = Object.getPrototypeOf(loss);
    if (proto === Object.prototype && Object.keys(loss).length === 1) return Object.keys(loss)[0];
    return (loss as object).constructor?.name ?? 'Loss';
  }
  return 'Loss';
}

/**
 * What the run logger reads of the Trainer's PhaseContext (lib/training/callbacks.ts; not imported:
 * lib/report sits below lib/training, whose Trainer adds the logger to its callbacks).
 */
export interface RunLoggerContext {
  epoch: number;
  batchIdx: number | null;
  optimizer: { paramGroups: Array<{ lr?: number; name?: string; [key: string]: unknown }> };
}

/** Group name → lr, the first group of each name (as the Trainer's log line). */
function groupLrs(groups: RunLoggerContext['optimizer']['paramGroups']): Record<string, number> {
  const out: Record<string, number> = {};
  groups.forEach((g, i) => {
    const name = typeof g.name === 'string' ? g.name : `group_${i}`;
    if (!(name in out)) out[name] = g.lr as number;
  });
  return out;
}

/** sg-optim's version, LibTorch's and the device and threads a run uses. */
function runEnvironment(device: string): Environment {
  let version = 'unknown';
  try {
    version = String(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version);
  } catch {
    /* no package.json beside the code: version stays unknown */
  }
  const info = buildInfo();
  return {
    sgOptim: version,
    node: process.version,
    libtorch: torchVersion,
    libtorchSource: info.libtorch ? `${info.source} (${info.libtorch})` : info.source,
    device,
    cudaBuild: info.cuda,
    cudaAvailable: info.cudaAvailable,
    threads: getNumThreads(),
    cpuKernels: info.cpuKernels,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    hostname: os.hostname(),
  };
}

export interface RunLoggerOptions {
  /** The experiment folder. */
  dir: string;
  experimentName: string;
  /** The merged training params. */
  trainingParams: Record<string, unknown>;
  startEpoch: number;
  maxEpochs: number;
  trainLoaderLen: number;
  /** The model's device ('cpu', 'cuda:0'). */
  device: string;
  /** More configuration to show (SG's additional_configs_to_log, e.g. the whole recipe). */
  additionalConfigs?: Record<string, unknown> | null;
  tb: boolean;
  report: boolean;
}

/**
 * The callback (its events are those of lib/training/callbacks.ts's Callback that it needs; the
 * CallbackHandler calls the events a callback has). Last in the Trainer's list, so that it sees
 * the LR every other callback has set.
 */
export class RunLogger {
  private writer: EventFileWriter | null = null;
  private steps: StepLine[] = [];
  private epochStartLr: Record<string, number> | null = null;
  private trainStarted = 0;
  private trainSeconds = 0;
  private validStarted: number | null = null;
  private validSeconds: number | null = null;
  private readonly lossName: string;

  constructor(private readonly options: RunLoggerOptions) {
    this.lossName = sgLossName(options.trainingParams.loss);
  }

  onTrainingStart(): void {
    const o = this.options;
    fs.mkdirSync(o.dir, { recursive: true });
    const info: RunInfo = {
      experiment: o.experimentName,
      started: new Date().toISOString(),
      startEpoch: o.startEpoch,
      maxEpochs: o.maxEpochs,
      trainLoaderLen: o.trainLoaderLen,
      lossName: this.lossName,
      environment: runEnvironment(o.device),
      recipe: { training_hyperparams: recipeJson(o.trainingParams), ...(o.additionalConfigs ? (recipeJson(o.additionalConfigs) as Record<string, unknown>) : {}) },
    };
    fs.writeFileSync(path.join(o.dir, RUN_FILE), `${JSON.stringify(info, null, 2)}\n`);
    if (o.tb) {
      this.writer = new EventFileWriter(o.dir);
      // A new run (not a resumed one) replaces what an earlier run left in the folder.
      if (o.startEpoch === 0) this.writer.addSessionStart(0);
      this.writer.flush();
    }
  }

  onTrainLoaderStart(): void {
    this.trainStarted = performance.now();
    this.validStarted = null;
    this.validSeconds = null;
    this.epochStartLr = null;
  }

  onTrainBatchLossEnd(ctx: RunLoggerContext): void {
    // SG reads the epoch's LR here, after the first batch's loss (_get_epoch_start_logging_values).
    if (ctx.batchIdx === 0) this.epochStartLr = groupLrs(ctx.optimizer.paramGroups);
  }

  onTrainBatchGradientStepStart(ctx: RunLoggerContext): void {
    // The last callback of the list: the LR the optimizer step about to run uses.
    const batch = ctx.batchIdx ?? 0;
    this.steps.push({ epoch: ctx.epoch, batch, step: ctx.epoch * this.options.trainLoaderLen + batch, lr: groupLrs(ctx.optimizer.paramGroups) });
  }

  onTrainLoaderEnd(): void {
    this.trainSeconds = (performance.now() - this.trainStarted) / 1000;
  }

  onValidationLoaderStart(): void {
    this.validStarted = performance.now();
  }

  onValidationLoaderEnd(): void {
    if (this.validStarted !== null) this.validSeconds = (performance.now() - this.validStarted) / 1000;
  }

  /** After the epoch's line in log.jsonl: the LR steps, the TensorBoard scalars, the report. */
  epochEnd(record: EpochLine): void {
    const { dir } = this.options;
    if (this.steps.length > 0) {
      fs.appendFileSync(path.join(dir, LR_STEPS_FILE), this.steps.map((s) => `${JSON.stringify(s)}\n`).join(''));
    }
    const w = this.writer;
    if (w) {
      const e = record.epoch;
      w.addScalar(`Train_${this.lossName}`, record.train_loss, e);
      for (const [k, v] of Object.entries(record.train_metrics)) w.addScalar(`Train_${k}`, v, e);
      w.addScalar('Train Inference Time', this.trainSeconds, e);
      if (record.valid_loss !== null) {
        w.addScalar(`Valid_${this.lossName}`, record.valid_loss, e);
        for (const [k, v] of Object.entries(record.valid_metrics)) w.addScalar(`Valid_${k}`, v, e);
        if (this.validSeconds !== null) w.addScalar('Valid Inference Time', this.validSeconds, e);
      }
      const startLr = this.epochStartLr ?? record.lr;
      const names = Object.keys(startLr);
      for (const name of names) w.addScalar(names.length === 1 ? 'LR' : `LR/${name}`, startLr[name], e);
      w.addScalar('Epoch Time', record.seconds, e);
      for (const s of this.steps) for (const [name, lr] of Object.entries(s.lr)) w.addScalar(`Step LR/${name}`, lr, s.step);
      w.flush();
    }
    this.steps = [];
    if (this.options.report) writeReport(dir);
  }
}
