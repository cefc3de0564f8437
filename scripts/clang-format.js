#!/usr/bin/env node
// clang-format over the C++ and CUDA sources in native/, with the repository's .clang-format.
//   node scripts/clang-format.js           formats the files in place (`npm run format`)
//   node scripts/clang-format.js --check   changes nothing, fails listing what is not formatted
//                                          (`npm run lint`)
// The binary comes from the clang-format-node devDependency (a prebuilt clang-format inside the
// npm package, no install script needed), so every checkout formats with the same version.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { getClangFormatPath } = require('clang-format-node');

const root = path.resolve(__dirname, '..');
const SOURCE = /\.(cc|h|cu|cuh|inc|cu\.in)$/;
const check = process.argv.includes('--check');

const files = fs
  .readdirSync(path.join(root, 'native'), { recursive: true })
  .map((name) => path.join('native', String(name)))
  .filter((file) => SOURCE.test(file) && fs.statSync(path.join(root, file)).isFile())
  .sort();
if (files.length === 0) {
  console.error('clang-format: no sources found under native/');
  process.exit(1);
}
const args = check ? ['--dry-run', '-Werror', ...files] : ['-i', ...files];
const binary = getClangFormatPath(process.platform, process.arch);
const result = spawnSync(binary, args, { cwd: root, stdio: 'inherit' });
if (result.error) {
  console.error(`clang-format: could not run ${binary}: ${result.error.message}`);
  process.exit(1);
}
if (check && result.status !== 0) {
  console.error('clang-format: the files above are not formatted; `npm run format` fixes them');
}
process.exit(result.status ?? 1);
