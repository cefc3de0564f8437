/**
 * Where recipe files are looked for: the recipe's own folder (when loaded by path), the user's
 * folders, then the package's `recipes/` (Hydra's config search path, first match wins).
 */
import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from '../package-root';

/** The package's own recipes folder (`<package root>/recipes`). */
export function packageRecipesDir(): string {
  return path.join(packageRoot(), 'recipes');
}

export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `name` with `.yaml` added unless it already ends with .yaml/.yml (for messages). */
export function yamlFileName(name: string): string {
  return /\.ya?ml$/.test(name) ? name : `${name}.yaml`;
}

/**
 * The files `name` may be in `<root>/<group>`: itself when it ends with .yaml/.yml, else
 * `<name>.yaml`, then `<name>.yml` (listRecipes lists both, so both load by their name).
 */
export function configCandidates(root: string, group: string, name: string): string[] {
  const base = path.join(root, group, name);
  return /\.ya?ml$/.test(name) ? [base] : [`${base}.yaml`, `${base}.yml`];
}

/** The first `<root>/<group>/<name>.yaml` (or .yml) that exists, or null. */
export function findConfig(roots: readonly string[], group: string, name: string): string | null {
  for (const root of roots) {
    const found = configCandidates(root, group, name).find(isFile);
    if (found) return found;
  }
  return null;
}

/** The places `findConfig` looks, for "not found" messages. */
export function lookedIn(roots: readonly string[], group: string): string {
  return roots.map((root) => path.join(root, group)).join(', ');
}

/** True when `group` is a config group: a folder of that name in some root. */
export function isConfigGroup(roots: readonly string[], group: string): boolean {
  return group !== '' && roots.some((root) => isDirectory(path.join(root, group)));
}

/** The YAML files directly in `dir`, without extension, sorted; [] when `dir` is missing. */
export function yamlNamesIn(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && isFile(path.join(dir, f)))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}
