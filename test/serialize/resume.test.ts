/**
 * Trainer resume reads its checkpoint through sg.load's strict reader too: a hostile
 * ckpt_latest.pth in the experiment folder stops the run with the file and the fault named, and
 * the model's weights stay as they were. A good checkpoint in the same place resumes (so the
 * refusal comes from the file, not the setup).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Trainer } from '../../lib/training';
import { archive, P, pickle, tensorOps } from './craft';

async function train(root: string, model: nn.Module, epochs: number, resume: boolean) {
  sg.manualSeed(0);
  const x = sg.randn([8, 4]);
  const y = sg.randint(0, 3, [8]);
  return new Trainer({ experimentName: 'exp', ckptRootDir: root }).train({
    model,
    trainingParams: { max_epochs: epochs, initial_lr: 0.1, optimizer: 'SGD', loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], resume, silent_mode: true },
    trainLoader: new DataLoader(new TensorDataset(x, y), { batch_size: 8 }),
    validLoader: new DataLoader(new TensorDataset(x, y), { batch_size: 8 }),
  });
}

describe('Trainer resume: the checkpoint goes through the strict reader', function () {
  this.timeout(120000);

  const hostile: Array<[string, Buffer, RegExp]> = [
    ['a global that runs code', archive(pickle(P.global('posix', 'system'), P.mark, P.str('touch /tmp/pwned'), P.tuple, P.reduce)), /refers to posix\.system, which sg\.load does not allow/],
    ['a tensor reaching past its storage', archive(pickle(P.emptyDict, P.str('net'), P.emptyDict, P.str('0.weight'), tensorOps({ numel: 1, size: [3, 4], stride: [4, 1] }), P.setitem, P.setitem), { 0: Buffer.alloc(4) }), /reaches element 11 of a storage of 1/],
    ['opcodes against an empty stack', archive(Buffer.from([0x80, 0x02, 0x52, 0x2e])), /pickle: stack underflow/],
  ];
  for (const [name, bytes, why] of hostile) {
    it(`BAD FILE: ${name} in ckpt_latest.pth stops the resume, naming the file; the weights are untouched`, async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-resume-bad-'));
      fs.mkdirSync(path.join(root, 'exp'));
      const file = path.join(root, 'exp', 'ckpt_latest.pth');
      fs.writeFileSync(file, bytes);
      const model = new nn.Sequential(new nn.Linear(4, 3));
      const before = model.parameters().map((p) => p.toArray());
      await assert.rejects(train(root, model, 2, true), (err: Error) => {
        assert.ok(err.message.includes(`${file} is not a readable PyTorch checkpoint`), err.message);
        assert.match(err.message, why);
        return true;
      });
      assert.deepEqual(model.parameters().map((p) => p.toArray()), before);
    });
  }

  it('a good checkpoint in the same place resumes from its epoch', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-resume-good-'));
    await train(root, new nn.Sequential(new nn.Linear(4, 3)), 1, false);
    const resumed = await train(root, new nn.Sequential(new nn.Linear(4, 3)), 2, true);
    assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1]);
  });
});
