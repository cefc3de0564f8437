import { spawnSync } from 'child_process';
import * as path from 'path';

import { packageRoot } from '../package-root';

/** Compiles the addon from source with cmake-js (LIBTORCH / Torch_DIR pick another LibTorch). */
export function buildCommand(): number {
  const root = packageRoot();
  let cmakeJs: string;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  } catch {
    process.stderr.write('sg-optim build: cmake-js is not installed (npm install cmake-js)\n');
    return 1;
  }
  const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--directory', root], { stdio: 'inherit' });
  if (result.status === 0) process.stdout.write(`built ${path.join(root, 'build', 'Release', 'sg_optim.node')}\n`);
  return result.status ?? 1;
}
