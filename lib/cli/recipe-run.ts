/**
 * What a recipe run needs besides the training params: the model (registered `architecture` +
 * `arch_params`) and the data loaders (`dataset_params`), shared by `train` and `plot-lr`.
 */
import { isPlainObject, typeError } from '../errors';
import { createDataLoaders } from '../data/recipe-datasets';
import '../models';
import { createModel } from '../models/registry';
import { loadRecipe } from '../recipes';
import { ParsedArgs, stringFlag } from './args';

export interface RecipeRun {
  name: string;
  config: Record<string, unknown>;
  trainingParams: Record<string, unknown>;
}

export function loadRecipeFromArgs(args: ParsedArgs): RecipeRun {
  const name = stringFlag(args, 'config-name');
  if (!name) throw new Error('--config-name is required (see --help)');
  const dir = stringFlag(args, 'config-dir');
  const config = loadRecipe(name, { overrides: args.overrides, searchPath: dir ? [dir] : [] }) as Record<string, unknown>;
  const trainingParams = config.training_hyperparams;
  if (!isPlainObject(trainingParams)) throw typeError(`recipe ${name}: training_hyperparams`, 'a mapping', trainingParams);
  return { name, config, trainingParams };
}

export function buildModel(run: RecipeRun): unknown {
  const architecture = run.config.architecture;
  if (typeof architecture !== 'string') throw typeError(`recipe ${run.name}: architecture`, 'a registered model name', architecture);
  return createModel(architecture, (run.config.arch_params ?? {}) as Record<string, unknown>);
}

export function buildLoaders(run: RecipeRun) {
  const datasetParams = run.config.dataset_params;
  if (!isPlainObject(datasetParams)) throw typeError(`recipe ${run.name}: dataset_params`, 'a mapping', datasetParams);
  return createDataLoaders(datasetParams);
}
