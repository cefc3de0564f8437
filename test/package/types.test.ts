/**
 * The type declarations users get: a consumer project in a temp folder installs sg-optim as
 * npm would lay it out (its package.json and the dist/lib .d.ts tree under
 * node_modules/sg-optim, its dependencies and @types/node beside it), copies the compile-only
 * checks of test/types with `'../../lib'` rewritten to `'sg-optim'`, adds the CommonJS (.cts,
 * .cjs) and ESM (.mts) forms, and type-checks it all with the repository's tsc under strict,
 * node16 resolution and no skipLibCheck. Every `@ts-expect-error` there must still be an error
 * against the declarations; a control project with deliberate mistakes must fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';

const root = packageRoot();
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Copies the .d.ts files of `from` (recursively) to `to`. */
function copyDeclarations(from: string, to: string): number {
  let count = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) {
      count += copyDeclarations(src, path.join(to, entry.name));
    } else if (entry.name.endsWith('.d.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, path.join(to, entry.name));
      count++;
    }
  }
  return count;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function runTsc(project: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false', ...extra], { cwd: path.dirname(project), encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function tsconfig(include: string[], extra: Record<string, unknown> = {}): string {
  const compilerOptions = {
    strict: true,
    module: 'node16',
    moduleResolution: 'node16',
    target: 'ES2022',
    types: ['node'],
    noEmit: true,
    allowJs: true,
    checkJs: true,
    skipLibCheck: false,
    forceConsistentCasingInFileNames: true,
    ...extra,
  };
  return JSON.stringify({ compilerOptions, include }, null, 2);
}

// Consumer files beyond test/types: each module form a user may write.
const COMMONJS_CTS = `// CommonJS TypeScript: \`import x = require()\` is the typed form of require.
import sg = require('sg-optim');
import { zeros } from 'sg-optim';

export function commonjs(): void {
  const x: sg.Tensor = sg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const opt: sg.optim.Optimizer = new sg.optim.SGD([x], { lr: 0.1, momentum: 0.9 });
  const o: sg.optim.AdamOptions = { lr: 1e-3, betas: [0.9, 0.999] };
  const y: sg.Tensor = zeros([2, 2]).add(x);
  new sg.Trainer({ experimentName: 'cts' });
  // A plain require() call in a .ts/.cts file compiles but is untyped (any), as TypeScript does
  // for every package; JavaScript files get the types (see require.cjs).
  const untyped = require('sg-optim');
  void [opt, o, y, untyped];
  // @ts-expect-error a string where a shape goes
  sg.zeros('x');
  // @ts-expect-error AdamOptions is closed
  const bad: sg.optim.AdamOptions = { beta1: 0.9 };
  void bad;
}
`;

const COMMONJS_CJS = `// @ts-check
// CommonJS JavaScript: \`const sg = require('sg-optim')\` is typed from the declarations.
const sg = require('sg-optim');
const { zeros, optim } = require('sg-optim');

/** @type {import('sg-optim').Tensor} */
const x = sg.randn([3], { requiresGrad: true });
/** @type {import('sg-optim').optim.AdamOptions} */
const adamOptions = { lr: 1e-3, betas: [0.9, 0.999] };
const opt = new optim.Adam([x], adamOptions);
x.pow(2).sum().backward();
opt.step();
zeros([2]).numel().toFixed(0);
// @ts-expect-error a string where a shape goes
sg.zeros('x');
// @ts-expect-error no such dtype
sg.tensor([1], { dtype: 'float33' });
module.exports = { opt };
`;

const ESM_MTS = `// ESM TypeScript importing the CommonJS package: namespace, named and default imports.
import * as sg from 'sg-optim';
import { zeros, optim, Trainer, type Tensor } from 'sg-optim';
import sgDefault from 'sg-optim';

export function esm(): void {
  const x: Tensor = zeros([2, 3]);
  const y: sg.Tensor = sgDefault.ones([2, 3]).add(x);
  const opt: sg.optim.Optimizer = new optim.AdamW([x], { lr: 1e-3 });
  const t: sg.training.Trainer = new Trainer({ experimentName: 'mts' });
  void [y, opt, t];
  // @ts-expect-error a string where a shape goes
  zeros('x');
  // @ts-expect-error a string where a Tensor goes
  sgDefault.relu('x');
}
`;

const DEEP_IMPORT_TS = `// Only the package root is exported (package.json "exports"): deep paths do not resolve,
// in the types as in Node (ERR_PACKAGE_PATH_NOT_EXPORTED).
// @ts-expect-error not exported
import { native } from 'sg-optim/dist/lib/native';
export const handle: unknown = native;
`;

