/**
 * Checks a composed recipe's `training_hyperparams` with the Trainer's own rules (SG's schema,
 * §13.2) at load time, so that a bad value is reported with the file:line that set it rather
 * than later by the Trainer without one. A training_hyperparams file loaded on its own
 * (`loadRecipe('training_hyperparams/x')`) is checked the same way: its root is the params.
 */
import * as path from 'path';

import { errorCode, errorPath, isPlainObject, withErrorInfo } from '../errors';
import { mergeTrainingParams } from '../training/params';
import { originOf, Origins } from './origins';

const GROUP = 'training_hyperparams';
/** The root of the paths the Trainer's checks give their errors. */
const TRAINING_PARAMS = 'training_params';

/**
 * Whether `file` is a training_hyperparams group file loaded as the primary config: it sits in a
 * `training_hyperparams/` folder (by name or by path, as locateRecipe places it) and is not
 * itself a full recipe.
 */
function isTrainingParamsFile(config: Record<string, unknown>, file: string): boolean {
  return path.basename(path.dirname(file)) === GROUP && !isPlainObject(config[GROUP]);
}

export function checkTrainingParams(config: Record<string, unknown>, origins: Origins, recipe: string): void {
  const atRoot = isTrainingParamsFile(config, recipe);
  const params = atRoot ? config : config[GROUP];
  // Files that leave max_epochs to the code (set before training; default_train_params itself,
  // or a group file that a recipe completes) are checked by the Trainer.
  if (!isPlainObject(params) || params.max_epochs === undefined || params.max_epochs === null) return;
  const prefix = atRoot ? [] : [GROUP];
  try {
    // A group file on its own may leave the loss to the recipe or the code that uses it: only
    // the values it does set are checked then (a full recipe must name its loss).
    mergeTrainingParams(atRoot && (params.loss === undefined || params.loss === null) ? { ...params, loss: 'CrossEntropyLoss' } : params);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    // The field comes from the error's machine-readable path ('training_params.initial_lr.default'),
    // never from its message.
    const fieldPath = errorPath(err);
    const field = fieldPath !== undefined && fieldPath.startsWith(`${TRAINING_PARAMS}.`) ? fieldPath.slice(TRAINING_PARAMS.length + 1) : undefined;
    const at = field ? originOf(origins, [...prefix, ...field.split('.')], recipe) : recipe;
    const Ctor = err.constructor as new (message: string) => Error;
    const located = new Ctor(`${at}: ${err.message}`);
    const code = errorCode(err);
    throw code === undefined ? located : withErrorInfo(located, fieldPath, code);
  }
}
