/**
 * Finds the primary recipe file for `loadRecipe(nameOrPath)`, with the config roots and the
 * group folder its `defaults:` are relative to.
 */
import * as path from 'path';

import { nearestName } from '../errors';
import { findConfig, isConfigGroup, isFile, packageRecipesDir, yamlFileName, yamlNamesIn } from './search-path';

export interface LocatedRecipe {
  file: string;
  /** '' for a top-level recipe, `training_hyperparams` for a training-params file, ... */
  group: string;
  /** Config roots, searched in order. */
  roots: string[];
}

/**
 * The group of a recipe loaded by path: its folder's name when that is a config group of the
 * other roots (`my/training_hyperparams/x.yaml` composes `defaults: [default_train_params]`
 * from the package's training_hyperparams/), else '' (a top-level recipe).
 */
function byPath(file: string, otherRoots: string[]): LocatedRecipe {
  const folder = path.dirname(file);
  const name = path.basename(folder);
  if (isConfigGroup(otherRoots, name)) return { file, group: name, roots: [folder, path.dirname(folder), ...otherRoots] };
  return { file, group: '', roots: [folder, ...otherRoots] };
}

/** Names of the YAML files directly in `folders`, each once, in folder order. */
export function topLevelNames(folders: readonly string[]): string[] {
  const names: string[] = [];
  for (const dir of folders) {
    for (const name of yamlNamesIn(dir)) {
      if (name !== 'variable_setup' && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

/**
 * An existing file is loaded by path (its folder searched first); an absolute or `./` path that
 * does not exist is an error; anything else is a name looked up in `searchPath`, then the package.
 */
export function locateRecipe(nameOrPath: string, searchPath: readonly string[]): LocatedRecipe {
  const otherRoots = [...searchPath.map((p) => path.resolve(p)), packageRecipesDir()];
  if (isFile(nameOrPath)) return byPath(path.resolve(nameOrPath), otherRoots);
  if (path.isAbsolute(nameOrPath) || /^\.\.?[\\/]/.test(nameOrPath)) throw new Error(`recipe file not found: ${path.resolve(nameOrPath)}`);
  const name = nameOrPath.replace(/\\/g, '/');
  const group = path.posix.dirname(name) === '.' ? '' : path.posix.dirname(name);
  const file = findConfig(otherRoots, group, path.posix.basename(name));
  if (!file) {
    const near = nearestName(name.replace(/\.ya?ml$/, ''), topLevelNames(otherRoots));
    throw new Error(`recipe '${nameOrPath}' not found: looked for ${yamlFileName(name)} in ${otherRoots.join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
  }
  return { file, group, roots: otherRoots };
}
