// The golden trajectories of the torch.optim optimizers were computed with PyTorch 1.13; this
// replays them with PyTorch 2.15's own torch.optim (scripts/torch-wheel.sh's .venv-torch, or
// SG_OPTIM_PYTHON) to show they still hold there: within the project's tolerance everywhere,
// within an ulp (< 1e-15) for float64 and SGD, up to 3e-6 for float32 Adam/AdamW/RMSprop (the
// wheel's sqrt is MKL's, not correctly rounded). Skips without that Python.
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { goldenDir, tolerance } from '../helpers/golden';

const repo = path.join(__dirname, '..', '..', '..');
const script = path.join(repo, 'test', 'optim', 'python', 'golden_torch_optim.py');

function python(): string | null {
  const venv = path.join(repo, '.venv-torch', 'bin', 'python');
  if (fs.existsSync(venv)) return venv;
  return process.env.SG_OPTIM_PYTHON ?? null;
}

describe('golden files against PyTorch 2.x torch.optim (skipped without .venv-torch)', function () {
  it('SGD, Adam, AdamW and RMSprop: every case within tolerance', function () {
    const py = python();
    const probe = py ? spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }) : null;
    if (!py || !probe || probe.status !== 0 || !/^2\./.test(probe.stdout)) this.skip();
    const r = spawnSync(py!, [script, goldenDir()], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; cases: Array<{ optimizer: string; index: number; dtype: string; worst: number }> };
    assert.equal(out.cases.length > 0, true);
    for (const c of out.cases) {
      assert.ok(c.worst <= tolerance(c.dtype), `PyTorch ${out.torch} ${c.optimizer} #${c.index} ${c.dtype}: worst relative error ${c.worst}`);
      if (c.dtype === 'float64' || c.optimizer === 'SGD') assert.ok(c.worst < 1e-15, `${c.optimizer} #${c.index} ${c.dtype}: ${c.worst}`);
    }
  });
});
