/**
 * SuperGradients' recipe shortcuts (`variable_setup.yaml` + `RecipeShortcutsCallback`): the
 * top-level keys `lr`, `batch_size`, `val_batch_size`, `ema`, `epochs`, `resume`,
 * `num_workers` stand for deeper keys. A shortcut that is set (`lr=0.05` on the command line)
 * is copied to the key it stands for; one left null is filled from that key, so the composed
 * recipe shows the values used. `ckpt_root_dir` is read where it is, at the top level.
 */
import { isPlainObject } from '../errors';
import { Deferred } from './deferred';
import { setPath } from './merge';
import { recordValueOrigins, Origins } from './origins';

/** The shortcut names, for `lr=0.05` to be accepted without `+` in any full recipe. */
export const SHORTCUT_NAMES: readonly string[] = ['lr', 'batch_size', 'val_batch_size', 'ema', 'epochs', 'resume', 'num_workers', 'ckpt_root_dir'];

/**
 * The keys a shortcut stands for. `dataset_params` in SuperGradients' form (with
 * `train_dataloader_params` / `val_dataloader_params`) gets SG's keys; sg-optim's flat
 * `dataset_params` (`batch_size`, `val_batch_size`, `num_workers`) gets the flat ones.
 */
function shortcutTargets(config: Record<string, unknown>): Record<string, string[][]> {
  const data = config.dataset_params;
  const sgLoaders = isPlainObject(data) && (isPlainObject(data.train_dataloader_params) || isPlainObject(data.val_dataloader_params));
  return {
    lr: [['training_hyperparams', 'initial_lr']],
    epochs: [['training_hyperparams', 'max_epochs']],
    ema: [['training_hyperparams', 'ema']],
    resume: [['training_hyperparams', 'resume']],
    batch_size: [sgLoaders ? ['dataset_params', 'train_dataloader_params', 'batch_size'] : ['dataset_params', 'batch_size']],
    val_batch_size: [sgLoaders ? ['dataset_params', 'val_dataloader_params', 'batch_size'] : ['dataset_params', 'val_batch_size']],
    num_workers: sgLoaders
      ? [
          ['dataset_params', 'train_dataloader_params', 'num_workers'],
          ['dataset_params', 'val_dataloader_params', 'num_workers'],
        ]
      : [['dataset_params', 'num_workers']],
  };
}

/**
 * Applies the shortcuts present at the top level of `config`, in place. `valueAt` reads a
 * resolved value (the real key may hold an interpolation). A value that cannot be resolved
 * (a Deferred) is not read: the other side refers to it by an interpolation, so that it
 * fails only where it is read, with the same error.
 */
export function applyShortcuts(config: Record<string, unknown>, origins: Origins, valueAt: (path: string[]) => unknown): void {
  for (const [shortcut, targets] of Object.entries(shortcutTargets(config))) {
    if (!(shortcut in config)) continue;
    const given = valueAt([shortcut]);
    if (given !== null && given !== undefined) {
      // Unresolved, the shortcut's value is not read here: the keys it sets refer to it.
      const value = given instanceof Deferred ? `\${${shortcut}}` : given;
      for (const target of targets) {
        if (!isPlainObject(config[target[0]])) {
          throw new Error(`the shortcut ${shortcut}=${JSON.stringify(value)} sets ${target.join('.')}, but this recipe has no ${target[0]} mapping`);
        }
        setPath(config, target, value);
        recordValueOrigins(target, value, `the shortcut '${shortcut}'`, origins);
      }
    } else {
      const real = valueAt(targets[0]);
      config[shortcut] = real instanceof Deferred ? `\${${targets[0].join('.')}}` : real === undefined ? null : real;
    }
  }
}
