/** A Trainer refuses a second concurrent train(), and a resume that cannot restore leaves the caller's model as it was. */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Trainer } from '../../lib/training';

describe('Trainer: concurrent calls and failed resumes', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-trainer-safety-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const data = () => {
    sg.manualSeed(0);
    const x = sg.randn([16, 4]);
    const y = sg.randint(0, 3, [16]);
    return new DataLoader(new TensorDataset(x, y), { batch_size: 4 });
  };
  const params = (extra: Record<string, unknown> = {}) => ({ max_epochs: 2, initial_lr: 0.1, optimizer: 'SGD', optimizer_params: { momentum: 0.9 }, loss: 'CrossEntropyLoss', silent_mode: true, ...extra });
  const weights = (m: nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));

  it('a second train() on the same Trainer while the first runs is refused; the first finishes, and a later call works', async () => {
    const trainer = new Trainer({ experimentName: 'concurrent', ckptRootDir: root });
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const first = trainer.train({ model, trainingParams: params(), trainLoader: data() });
    await assert.rejects(trainer.train({ model, trainingParams: params(), trainLoader: data() }), /train\(\) is already running on this Trainer/);
    const result = await first;
    assert.equal(result.epochs.length, 2);
    const again = await trainer.train({ model, trainingParams: params({ max_epochs: 1 }), trainLoader: data() });
    assert.equal(again.epochs.length, 1);
  });

  it('a resume whose optimizer state does not fit leaves the model’s weights as they were', async () => {
    const trainer = new Trainer({ experimentName: 'misfit', ckptRootDir: root });
    await trainer.train({ model: new nn.Sequential(new nn.Linear(4, 3)), trainingParams: params(), trainLoader: data() });
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const before = weights(model);
    // The checkpoint holds SGD momentum buffers; Adam's loadStateDict refuses them (no betas, no exp_avg).
    await assert.rejects(trainer.train({ model, trainingParams: params({ optimizer: 'Adam', optimizer_params: {}, resume: true }), trainLoader: data() }), /lacks 'betas', 'eps', which Adam needs/);
    assert.deepEqual(weights(model), before);
    // The control: the same resume with the optimizer that wrote the checkpoint loads its weights.
    await trainer.train({ model, trainingParams: params({ resume: true, max_epochs: 2 }), trainLoader: data() });
    assert.notDeepEqual(weights(model), before);
  });
});
