#!/usr/bin/env node
// npm's install step for this package: compile the native addon with cmake-js unless a
// binary that fits is already there. Consumers whose npm blocks install scripts rely on
// prebuilt binaries instead (lib/native.ts finds them); this script never downloads anything.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
if (process.env.SG_OPTIM_SKIP_BUILD) {
  console.log('sg-optim: SG_OPTIM_SKIP_BUILD is set, not compiling the native addon');
  process.exit(0);
}
let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
} catch {
  console.error('sg-optim: cmake-js is not installed; cannot build the native addon from source');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--directory', root], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
