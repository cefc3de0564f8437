import { spawnSync } from 'child_process';
import * as path from 'path';

import { packageRoot } from '../package-root';
import { findPythonTorch, PythonTorch } from '../torch-locate';

/** Which LibTorch a build uses, and the cmake-js arguments and environment that say so. */
export interface BuildTarget {
  /** For the message: where the LibTorch is and why that one. */
  description: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * LIBTORCH or Torch_DIR when set (CMakeLists reads them); else the LibTorch inside the PyTorch
 * that python3 (or SG_OPTIM_PYTHON) imports; else the system's (Debian's libtorch-dev).
 * Torch_DIR is passed explicitly, so that a build folder configured for another LibTorch
 * switches instead of keeping the one in its CMake cache.
 */
export function chooseBuildTarget(env: NodeJS.ProcessEnv, torch: PythonTorch | null): BuildTarget {
  if (env.LIBTORCH) return { description: `LIBTORCH=${env.LIBTORCH}`, args: [], env };
  if (env.Torch_DIR) return { description: `Torch_DIR=${env.Torch_DIR}`, args: [], env };
  if (torch) {
    return {
      description: `PyTorch ${torch.version}${torch.cuda ? ` (CUDA ${torch.cuda})` : ''} of ${torch.python}: ${torch.dir}`,
      args: [`--CDTorch_DIR=${path.join(torch.dir, 'share', 'cmake', 'Torch')}`],
      env: { ...env, LIBTORCH: torch.dir },
    };
  }
  return { description: 'the system LibTorch (no LIBTORCH, Torch_DIR or PyTorch found)', args: [], env };
}

/** Compiles the addon from source with cmake-js into build/Release/sg_optim.node. */
export function buildCommand(): number {
  const root = packageRoot();
  let cmakeJs: string;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
  } catch {
    process.stderr.write('sg-optim build: cmake-js is not installed (npm install cmake-js)\n');
    return 1;
  }
  const target = chooseBuildTarget(process.env, process.env.LIBTORCH || process.env.Torch_DIR ? null : findPythonTorch());
  process.stdout.write(`sg-optim build: against ${target.description}\n`);
  const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--directory', root, ...target.args], { stdio: 'inherit', env: target.env });
  if (result.status === 0) process.stdout.write(`built ${path.join(root, 'build', 'Release', 'sg_optim.node')}\n`);
  return result.status ?? 1;
}
