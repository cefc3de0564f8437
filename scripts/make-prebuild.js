#!/usr/bin/env node
// Copies the freshly built addon into prebuilds/<platform>-<arch>/ under a name that says what
// it needs at run time: sg-optim.torch<major.minor>.<cpu|cuda>.node (stripped). The builds are
// build/Release/sg_optim.node and, where scripts/torch-wheel.sh made them,
// build-torch<version>/Release/sg_optim.node (PyTorch's wheel: sg-optim.torch2.15.cuda.node).
//   --from FILE  only this build
//   --to DIR     another folder
// A build against PyTorch's wheel has the build machine's site-packages/torch/lib in its run
// path; the prebuilt copy gets $ORIGIN there instead, and lib/native.ts loads the user's PyTorch
// LibTorch before it.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const dir = path.resolve(option('--to') || path.join(root, 'prebuilds', `${process.platform}-${process.arch}`));
// `--check` (run by prepack): a package without a prebuilt binary would need a compiler on
// every user's machine, so packing one is an error.
if (process.argv.includes('--check')) {
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.node')) : [];
  if (found.length === 0) {
    console.error(`make-prebuild: no prebuilt binary in ${path.relative(root, dir)}; run npm run prebuilds before packing`);
    process.exit(1);
  }
  console.log(`make-prebuild: packing ${found.join(', ')}`);
  process.exit(0);
}
const defaultBuild = path.join(root, 'build', 'Release', 'sg_optim.node');
const builds = option('--from')
  ? [path.resolve(option('--from'))]
  : [
      defaultBuild,
      ...fs
        .readdirSync(root)
        .filter((name) => /^build-torch[0-9.]+$/.test(name))
        .map((name) => path.join(root, name, 'Release', 'sg_optim.node'))
        .filter((file) => fs.existsSync(file)),
    ];
if (!fs.existsSync(builds[0])) {
  console.error(`make-prebuild: ${builds[0]} does not exist; run npm run build:native first`);
  process.exit(1);
}
fs.mkdirSync(dir, { recursive: true });
for (const built of builds) copyBuild(built);

function copyBuild(built) {
  // In a child process: two LibTorch versions must never share one.
  const script = `console.log(JSON.stringify(require(${JSON.stringify(built)}).buildInfo()))`;
  const info = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  const version = info.torchVersion.split('.').slice(0, 2).join('.');
  const target = path.join(dir, `sg-optim.torch${version}.${info.cuda ? 'cuda' : 'cpu'}.node`);
  try {
    execFileSync('strip', ['--strip-unneeded', '-o', target, built]);
  } catch {
    fs.copyFileSync(built, target);
  }
  clearPyTorchRunpath(target);
  console.log(`make-prebuild: wrote ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
}

// Overwrites, in place, a run path naming a PyTorch package (site-packages/torch/lib) with
// $ORIGIN padded by NULs: the string keeps its length, so nothing else in the file moves. Needs
// readelf (binutils) to read the run path; without it the copy keeps the build machine's path,
// which is harmless where it does not exist.
function clearPyTorchRunpath(file) {
  let dynamic;
  try {
    dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
  } catch {
    return;
  }
  const m = /\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*)\]/.exec(dynamic);
  if (!m || !/[/](site|dist)-packages[/]torch[/]lib/.test(m[1])) return;
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(`${m[1]}\0`));
  if (at < 0) return;
  bytes.fill(0, at, at + m[1].length);
  bytes.write('$ORIGIN', at);
  fs.writeFileSync(file, bytes);
}
