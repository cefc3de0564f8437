/** Runs a block of tests once under every build of the fused CPU loops this CPU can run. */
import assert from 'node:assert/strict';

import { native } from '../../lib/native';

/** The kernel builds setCpuKernels accepts here, narrowest first: always the baseline, AVX2 and AVX-512 where the CPU has them. */
export function kernelBuilds(): string[] {
  const builds = ['generic', 'avx2', 'avx512'].filter((name) => {
    try {
      native.setCpuKernels(name);
      return true;
    } catch {
      return false;
    }
  });
  native.setCpuKernels('auto');
  return builds;
}

/** `describe`s `body` once per kernel build, with that build selected (and checked) for its tests. */
export function forEachKernelBuild(body: (kernels: string) => void): void {
  for (const kernels of kernelBuilds()) {
    describe(`with the ${kernels} fused loops`, () => {
      before(() => {
        assert.equal(native.setCpuKernels(kernels), kernels);
        assert.equal(native.buildInfo().cpuKernels, kernels);
      });
      after(() => native.setCpuKernels('auto'));
      body(kernels);
    });
  }
}
