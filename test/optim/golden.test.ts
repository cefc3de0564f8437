import assert from 'node:assert/strict';

import { cudaAvailable } from '../../lib/tensor';
import { describeCase, GOLDEN_OPTIMIZERS, goldenFiles, loadGolden, maxRelativeError, NO_FUSED_CPU, replay, tolerance } from '../helpers/golden';
import { forEachKernelBuild } from '../helpers/kernels';

describe('optimizers: golden trajectories (PyTorch / SuperGradients)', () => {
  it('replays every file of the golden folder, and the comparison cannot miss a NaN', () => {
    assert.deepEqual(goldenFiles(), [...GOLDEN_OPTIMIZERS].sort());
    assert.equal(maxRelativeError([NaN, 1, 1], [1, 1, 1]), Infinity);
    assert.equal(maxRelativeError([1, 1], [1, 1, 1]), Infinity);
    assert.ok(Math.abs(maxRelativeError([1, 2.000002], [1, 2]) - 1e-6) < 1e-12);
  });

  // The default path for these CPU tensors is the fused loops: replayed under each of their builds.
  forEachKernelBuild(() => {
    for (const name of GOLDEN_OPTIMIZERS) {
      describe(name, () => {
        loadGolden(name).forEach((c, index) => {
          const path = name in NO_FUSED_CPU ? 'reference' : 'fused-cpu';
          it(`${describeCase(c, index)} matches every step (${path === 'fused-cpu' ? 'fused loops' : 'reference step'})`, () => {
            const errors = replay(c, { expectPath: path });
            const worst = Math.max(...errors);
            assert.ok(worst <= tolerance(c.dtype), `worst relative error ${worst} at step ${errors.indexOf(worst)} (tolerance ${tolerance(c.dtype)})`);
          });
        });
      });
    }
  });

  describe('on CUDA tensors', () => {
    before(function () {
      if (!cudaAvailable()) {
        console.log('      (skipped: sg.cudaAvailable() is false — no CUDA LibTorch or no GPU here)');
        this.skip();
      }
    });
    for (const name of GOLDEN_OPTIMIZERS) {
      it(`${name}: every case matches on cuda:0`, () => {
        loadGolden(name).forEach((c, index) => {
          const worst = Math.max(...replay(c, { device: 'cuda:0' }));
          assert.ok(worst <= tolerance(c.dtype), `${describeCase(c, index)}: worst relative error ${worst}`);
        });
      });
    }
  });
});
