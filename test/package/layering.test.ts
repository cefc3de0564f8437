/**
 * The import rules of lib/, read from the TypeScript sources (type-only imports count: they tie
 * the folders together as much as the others). Every top-level folder or file of lib/ has a
 * layer; an import may only point to a lower layer. lib/optim in particular imports neither
 * lib/nn nor lib/training (issue 11): SuperGradients' buildOptimizer, which needs both, lives in
 * lib/training/build-optimizer.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';

const lib = path.join(packageRoot(), 'lib');

/** Top-level entries of lib/, lowest first. A new folder or file gets its line here. */
const LAYERS: string[][] = [
  ['errors.ts', 'package-root.ts'],
  ['registry', 'native-api.ts', 'torch-locate.ts', 'unresolved-values.ts'],
  ['native.ts'],
  ['tensor', 'build-info.ts'],
  // Below data and nn: sg.data.DistributedSampler reads the launcher's env, and
  // DistributedDataParallel (nn) and the Trainer will use the process group.
  ['distributed'],
  ['nn', 'data', 'serialize', 'optim', 'report'],
  ['training', 'models'],
  ['recipes'],
  ['cli'],
  // The public surface: what `import * as sg from 'sg-optim'` gets (sg.optim is optim-namespace.ts).
  ['optim-namespace.ts'],
  ['index.ts'],
];
const LAYER = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

/** The top-level entry of lib/ a path is in (`optim` for lib/optim/adam.ts, `errors.ts` for lib/errors.ts). */
function entryOf(file: string): string {
  return path.relative(lib, file).split(path.sep)[0];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The relative module specifiers of a file: import/export ... from, import '...', import(), require(). */
function relativeImports(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/gm;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) out.push(m[1]);
  return out;
}

/** `[from file, to entry]` for every import that leaves its own top-level entry. */
function crossImports(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const file of sourceFiles(lib)) {
    const from = entryOf(file);
    for (const spec of relativeImports(file)) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(lib + path.sep)) continue;
      let to = entryOf(target);
      if (!to.endsWith('.ts') && !fs.existsSync(path.join(lib, to))) to += '.ts';
      if (to !== from) out.push([path.relative(lib, file), to]);
    }
  }
  return out;
}

describe('package: the layering of lib/', () => {
  it('every top-level folder and file of lib/ has a layer', () => {
    const entries = fs.readdirSync(lib).filter((n) => n.endsWith('.ts') || fs.statSync(path.join(lib, n)).isDirectory());
    const missing = entries.filter((n) => !LAYER.has(n));
    assert.deepEqual(missing, [], 'add them to LAYERS in test/package/layering.test.ts');
  });

  it('the import scan sees imports (a control)', () => {
    const imports = crossImports();
    assert.ok(imports.some(([f, to]) => f === path.join('training', 'build-optimizer.ts') && to === 'nn'));
    assert.ok(imports.some(([f, to]) => f === 'optim-namespace.ts' && to === 'training'));
    assert.ok(imports.length > 100, `${imports.length} imports across folders`);
  });

  it('lib/optim imports neither lib/nn nor lib/training (nor anything above them)', () => {
    const bad = crossImports().filter(([f, to]) => entryOf(path.join(lib, f)) === 'optim' && ['nn', 'training', 'models', 'recipes', 'cli', 'data'].includes(to));
    assert.deepEqual(bad, []);
  });

  it('no import points to a higher layer or across one', () => {
    const bad = crossImports()
      .filter(([f, to]) => LAYER.has(to) && LAYER.get(to)! >= LAYER.get(entryOf(path.join(lib, f)))!)
      .map(([f, to]) => `${f} → ${to}`);
    assert.deepEqual(bad, []);
  });
});
