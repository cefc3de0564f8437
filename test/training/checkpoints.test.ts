/**
 * CheckpointDir (the experiment folder's checkpoint files) and the best metric a resumed run
 * starts from: the folder is made on the first write, a resume from a missing file or from a file
 * that is not a training checkpoint is refused with what is wrong, and the best metric comes from
 * ckpt_best.pth when it has one. StrykerJS found these paths untested (lib/training/checkpoints.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { bestMetricOnResume, Checkpoint, CheckpointDir } from '../../lib/training';

const checkpoint = (acc: number | null, epoch = 3): Checkpoint => ({
  net: { weight: sg.tensor([1.5, -2], { dtype: 'float32' }) },
  acc,
  epoch,
  optimizer_state_dict: null,
  metrics: { Accuracy: 0.25 },
});

describe('training: checkpoint files', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-checkpoints-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('write makes the experiment folder (and its parents) and read gives the checkpoint back, by name or absolute path', () => {
    const dir = new CheckpointDir(path.join(root, 'deep', 'exp'));
    dir.write('ckpt_latest.pth', checkpoint(0.5));
    assert.ok(fs.statSync(path.join(root, 'deep', 'exp', 'ckpt_latest.pth')).isFile());
    for (const name of ['ckpt_latest.pth', path.join(root, 'deep', 'exp', 'ckpt_latest.pth')]) {
      const back = dir.read(name);
      assert.deepEqual([back.acc, back.epoch, back.metrics], [0.5, 3, { Accuracy: 0.25 }]);
      assert.deepEqual(back.net.weight.toArray(), [1.5, -2]);
    }
  });

  it('reading a missing checkpoint: "cannot resume" naming the file', () => {
    const dir = new CheckpointDir(path.join(root, 'empty'));
    const file = path.join(root, 'empty', 'ckpt_latest.pth');
    assert.throws(() => dir.read('ckpt_latest.pth'), { name: 'Error', message: `cannot resume: checkpoint ${file} does not exist` });
  });

  it('a file that is not a training checkpoint (no net mapping, no numeric epoch) is refused naming it', () => {
    const dir = new CheckpointDir(path.join(root, 'not-checkpoints'));
    fs.mkdirSync(dir.dir, { recursive: true });
    const cases: Record<string, unknown> = {
      'null.pth': null,
      'number.pth': 3,
      'no-net.pth': { epoch: 1, acc: null },
      'net-a-number.pth': { net: 3, epoch: 1 },
      'no-epoch.pth': { net: {} },
      'epoch-a-string.pth': { net: {}, epoch: '1' },
    };
    for (const [name, content] of Object.entries(cases)) {
      save(content, dir.file(name));
      assert.throws(() => dir.read(name), {
        name: 'Error',
        message: `cannot resume: ${dir.file(name)} is not a training checkpoint (expected net, epoch, optimizer_state_dict)`,
      }, name);
    }
    save({ net: {}, epoch: 0 }, dir.file('minimal.pth'));
    assert.equal(dir.read('minimal.pth').epoch, 0);
  });

  it("bestMetricOnResume: ckpt_best.pth's acc when it has a number, else the resumed checkpoint's, else null", () => {
    const withBest = new CheckpointDir(path.join(root, 'with-best'));
    withBest.write('ckpt_best.pth', checkpoint(0.9));
    assert.equal(bestMetricOnResume(withBest, 'ckpt_best.pth', checkpoint(0.6)), 0.9);
    assert.equal(bestMetricOnResume(withBest, 'ckpt_best.pth', checkpoint(null)), 0.9);

    const bestWithoutAcc = new CheckpointDir(path.join(root, 'best-without-acc'));
    bestWithoutAcc.write('ckpt_best.pth', checkpoint(null));
    assert.equal(bestMetricOnResume(bestWithoutAcc, 'ckpt_best.pth', checkpoint(0.6)), 0.6);
    assert.equal(bestMetricOnResume(bestWithoutAcc, 'ckpt_best.pth', checkpoint(null)), null);

    const noBest = new CheckpointDir(path.join(root, 'no-best'));
    assert.equal(bestMetricOnResume(noBest, 'ckpt_best.pth', checkpoint(0.6)), 0.6);
    assert.equal(bestMetricOnResume(noBest, 'ckpt_best.pth', checkpoint(0)), 0);
    assert.equal(bestMetricOnResume(noBest, 'ckpt_best.pth', checkpoint(null)), null);
    assert.equal(bestMetricOnResume(noBest, 'ckpt_best.pth', { ...checkpoint(null), acc: '0.6' as unknown as number }), null);
  });
});
