/**
 * SuperGradients' recipe shortcuts (variable_setup + RecipeShortcutsCallback): a top-level
 * `lr`, `batch_size`, ... given on the command line is copied to its real key; when null it is
 * filled from the real value.
 */
import { getPath, setPath } from './merge';

export const SHORTCUTS: Record<string, string> = {
  lr: 'training_hyperparams.initial_lr',
  batch_size: 'dataset_params.batch_size',
  val_batch_size: 'dataset_params.val_batch_size',
  ema: 'training_hyperparams.ema',
  epochs: 'training_hyperparams.max_epochs',
  resume: 'training_hyperparams.resume',
  num_workers: 'dataset_params.num_workers',
  ckpt_root_dir: 'ckpt_root_dir',
};

export function applyShortcuts(config: Record<string, unknown>): void {
  for (const [shortcut, real] of Object.entries(SHORTCUTS)) {
    if (shortcut === real) continue;
    const value = config[shortcut];
    if (value !== undefined && value !== null) setPath(config, real.split('.'), value);
    else if (shortcut in config) config[shortcut] = getPath(config, real.split('.')) ?? null;
  }
}
