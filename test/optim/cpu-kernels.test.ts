/**
 * The fused loops are compiled for the x86-64 baseline and for AVX2 and chosen at run time; both
 * must give bit-identical parameters and state (no FMA contraction, IEEE division and sqrt).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

function run(env: NodeJS.ProcessEnv): { kernels: string; sha256: string } {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'cpu-kernels-worker.js')], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('optimizers: the AVX2 and baseline builds of the fused loops agree to the bit', () => {
  it('every optimizer, float32 and float64, three steps: the same bytes', function () {
    const chosen = run({ ...process.env, SG_OPTIM_KERNELS: '' });
    const generic = run({ ...process.env, SG_OPTIM_KERNELS: 'generic' });
    assert.equal(generic.kernels, 'generic');
    if (chosen.kernels === 'generic') {
      console.log('      (skipped the comparison: this CPU has no AVX2, so both runs used the baseline loops)');
      this.skip();
    }
    assert.equal(chosen.kernels, 'avx2');
    assert.equal(chosen.sha256, generic.sha256);
  });
});
