/**
 * Every TypeScript example in README.md type-checks against the sources (strict, as an ES module
 * so top-level await works): a renamed option or a changed signature breaks this test, not a
 * reader's first script. Snippets may use the free names declared in PRELUDE.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';

const PRELUDE = 'declare const backbone: sg.Tensor[];\ndeclare const head: sg.Tensor[];\n';

function readmeBlocks(): string[] {
  const text = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('README: the TypeScript examples', () => {
  it('every ```ts block type-checks (strict)', function () {
    const blocks = readmeBlocks();
    assert.ok(blocks.length >= 4, `found ${blocks.length} blocks`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-readme-'));
    const lib = path.join(packageRoot(), 'lib');
    const files = blocks.map((code, i) => {
      const source = code.replace(/from 'sg-optim'/g, `from ${JSON.stringify(lib)}`);
      const header = /^import \* as sg from/m.test(source) ? '' : `import * as sg from ${JSON.stringify(lib)};\n`;
      const file = path.join(dir, `block${i + 1}.ts`);
      // `export {}` keeps every block a module (top-level await, no clashes between blocks).
      fs.writeFileSync(file, `${header}${source}\n${PRELUDE}export {};\n`);
      return file;
    });
    const tsc = path.join(packageRoot(), 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--typeRoots', path.join(packageRoot(), 'node_modules', '@types'), ...files];
    const r = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
