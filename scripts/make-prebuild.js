#!/usr/bin/env node
// Copies the freshly built addon into prebuilds/<platform>-<arch>/ under a name that says what
// it needs at run time: sg-optim.torch<major.minor>.<cpu|cuda>.node (stripped).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
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
const built = path.join(root, 'build', 'Release', 'sg_optim.node');
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
console.log(`make-prebuild: wrote ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
