/**
 * Adam's `decoupled_weight_decay` (PyTorch 2.x: true makes torch.optim.Adam compute AdamW) against
 * trajectories made by PyTorch 2.15 (test/optim/fixtures/adam-decoupled-weight-decay.json, written
 * by test/optim/python/make_adam_decoupled.py), on both paths, one case with a second group that
 * keeps the coupled decay.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from '../../lib/native';
import { Adam, AdamW } from '../../lib/optim';
import { tensor } from '../../lib/tensor';
import { describeCase, GoldenCase, replay, tolerance } from '../helpers/golden';

const CASES = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'adam-decoupled-weight-decay.json'), 'utf8')).cases as GoldenCase[];

describe('Adam with decoupled_weight_decay (PyTorch 2.15)', () => {
  CASES.forEach((c, index) => {
    it(`${describeCase(c, index)}: every step on the fused and the reference path`, () => {
      for (const [extra, expectPath] of [[{}, 'fused-cpu'], [{ fused: false }, 'reference']] as const) {
        const worst = Math.max(...replay(c, { extra, expectPath }));
        assert.ok(worst <= tolerance(c.dtype), `${expectPath}: worst relative error ${worst}`);
      }
    });
  });

  it('the control: the same cases with the coupled decay are far from these trajectories', () => {
    for (const c of CASES) {
      const coupled = { ...c, defaults: { ...c.defaults, decoupled_weight_decay: false }, groups: c.groups.map((g) => ({ ...g, options: { ...g.options, decoupled_weight_decay: false } })) };
      assert.ok(Math.max(...replay(coupled)) > 1e-4);
    }
  });

  it("is an Adam option (in the state dict's groups, as PyTorch 2.15's), not an AdamW one", () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1, weight_decay: 0.1, decoupled_weight_decay: true });
    assert.equal(opt.stateDict().param_groups[0].decoupled_weight_decay, true);
    assert.equal(new Adam([w]).paramGroups[0].decoupled_weight_decay, false);
    // torch.optim.AdamW takes no decoupled_weight_decay (TypeError: unexpected keyword argument).
    assert.throws(() => new AdamW([w], { decoupled_weight_decay: false } as never), /unknown AdamW option 'decoupled_weight_decay'/);
  });
});
