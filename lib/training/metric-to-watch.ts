/**
 * `metric_to_watch` → the key of the epoch's results that picks ckpt_best: the exact name, then
 * SuperGradients' fuzzy rule (spec §13.1, "fuzzy-matched": `fuzzy_str` drops non-word characters
 * and underscores, lowercases), so `accuracy` and `Top_5` find `Accuracy` and `Top5`. A name that
 * matches nothing is an error rather than a run that silently never writes ckpt_best.pth.
 */
import { unknownNameError } from '../errors';
import { fuzzyName } from '../registry/registry';

/** The key of `available` that `name` designates, or undefined. */
export function resolveMetricName(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  const wanted = fuzzyName(name);
  // As the registry does: the later key wins a collision.
  let found: string | undefined;
  for (const key of available) if (fuzzyName(key) === wanted) found = key;
  return found;
}

/** "training_params.metric_to_watch: unknown metric 'Acuracy'; did you mean 'Accuracy'? known: ..." */
export function unknownMetricToWatch(name: string, available: readonly string[]): Error {
  const err = unknownNameError('metric', name, available, 'training_params.metric_to_watch');
  err.message =
    `training_params.metric_to_watch: ${err.message} ` +
    '(the names of valid_metrics_list, or of train_metrics_list without a validation loader, and loss when a validation loss is computed)';
  return err;
}
