/**
 * The only place that loads the compiled addon. Everything else imports `native` from here.
 * A failed load becomes one error that says what was tried and what to do about it.
 */
import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from './package-root';

export { packageRoot };

/** Opaque handle of one at::Tensor on the native side. */
export interface NativeTensorHandle {
  readonly __nativeTensor: unique symbol;
}

/** The addon's exports. Argument checking happens in TypeScript first; see native/addon.cc. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeBinding = Record<string, (...args: any[]) => any> & {
  NativeTensor: new (...args: unknown[]) => NativeTensorHandle;
  NativeOptimizer?: new (...args: unknown[]) => unknown;
};

function candidateBinaries(root: string): string[] {
  const out: string[] = [];
  if (process.env.SG_OPTIM_BINARY) out.push(path.resolve(process.env.SG_OPTIM_BINARY));
  out.push(path.join(root, 'build', 'Release', 'sg_optim.node'));
  const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  if (fs.existsSync(prebuildDir)) {
    for (const name of fs.readdirSync(prebuildDir).sort()) {
      if (name.endsWith('.node')) out.push(path.join(prebuildDir, name));
    }
  }
  return out;
}

function load(): NativeBinding {
  const root = packageRoot();
  const tried: string[] = [];
  for (const file of candidateBinaries(root)) {
    if (!fs.existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return require(file) as NativeBinding;
    } catch (err) {
      tried.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    [
      `Could not load sg-optim's native addon for ${process.platform}-${process.arch} (Node ${process.version}).`,
      'Tried:',
      ...tried.map((t) => `  - ${t}`),
      'Possible solutions:',
      '  - Install the LibTorch runtime it was built against (Debian/Ubuntu: apt-get install libtorch1.13 or libtorch-dev).',
      '  - Build from source against your LibTorch: `npx sg-optim build` (set LIBTORCH=/path/to/libtorch for an official 2.x or CUDA download).',
      '  - In a clone of the repository: `bash scripts/setup.sh`.',
    ].join('\n'),
  );
}

/** The loaded addon. */
export const native: NativeBinding = load();
