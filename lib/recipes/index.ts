/**
 * SuperGradients' YAML recipes in TypeScript: `defaults:` composition with `_self_`, group
 * folders, `${...}` interpolation, `key=value` / `+key=value` / `~key` / group-swap overrides,
 * the `_target_` helpers and the recipe shortcuts.
 *
 * @example
 * const cfg = sg.recipes.loadRecipe('mnist_lenet', { overrides: ['training_hyperparams.max_epochs=2', 'lr=0.05'] });
 * cfg.training_hyperparams.initial_lr; // 0.05
 */
import * as fs from 'fs';
import * as path from 'path';

import { isPlainObject, typeError } from '../errors';
import { packageRoot } from '../package-root';
import { mergeTrainingParams } from '../training/params';
import { composeFile, ComposeContext, findConfig } from './compose';
import { resolveInterpolations } from './interpolate';
import { originOf } from './origins';
import { applyOverride, parseOverride } from './overrides';
import { applyShortcuts, SHORTCUTS } from './shortcuts';
import { instantiateTargets } from './targets';

export { numpyArange } from './targets';
export { deepMerge } from './merge';

export interface LoadRecipeOptions {
  /** Hydra-style overrides: `a.b=1e-3`, `+new_key=1`, `~a.b`, `training_hyperparams=other_file`. */
  overrides?: string[];
  /** Extra recipe folders, searched before the package's own `recipes/`. */
  searchPath?: string[];
}

/** The package's own recipes folder. */
export function packageRecipesDir(): string {
  return path.join(packageRoot(), 'recipes');
}

function isPathLike(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || path.isAbsolute(name) || name.startsWith('.');
}

/** Loads and composes a recipe by name (`mnist_lenet`, `training_hyperparams/x`) or path. */
export function loadRecipe(nameOrPath: string, options: LoadRecipeOptions = {}): Record<string, unknown> {
  if (typeof nameOrPath !== 'string' || nameOrPath.length === 0) throw typeError('loadRecipe(name)', 'a recipe name or a path to a .yaml file', nameOrPath);
  const searchPath = options.searchPath ?? [];
  if (!Array.isArray(searchPath)) throw typeError('loadRecipe({searchPath})', 'an array of folders', searchPath);
  const overrides = (options.overrides ?? []).map(parseOverride);
  const builtin = packageRecipesDir();
  let file: string | null;
  let roots: string[];
  if (isPathLike(nameOrPath) && fs.existsSync(nameOrPath)) {
    file = path.resolve(nameOrPath);
    roots = [path.dirname(file), ...searchPath.map((p) => path.resolve(p)), builtin];
  } else {
    roots = [...searchPath.map((p) => path.resolve(p)), builtin];
    file = findConfig(roots, '', nameOrPath);
    if (!file) throw new Error(`recipe '${nameOrPath}' not found; looked for ${nameOrPath}.yaml in ${roots.join(', ')}`);
  }
  const groupDir = isPathLike(nameOrPath) ? '' : path.dirname(nameOrPath) === '.' ? '' : path.dirname(nameOrPath);
  const swaps = new Map<string, string>();
  for (const o of overrides) {
    if (o.kind === 'set' && o.path.length === 1 && typeof o.value === 'string' && !(o.path[0] in SHORTCUTS)) swaps.set(o.path[0], o.value);
  }
  const ctx: ComposeContext = { roots, origins: new Map(), groupSwaps: swaps };
  let config = composeFile(file, '', groupDir, ctx);
  const allowed = new Set(Object.keys(SHORTCUTS));
  for (const o of overrides) {
    const isSwap = o.kind === 'set' && o.path.length === 1 && swaps.has(o.path[0]) && isPlainObject(config[o.path[0]]);
    if (isSwap) continue;
    applyOverride(config, o, allowed);
  }
  applyShortcuts(config);
  config = resolveInterpolations(config, ctx.origins);
  config = instantiateTargets(config, ctx.origins) as Record<string, unknown>;
  const th = config.training_hyperparams;
  if (isPlainObject(th) && th.max_epochs !== undefined) {
    try {
      mergeTrainingParams(th);
    } catch (err) {
      const field = /training_params\.([A-Za-z0-9_.]+)/.exec((err as Error).message)?.[1];
      const at = field ? originOf(ctx.origins, `training_hyperparams.${field}`) : file;
      const Ctor = (err as Error).constructor as new (message: string) => Error;
      throw new Ctor(`${(err as Error).message} (${at})`);
    }
  }
  return config;
}

/** Names of the top-level recipes (YAML files directly in the recipe folders), user folders first. */
export function listRecipes(searchPath: string[] = []): string[] {
  const names: string[] = [];
  for (const dir of [...searchPath, packageRecipesDir()]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f) || f === 'variable_setup.yaml') continue;
      const name = f.replace(/\.ya?ml$/, '');
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}
