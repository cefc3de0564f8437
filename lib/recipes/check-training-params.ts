/**
 * Checks a composed recipe's `training_hyperparams` with the Trainer's own rules (SG's schema,
 * §13.2) at load time, so that a bad value is reported with the file:line that set it rather
 * than later by the Trainer without one.
 */
import { isPlainObject } from '../errors';
import { mergeTrainingParams } from '../training/params';
import { originOf, Origins } from './origins';

export function checkTrainingParams(config: Record<string, unknown>, origins: Origins, recipe: string): void {
  const params = config.training_hyperparams;
  // Recipes that leave max_epochs to the code (set before training) are checked by the Trainer.
  if (!isPlainObject(params) || params.max_epochs === undefined || params.max_epochs === null) return;
  try {
    mergeTrainingParams(params);
  } catch (err) {
    const message = (err as Error).message;
    const field = /training_params\.([A-Za-z0-9_.]+)/.exec(message)?.[1];
    const at = field ? originOf(origins, ['training_hyperparams', ...field.split('.')], recipe) : recipe;
    const Ctor = (err as Error).constructor as new (message: string) => Error;
    throw new Ctor(`${at}: ${message}`);
  }
}
