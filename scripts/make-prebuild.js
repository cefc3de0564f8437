#!/usr/bin/env node
// Copies the freshly built addon into prebuilds/<platform>-<arch>/ under a name that says what
// it needs at run time: sg-optim.torch<major.minor>.<cpu|cuda>.node (stripped).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'sg_optim.node');
if (!fs.existsSync(built)) {
  console.error(`make-prebuild: ${built} does not exist; run npm run build:native first`);
  process.exit(1);
}
const info = require(built).buildInfo();
const version = info.torchVersion.split('.').slice(0, 2).join('.');
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.mkdirSync(dir, { recursive: true });
const target = path.join(dir, `sg-optim.torch${version}.${info.cuda ? 'cuda' : 'cpu'}.node`);
try {
  execFileSync('strip', ['--strip-unneeded', '-o', target, built]);
} catch {
  fs.copyFileSync(built, target);
}
console.log(`make-prebuild: wrote ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
