/**
 * Checkpoint files of a training run, in SuperGradients' structure (`net`, `acc`, `epoch`,
 * `optimizer_state_dict`, `metrics`, ...) and PyTorch's format, written atomically.
 */
import * as fs from 'fs';
import * as path from 'path';

import { load, save } from '../serialize';
import { withIntegerStateKeys } from '../serialize/optimizer-keys';
import { Tensor } from '../tensor/tensor';

export interface Checkpoint {
  net: Record<string, Tensor>;
  acc: number | null;
  epoch: number;
  optimizer_state_dict: unknown;
  metrics: Record<string, number>;
  ema_net?: Record<string, Tensor>;
  torch_scheduler_state_dict?: unknown;
  [key: string]: unknown;
}

/**
 * The optimizer state dict with integer state keys, as Python's torch.optim writes it. `save()`
 * already does this to every optimizer state dict in what it writes; this is for code that
 * pickles by other means.
 */
export function optimizerStateForSaving(sd: { state: Record<string, unknown>; param_groups: unknown[] }): unknown {
  return withIntegerStateKeys(sd);
}

/**
 * @internal Throws unless `name` is a plain file or folder name: the Trainer writes checkpoints and
 * experiment folders under names that come from recipes, and a recipe must not make it write
 * (or overwrite) a file outside the experiment folder (`../../.bashrc`, `/etc/x`).
 */
export function checkPlainName(what: string, name: unknown, inside = 'the experiment folder'): string {
  const why = notPlain(name);
  if (why !== null) throw new TypeError(`${what} must be a plain name inside ${inside} (no '/', '\\', '..', not empty), got ${JSON.stringify(name)}: ${why}`);
  return name as string;
}

function notPlain(name: unknown): string | null {
  if (typeof name !== 'string') return `not a string (${typeof name})`;
  if (name === '') return 'empty';
  if (name === '.' || name === '..') return `'${name}' is a folder`;
  if (/[\\/]/.test(name)) return "it is a path ('/' or '\\')";
  if (name.includes('\0')) return 'a NUL character';
  return null;
}

/** @internal The checkpoint names in training params (ckpt_name, ckpt_best_name) are plain names. */
export function checkCheckpointNames(params: Record<string, unknown>): void {
  for (const key of ['ckpt_name', 'ckpt_best_name']) checkPlainName(`training_params.${key}`, params[key]);
}

export class CheckpointDir {
  constructor(readonly dir: string) {}

  ensure(): void {
    fs.mkdirSync(this.dir, { recursive: true });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, ckpt: Checkpoint): void {
    checkPlainName('checkpoint file name', name);
    this.ensure();
    save(ckpt, this.file(name));
  }

  read(name: string): Checkpoint {
    const file = path.isAbsolute(name) ? name : this.file(name);
    if (!fs.existsSync(file)) throw new Error(`cannot resume: checkpoint ${file} does not exist`);
    const ckpt = load(file) as Checkpoint;
    if (ckpt === null || typeof ckpt !== 'object' || typeof ckpt.net !== 'object' || typeof ckpt.epoch !== 'number') {
      throw new Error(`cannot resume: ${file} is not a training checkpoint (expected net, epoch, optimizer_state_dict)`);
    }
    return ckpt;
  }
}

/**
 * @internal The best watched metric so far, when a run resumes. SG takes the resumed checkpoint's `acc`,
 * which is the *last* epoch's metric: if that epoch was not the best, a later model better than it
 * but worse than the best would overwrite ckpt_best.pth. The best checkpoint's own `acc` is the
 * real best, so it wins when the experiment folder has one (decision noted in the README).
 */
export function bestMetricOnResume(dir: CheckpointDir, bestName: string, resumed: Checkpoint): number | null {
  const bestFile = dir.file(bestName);
  if (fs.existsSync(bestFile)) {
    const best = dir.read(bestName);
    if (typeof best.acc === 'number') return best.acc;
  }
  return typeof resumed.acc === 'number' ? resumed.acc : null;
}
