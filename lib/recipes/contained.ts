/**
 * Defaults entries name configs *inside* the config search path: a recipe someone else wrote
 * must not read `../../../etc/passwd` or `/etc/x` (or a file a symbolic link points at outside
 * its folder) and merge it into the config. The folders themselves (`--config-dir`, a recipe
 * given by path, `searchPath`) are the user's choice and may be anywhere.
 */
import * as fs from 'fs';
import * as path from 'path';

import { configCandidates, isFile } from './search-path';

/** Why `name` (a group or option of a defaults entry) is not a relative name, or null when it is one. */
function notRelative(name: string): string | null {
  if (name.includes('\0')) return 'a NUL character';
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split(/[\\/]/).includes('..')) return "'..'";
  if (name.includes('\\')) return "'\\'";
  return null;
}

/** Throws unless each of `names` is a relative name without `..`; `at` and `entry` name the entry. */
export function checkConfigNames(names: ReadonlyArray<string>, at: string, entry: string): void {
  for (const name of names) {
    const why = notRelative(name);
    if (why) throw new Error(`${at}: defaults entry '${entry}' has ${why} in '${name}': defaults name configs inside the config search path (no '..', no absolute paths)`);
  }
}

/** True when `file` is `dir` or inside it (both already real paths). */
function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * The first `<root>/<group>/<name>.yaml` (or .yml) that exists, as findConfig, and whose real path (links
 * followed) is inside the real path of its root; a file that exists but leads outside is an error.
 */
export function findContainedConfig(roots: readonly string[], group: string, name: string, at: string, entry: string): string | null {
  checkConfigNames([group, name], at, entry);
  for (const root of roots) {
    const candidate = configCandidates(root, group, name).find(isFile);
    if (candidate === undefined) continue;
    const real = fs.realpathSync(candidate);
    if (!isInside(real, fs.realpathSync(root))) {
      throw new Error(`${at}: defaults entry '${entry}': ${candidate} is a link to ${real}, outside the config folder ${root}; defaults name configs inside the config search path`);
    }
    return candidate;
  }
  return null;
}