describe('package: type declarations as a TypeScript user gets them', function () {
  let work = '';

  before(function () {
    assert.ok(fs.existsSync(tsc), `no TypeScript at ${tsc}`);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'lib', 'index.d.ts')), 'dist/lib/index.d.ts is missing: run `tsc -p tsconfig.json` first');
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-types-'))); // tsc lists real paths
    const modules = path.join(work, 'node_modules');

    // node_modules/sg-optim: the package.json and the declarations, as published ("files": dist/lib).
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const installed = path.join(modules, 'sg-optim');
    write(path.join(installed, 'package.json'), JSON.stringify(pkg, null, 2));
    const count = copyDeclarations(path.join(root, 'dist', 'lib'), path.join(installed, 'dist', 'lib'));
    assert.ok(count > 10, `only ${count} .d.ts files under dist/lib`);
    // Its dependencies (the declarations import 'yaml') and @types/node, linked from this checkout.
    for (const name of [...Object.keys(pkg.dependencies ?? {}), '@types/node']) {
      const target = path.join(root, 'node_modules', name);
      if (!fs.existsSync(target)) continue;
      fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      fs.symlinkSync(target, path.join(modules, name), 'dir');
    }

    write(path.join(work, 'package.json'), JSON.stringify({ name: 'types-consumer', version: '1.0.0', private: true }));
  });

  // SG_KEEP_TYPES_DIR=1 keeps the temp folder, to rerun tsc on it by hand.
  after(function () {
    if (work && !process.env.SG_KEEP_TYPES_DIR) fs.rmSync(work, { recursive: true, force: true });
  });

  it('compiles test/types and the CommonJS/ESM forms against the published .d.ts, strict', function () {
    const app = path.join(work, 'app');
    const typesDir = path.join(root, 'test', 'types');
    const copied: string[] = [];
    for (const name of fs.readdirSync(typesDir).filter((n) => n.endsWith('.ts')).sort()) {
      const source = fs.readFileSync(path.join(typesDir, name), 'utf8');
      const rewritten = source.replace(/(['"])\.\.\/\.\.\/lib\1/g, "'sg-optim'");
      assert.doesNotMatch(rewritten, /from ['"]\.\.\//, `${name} imports outside test/types other than '../../lib'`);
      write(path.join(app, name), rewritten);
      copied.push(name);
    }
    assert.ok(copied.length >= 10, `test/types has ${copied.length} files`);
    const viaPackage = copied.filter((n) => /from 'sg-optim'/.test(fs.readFileSync(path.join(app, n), 'utf8')));
    assert.ok(viaPackage.length >= copied.length - 1, 'every check (helpers aside) imports the package');
    write(path.join(app, 'commonjs.cts'), COMMONJS_CTS);
    write(path.join(app, 'require.cjs'), COMMONJS_CJS);
    write(path.join(app, 'esm.mts'), ESM_MTS);
    write(path.join(app, 'deep-import.ts'), DEEP_IMPORT_TS);
    write(path.join(app, 'tsconfig.json'), tsconfig(['*.ts', '*.cts', '*.mts', '*.cjs']));

    const r = runTsc(path.join(app, 'tsconfig.json'), ['--listFiles']);
    const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.equal(r.status, 0, `tsc failed on the consumer project:\n${errors.join('\n') || r.out}`);
    // The types came from the installed declarations, not from the repository's sources.
    const files = r.out.split('\n').map((l) => l.trim()).filter(Boolean).map((f) => path.resolve(f));
    assert.ok(files.includes(path.join(work, 'node_modules', 'sg-optim', 'dist', 'lib', 'index.d.ts')), 'the package entry point was not loaded');
    for (const name of [...copied, 'commonjs.cts', 'require.cjs', 'esm.mts', 'deep-import.ts']) {
      assert.ok(files.includes(path.join(app, name)), `${name} was not compiled`);
    }
    const fromSources = files.filter((f) => f.startsWith(path.join(root, 'lib') + path.sep) || f.startsWith(path.join(root, 'dist') + path.sep));
    assert.deepEqual(fromSources, [], 'the consumer must see only the installed package');
  });

  it('control: deliberate mistakes fail against the same declarations', function () {
    const control = path.join(work, 'control');
    write(path.join(control, 'wrong-shape.ts'), "import * as sg from 'sg-optim';\nsg.zeros('x');\n");
    write(path.join(control, 'wrong-option.cts'), "import sg = require('sg-optim');\nnew sg.optim.Adam([sg.zeros([1])], { momentum: 0.9 });\n");
    write(path.join(control, 'wrong-named.mts'), "import { crossEntropy, zeros } from 'sg-optim';\ncrossEntropy(zeros([2, 3]), 'labels');\n");
    write(path.join(control, 'wrong-require.cjs'), "// @ts-check\nconst sg = require('sg-optim');\nsg.tensor([1], { dtype: 'float33' });\n");
    // An expectation that no longer holds is reported too, so the negative checks cannot rot.
    write(path.join(control, 'stale-expect-error.ts'), "import { zeros } from 'sg-optim';\n// @ts-expect-error\nzeros([2]);\n");
    write(path.join(control, 'tsconfig.json'), tsconfig(['*.ts', '*.cts', '*.mts', '*.cjs'], { skipLibCheck: true }));

    const r = runTsc(path.join(control, 'tsconfig.json'));
    assert.notEqual(r.status, 0, `tsc accepted the control project:\n${r.out}`);
    const expected: Array<[string, string]> = [
      ['wrong-shape.ts', 'TS2345'], // a string is not a shape
      ['wrong-option.cts', 'TS2353'], // AdamOptions has no momentum
      ['wrong-named.mts', 'TS2345'], // a string is not a Tensor
      ['wrong-require.cjs', 'TS2820|TS2322'], // 'float33' is not a Dtype
      ['stale-expect-error.ts', 'TS2578'], // unused '@ts-expect-error' directive
    ];
    for (const [file, code] of expected) {
      assert.match(r.out, new RegExp(`${file.replace(/\./g, '\\.')}\\(\\d+,\\d+\\): error (${code}):`), `${file}: expected ${code} in\n${r.out}`);
    }
    const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.equal(errors.length, expected.length, `one error per control file:\n${r.out}`);
  });
});
