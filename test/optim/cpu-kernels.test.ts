/**
 * The fused loops are compiled for the x86-64 baseline, AVX2 and AVX-512 and chosen at run time;
 * every build must give bit-identical parameters and state (no FMA contraction, IEEE division and
 * sqrt), and the widest one the CPU runs is the default.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

import { native } from '../../lib/native';
import { kernelBuilds } from '../helpers/kernels';

function run(env: NodeJS.ProcessEnv): { kernels: string; sha256: string } {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'cpu-kernels-worker.js')], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The builds this CPU runs, widest first. */
const runnableBuilds = (): string[] => kernelBuilds().reverse();

describe('optimizers: every build of the fused loops agrees to the bit', () => {
  it('every optimizer, float32 and float64, three steps: the same bytes under each build', function () {
    const builds = runnableBuilds();
    assert.equal(builds[builds.length - 1], 'generic');
    const chosen = run({ ...process.env, SG_OPTIM_KERNELS: '' });
    assert.equal(chosen.kernels, builds[0], 'the widest build this CPU runs is the default');
    if (builds.length === 1) {
      console.log('      (skipped the comparison: this CPU has no AVX2, so every run used the baseline loops)');
      this.skip();
    }
    for (const build of builds.slice(1)) {
      const forced = run({ ...process.env, SG_OPTIM_KERNELS: build });
      assert.equal(forced.kernels, build);
      assert.equal(forced.sha256, chosen.sha256, `${build} against ${chosen.kernels}`);
    }
  });

  it('SG_OPTIM_KERNELS naming a build that does not exist keeps the default', () => {
    const kernelsWith = (value: string): string => {
      const script = `process.stdout.write(require(${JSON.stringify(require.resolve('../../lib/native'))}).native.buildInfo().cpuKernels)`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, SG_OPTIM_KERNELS: value } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(kernelsWith('sse9'), runnableBuilds()[0]);
    assert.equal(kernelsWith('generic'), 'generic');
  });

  it('setCpuKernels refuses an unknown build by name, listing the known ones', () => {
    assert.throws(() => native.setCpuKernels('avx1024'), /'avx1024' is not a kernel build this CPU runs; known: generic, avx2 \(with AVX2\), avx512 \(with AVX-512F\), auto/);
  });
});
