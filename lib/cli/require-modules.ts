/**
 * `--require <module>`: user modules loaded before the recipe is composed and run, so that their
 * registerModel / registerOptimizer / registerCallback / registerDataset calls take effect and the
 * recipe can name what they register. Resolved as Node resolves `require` from the current
 * folder: `./my-models.js` relative to cwd, or a package name from cwd's node_modules.
 */
import { createRequire } from 'module';
import * as path from 'path';

/** Loads each module in order; an unresolvable one is an error naming it and where it looked. */
export function requireModules(specifiers: readonly string[], cwd = process.cwd()): string[] {
  // A require() rooted at cwd: the same resolution as `node -r` from the shell's folder.
  const fromCwd = createRequire(path.join(path.resolve(cwd), 'noop.js'));
  return specifiers.map((spec) => {
    let file: string;
    try {
      file = fromCwd.resolve(spec);
    } catch {
      throw new Error(`--require '${spec}': cannot find the module (resolved from ${path.resolve(cwd)}; use ./file.js for a file there, or a package name)`);
    }
    // Errors thrown while the module runs (a bad register call, a syntax error) keep their message.
    fromCwd(file);
    return file;
  });
}
