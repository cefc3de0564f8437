#!/usr/bin/env node
// npm's install step for this package. A prebuilt binary that loads here wins (no compiler
// needed); otherwise the addon is compiled with cmake-js. npm 11 blocks dependencies' install
// scripts by default, so the package must also work when this never runs: lib/native.ts finds
// the prebuilt binaries at run time. Nothing here downloads anything.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
if (process.env.SG_OPTIM_SKIP_BUILD) {
  console.log('sg-optim: SG_OPTIM_SKIP_BUILD is set, not compiling the native addon');
  process.exit(0);
}
// A development checkout (with sources and no prebuild that loads) always builds, incrementally.
const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const isCheckout = fs.existsSync(path.join(root, '.git'));
if (!isCheckout && fs.existsSync(prebuildDir) && !process.env.SG_OPTIM_FORCE_BUILD) {
  for (const name of fs.readdirSync(prebuildDir).filter((n) => n.endsWith('.node'))) {
    try {
      require(path.join(prebuildDir, name));
      console.log(`sg-optim: using the prebuilt binary ${name}`);
      process.exit(0);
    } catch (err) {
      console.log(`sg-optim: prebuilt ${name} does not load here (${String(err.message).split('\n')[0]})`);
    }
  }
}
let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
} catch {
  console.error('sg-optim: no prebuilt binary fits and cmake-js is not installed; see the README (Troubleshooting)');
  process.exit(1);
}
// An installed package picks its LibTorch as `npx sg-optim build` does (LIBTORCH/Torch_DIR, else
// the PyTorch python3 imports, else Debian's); a checkout keeps building against the default.
let target = { args: [], env: process.env };
if (!isCheckout) {
  try {
    const { chooseBuildTarget } = require('../dist/lib/cli/build-command.js');
    const { findPythonTorch } = require('../dist/lib/torch-locate.js');
    target = chooseBuildTarget(process.env, process.env.LIBTORCH || process.env.Torch_DIR ? null : findPythonTorch());
    console.log(`sg-optim: building against ${target.description}`);
  } catch {
    /* no compiled TypeScript beside this script: the default LibTorch */
  }
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--directory', root, ...target.args], { stdio: 'inherit', env: target.env });
process.exit(result.status === null ? 1 : result.status);
