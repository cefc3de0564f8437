/**
 * Checkpoints cross between sg-optim and PyTorch (Debian's python3-torch): an optimizer run saved
 * after k steps by one is continued by the other and ends on the golden trajectory (float64,
 * ≤ 1e-10), for SGD, Adam, AdamW and RMSprop, both ways.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createOptimizer } from '../../lib/optim';
import { load, save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { optimizerStateForSaving } from '../../lib/training/checkpoints';
import { GoldenCase, loadGolden, maxRelativeError } from '../helpers/golden';

const PYTHON = '/usr/bin/python3';
const script = path.join(__dirname, '..', '..', '..', 'test', 'serialize', 'python', 'interop.py');
const CASES: Array<[string, number]> = [['SGD', 2], ['Adam', 4], ['AdamW', 2], ['RMSprop', 2]];
const K = 5;

function python(spec: Record<string, unknown>): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-interop-'));
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  const r = spawnSync(PYTHON, [script, path.join(dir, 'spec.json'), path.join(dir, 'out.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
}

function steps(c: GoldenCase, opt: ReturnType<typeof createOptimizer>, params: Tensor[], from: number, to: number): void {
  for (let s = from; s < to; s++) {
    const step = c.steps[s];
    if (step.lr) opt.paramGroups.forEach((g, i) => (g.lr = step.lr![i]));
    params.forEach((p, i) => (p.grad = step.grads[i] === null ? null : sg.tensor(step.grads[i]!, { shape: c.shapes[i], dtype: 'float64' })));
    opt.step();
  }
}

function build(c: GoldenCase, params: Tensor[]) {
  return createOptimizer(c.optimizer, c.groups.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options })), c.defaults);
}

function assertFinal(c: GoldenCase, finals: number[][]): void {
  const expected = c.steps[c.steps.length - 1].params;
  finals.forEach((values, i) => assert.ok(maxRelativeError(values, expected[i]) <= 1e-10, `parameter ${i}: ${maxRelativeError(values, expected[i])}`));
}

describe('checkpoints: PyTorch interop (torch.optim continues our runs and we continue its)', function () {
  this.timeout(120000);
  before(function () {
    if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
      console.log(`      (skipped: ${PYTHON} cannot import torch; install Debian's python3-torch)`);
      this.skip();
    }
  });

  for (const [name, index] of CASES) {
    it(`${name}: sg-optim saves after ${K} steps, torch.optim loads and continues`, () => {
      const c = loadGolden(name)[index];
      const params = c.params0.map((v, i) => sg.tensor(v, { shape: c.shapes[i], dtype: 'float64', requiresGrad: true }));
      const opt = build(c, params);
      steps(c, opt, params, 0, K);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-')), 'ckpt.pth');
      save({ params: params.map((p) => p.detach()), optimizer_state_dict: optimizerStateForSaving(opt.stateDict() as never) }, file);
      assertFinal(c, python({ case: c, k: K, direction: 'continue', checkpoint: file }) as number[][]);
    });

    it(`${name}: torch.optim saves after ${K} steps, sg-optim loads and continues`, () => {
      const c = loadGolden(name)[index];
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-')), 'ckpt.pth');
      python({ case: c, k: K, direction: 'start', checkpoint: file });
      const ckpt = load(file) as { params: Tensor[]; optimizer_state_dict: never };
      const params = ckpt.params.map((t) => t.detach().clone().requiresGrad_(true));
      const opt = build(c, params);
      opt.loadStateDict(ckpt.optimizer_state_dict);
      steps(c, opt, params, K, c.steps.length);
      assertFinal(c, params.map((p) => p.toArray()));
    });
  }
});
