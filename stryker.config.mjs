// StrykerJS over the optimizers, the training loop and the recipes: `npm run mutate:ts`
// (`npm run mutate` also runs the C++ mutants, scripts/mutate-native.js). Not in CI: about an
// hour per folder on 2 cores. Reports land in mutate/ (git-ignored).
//
// Stryker copies the project into .stryker-tmp/sandbox-*, instruments lib/**.ts there, compiles
// it with tsc (buildCommand) and runs mocha over the compiled tests in dist/. The native addon is
// not rebuilt: the sandbox loads this checkout's build through SG_OPTIM_BINARY, and the golden
// files (../shared/golden, outside the package) through SG_GOLDEN_DIR.
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const localBuild = path.join(here, 'build', 'Release', 'sg_optim.node');
if (!process.env.SG_OPTIM_BINARY && fs.existsSync(localBuild)) process.env.SG_OPTIM_BINARY = localBuild;
// The sandbox leaves out build/ and prebuilds/: without a binary every test of the dry run would
// fail on loading the addon, which Stryker reports only as failed tests. Say what to do instead.
if (!process.env.SG_OPTIM_BINARY) {
  throw new Error(`stryker.config.mjs: no native addon at ${localBuild}; build it first (npm install, or npm run build:native) or point SG_OPTIM_BINARY at one`);
}
if (!process.env.SG_GOLDEN_DIR) process.env.SG_GOLDEN_DIR = path.resolve(here, '..', 'shared', 'golden');

// Which folders to mutate: all three, or MUTATE_FOLDERS=optim,recipes for a part; MUTATE_FILES
// (comma-separated globs, e.g. lib/optim/param-groups.ts) narrows the mutated files further.
const folders = (process.env.MUTATE_FOLDERS || 'optim,training,recipes').split(',').map((f) => f.trim()).filter(Boolean);
const files = process.env.MUTATE_FILES ? process.env.MUTATE_FILES.split(',').map((f) => f.trim()).filter(Boolean) : null;
// MUTATE_TAG names the report (mutate/stryker-<tag>.json): narrowed runs of different files then
// keep their reports apart instead of overwriting one another's `-part` report.
const tag = process.env.MUTATE_TAG || folders.join('-') + (files || process.env.MUTATE_TESTS ? '-part' : '');
if (!/^[\w.-]+$/.test(tag)) throw new Error(`MUTATE_TAG must be letters, digits, '.', '_' or '-' (it names a file and a folder), got ${JSON.stringify(tag)}`);

// The tests that exercise each folder (the dry run and every mutant only run these). Left out:
// tests that run their subject in a child process (a mutant is only active in Stryker's own test
// process, so they cannot kill one and only cost minutes) and the README's full main job.
const testsOf = {
  optim: ['optim/**/*', 'training/**/*', 'registry/**/*', 'reliability/**/*', 'tensor/tidy'],
  training: ['training/**/*', 'registry/**/*', 'reliability/**/*'],
  recipes: ['recipes/**/*', 'training/callback-registry', 'training/seed-examples'],
};
const excluded = [
  'optim/cpu-kernels', // spawns workers per kernel build
  'training/resume', // spawns a worker per run
  'training/plot-lr-cli', // spawns the CLI
  'training/distributed-trainer', // launches 2 workers per case (training/distributed-trainer-in-process runs it here)
  'training/main-job', // the full mnist_lenet recipe, minutes
  'serialize/interop', // spawns Python
];
// MUTATE_TESTS (comma-separated, relative to dist/test, e.g. optim/api,optim/param-groups) runs
// only those tests: cheaper, and a lower bound of the score.
const wanted = process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',').map((t) => t.trim()) : [...new Set(folders.flatMap((f) => testsOf[f] ?? []))];
const spec = wanted
  .filter((t) => !wanted.some((other) => other.endsWith('/**/*') && other !== t && t.startsWith(other.slice(0, -4))))
  .map((t) => `dist/test/${t}.test.js`);
const ignore = excluded.map((t) => `dist/test/${t}.test.js`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  mochaOptions: {
    spec,
    ignore,
    'no-config': true,
    'async-only': false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  buildCommand: 'tsc -p tsconfig.json',
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables such as option-schema.ts) each need a fresh process and
  // every test; MUTATE_IGNORE_STATIC=1 leaves them out of a quick run (reported as ignored).
  ignoreStatic: process.env.MUTATE_IGNORE_STATIC === '1',
  concurrency: Number(process.env.MUTATE_CONCURRENCY || 2),
  timeoutMS: 60000,
  dryRunTimeoutMinutes: 60,
  timeoutFactor: 2,
  mutate: files ?? folders.map((f) => `lib/${f}/**/*.ts`),
  ignorePatterns: ['/build', '/build-mutants', '/build-torch*', '/.venv-torch', '/dist', '/mutate', '/experiments', '/checkpoints', '/prebuilds', '/bench/results', '*.tgz'],
  tempDirName: `.stryker-tmp/${tag}`, // one per run: runs of different folders can go side by side
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // A whole folder takes an hour or more on 2 cores. `--incremental` keeps each run's results in
  // mutate/ (per tag), so the next run of the same tag tests again only the mutants whose code or
  // covering tests changed since.
  incrementalFile: `mutate/stryker-incremental-${tag}.json`,
  htmlReporter: { fileName: `mutate/stryker-${tag}.html` },
  jsonReporter: { fileName: `mutate/stryker-${tag}.json` },
  cleanTempDir: true,
};
