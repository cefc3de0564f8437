/**
 * SuperGradients' YAML recipes in TypeScript, composed as Hydra ≥ 1.1 composes them:
 * `defaults:` lists with `_self_`, config-group folders (`training_hyperparams/`,
 * `dataset_params/`, ...), OmegaConf `${...}` interpolation, command-line overrides
 * (`a.b=1e-3`, `+key=value`, `~key`, `group=option`), the `_target_` helpers SG's files use and
 * the recipe shortcuts (`lr`, `epochs`, `batch_size`, ...).
 *
 * @example
 * const cfg = sg.recipes.loadRecipe('mnist_lenet', { overrides: ['epochs=2', 'lr=0.05'] });
 * cfg.training_hyperparams.initial_lr; // 0.05
 */
import * as path from 'path';

import { isPlainObject, typeError } from '../errors';
import { checkTrainingParams } from './check-training-params';
import { ComposeContext, composeRecipe } from './compose';
import { materialize, withoutDeferred } from './deferred';
import { Interpolator } from './interpolate';
import { applyOverride, Override, parseOverride } from './overrides';
import { locateRecipe, topLevelNames } from './locate';
import { isConfigGroup, packageRecipesDir } from './search-path';
import { applyShortcuts, SHORTCUT_NAMES } from './shortcuts';
import { instantiateTargets } from './targets';

export { deepMerge } from './merge';
export { unresolvedValues } from '../unresolved-values';
export type { UnresolvedValue } from '../unresolved-values';
export { packageRecipesDir } from './search-path';
export { numpyArange } from './targets';

export interface LoadRecipeOptions {
  /**
   * Hydra-style overrides, applied in order: `training_hyperparams.initial_lr=1e-3` (YAML-typed),
   * `+new_key=1`, `++key=1`, `~key`, `training_hyperparams=other_params` (group swap), and the
   * shortcuts `lr=`, `epochs=`, `batch_size=`, ...
   */
  overrides?: string[];
  /** Recipe folders searched before the package's own `recipes/` (first match wins). */
  searchPath?: string[];
}

function checkOptions(nameOrPath: unknown, options: unknown): asserts options is LoadRecipeOptions {
  if (typeof nameOrPath !== 'string' || nameOrPath.trim() === '') throw typeError('loadRecipe(nameOrPath)', 'a recipe name or a path to a .yaml file', nameOrPath);
  if (typeof options !== 'object' || options === null) throw typeError('loadRecipe(options)', 'an object', options);
  const { overrides, searchPath } = options as LoadRecipeOptions;
  if (overrides !== undefined && (!Array.isArray(overrides) || overrides.some((o) => typeof o !== 'string'))) throw typeError('loadRecipe({overrides})', 'an array of strings', overrides);
  if (searchPath !== undefined && (!Array.isArray(searchPath) || searchPath.some((p) => typeof p !== 'string'))) throw typeError('loadRecipe({searchPath})', 'an array of folder paths', searchPath);
}

/** Group overrides (`group=option`, `+group=option`, `~group`) are taken before composition. */
function isGroupOverride(o: Override, roots: string[]): boolean {
  if (o.key.includes('.') || o.key.includes('[')) return false;
  if (o.kind !== 'delete' && typeof o.value !== 'string' && o.value !== null) return false;
  return isConfigGroup(roots, o.key);
}

/**
 * Loads a recipe and returns it fully composed, as plain data: defaults merged in order,
 * overrides applied, shortcuts copied, `${...}` resolved and `_target_` nodes instantiated.
 * `nameOrPath` is a recipe name (`mnist_lenet`, `training_hyperparams/mnist_train_params`),
 * looked up in `searchPath` then in the package's `recipes/`, or a path to a .yaml file
 * (its own folder is searched first). Errors name the file and line to fix.
 *
 * As in OmegaConf, a value that cannot be resolved because its interpolation names a key the
 * recipe does not have, or that is a `_target_` sg-optim does not implement, fails only when it
 * is read: it is a property that throws that error (key, file:line, why) when read, by you or by
 * the Trainer. JSON.stringify writes it as written in the file; `unresolvedValues(cfg)` lists them.
 *
 * @example
 * const cfg = sg.recipes.loadRecipe('mnist_lenet', { overrides: ['training_hyperparams.initial_lr=1e-3', 'epochs=2'] });
 * const tp = sg.recipes.loadRecipe('training_hyperparams/mnist_train_params'); // the training params alone
 * const mine = sg.recipes.loadRecipe('./my_recipe.yaml', { searchPath: ['./my_recipes'] });
 */
export function loadRecipe(nameOrPath: string, options: LoadRecipeOptions = {}): Record<string, unknown> {
  checkOptions(nameOrPath, options);
  const overrides = (options.overrides ?? []).map(parseOverride);
  const { file, group, roots } = locateRecipe(nameOrPath, options.searchPath ?? []);

  const ctx: ComposeContext = { roots, origins: new Map(), choices: new Map(), appended: [] };
  const configOverrides: Override[] = [];
  for (const o of overrides) {
    if (!isGroupOverride(o, roots)) configOverrides.push(o);
    else if (o.kind === 'add') ctx.appended.push({ group: o.key, option: o.value as string, source: `override '${o.text}'` });
    else ctx.choices.set(o.key, { option: o.kind === 'delete' ? null : (o.value as string | null), source: `override '${o.text}'`, used: false });
  }

  const config = composeRecipe(file, group, ctx);
  // Shortcuts can be given without `+` to any full recipe, as variable_setup declares them.
  const isFullRecipe = isPlainObject(config.training_hyperparams);
  const shortcuts = new Set(isFullRecipe ? SHORTCUT_NAMES : []);
  for (const o of configOverrides) applyOverride(config, o, ctx.origins, file, shortcuts);
  // The `hydra:` node configures Hydra itself (run folder, callbacks: SG's variable_setup.yaml
  // has one); Hydra keeps it out of the job's config, and so do we.
  delete config.hydra;
  // A group file loaded on its own is, in Hydra, composed under its package: `${training_hyperparams.x}` in it means its own x.
  const ownPackage = group === '' || isFullRecipe ? [] : group.split('/');
  const interpolator = new Interpolator(config, ctx.origins, undefined, ownPackage);
  if (isFullRecipe) applyShortcuts(config, ctx.origins, (p) => interpolator.valueAt(p));
  const resolved = interpolator.resolveAll();
  const instantiated = instantiateTargets(resolved, ctx.origins) as Record<string, unknown>;
  // The load-time check sees the values that resolved; the others fail where they are read.
  checkTrainingParams(withoutDeferred(instantiated) as Record<string, unknown>, ctx.origins, file);
  return materialize(instantiated) as Record<string, unknown>;
}

/**
 * Names of the top-level recipes: the YAML files directly in each user folder, then in the
 * package's `recipes/` (a name is listed once; `variable_setup` is a building block, not a recipe).
 *
 * @example
 * sg.recipes.listRecipes(); // ['mnist_lenet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']
 */
export function listRecipes(searchPath: string[] = []): string[] {
  if (!Array.isArray(searchPath)) throw typeError('listRecipes(searchPath)', 'an array of folder paths', searchPath);
  return topLevelNames([...searchPath.map((p) => path.resolve(p)), packageRecipesDir()]);
}
