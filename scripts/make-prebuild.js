#!/usr/bin/env node
// Copies the freshly built addon into prebuilds/<platform>-<arch>/ under a name that says what
// it needs at run time: sg-optim.torch<major.minor>.<cpu|cuda>.node (stripped).
//   --from FILE  another build (build-torch2.15/Release/sg_optim.node: the PyTorch 2.15 one)
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
const built = path.resolve(option('--from') || path.join(root, 'build', 'Release', 'sg_optim.node'));
if (!fs.existsSync(built)) {
  console.error(`make-prebuild: ${built} does not exist; run npm run build:native first`);
  process.exit(1);
}
const info = require(built).buildInfo();
const version = info.torchVersion.split('.').slice(0, 2).join('.');
fs.mkdirSync(dir, { recursive: true });
const target = path.join(dir, `sg-optim.torch${version}.${info.cuda ? 'cuda' : 'cpu'}.node`);
try {
  execFileSync('strip', ['--strip-unneeded', '-o', target, built]);
} catch {
  fs.copyFileSync(built, target);
}
clearPyTorchRunpath(target);
console.log(`make-prebuild: wrote ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);

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
