/**
 * Checkpoint and experiment names are plain names (issue 15): a recipe's ckpt_name,
 * ckpt_best_name or experiment_name cannot make the Trainer write outside the experiment folder
 * (or outside ckptRootDir). resume_path is the user's explicit path and is not checked here.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { CheckpointDir, checkPlainName, Trainer } from '../../lib/training';

const BAD: Array<[unknown, string]> = [
  ['../../evil.pth', "it is a path ('/' or '\\')"],
  ['/etc/evil.pth', "it is a path ('/' or '\\')"],
  ['sub/ckpt.pth', "it is a path ('/' or '\\')"],
  ['..\\evil.pth', "it is a path ('/' or '\\')"],
  ['', 'empty'],
  ['.', "'.' is a folder"],
  ['..', "'..' is a folder"],
  ['ckpt\0.pth', 'a NUL character'],
  [3, 'not a string (number)'],
  [null, 'not a string (object)'],
];

const message = (what: string, name: unknown, why: string, inside = 'the experiment folder') =>
  `${what} must be a plain name inside ${inside} (no '/', '\\', '..', not empty), got ${JSON.stringify(name)}: ${why}`;

describe('checkpoint and experiment names are plain names', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ckpt-names-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('checkPlainName: each bad name is refused with what is wrong; names with dots are plain', () => {
    for (const [name, why] of BAD) {
      assert.throws(() => checkPlainName('training_params.ckpt_name', name), { name: 'TypeError', message: message('training_params.ckpt_name', name, why) });
    }
    for (const ok of ['ckpt_latest.pth', '..hidden.pth', 'a..b', 'ckpt best.pth']) assert.equal(checkPlainName('x', ok), ok);
  });

  it('CheckpointDir.write refuses a name with a path before writing anything', () => {
    const dir = new CheckpointDir(path.join(root, 'exp'));
    assert.throws(() => dir.write('../escaped.pth', { net: {}, acc: null, epoch: 0, optimizer_state_dict: null, metrics: {} }), {
      message: message('checkpoint file name', '../escaped.pth', "it is a path ('/' or '\\')"),
    });
    assert.equal(fs.existsSync(path.join(root, 'escaped.pth')), false);
    assert.equal(fs.existsSync(path.join(root, 'exp')), false, 'not even the experiment folder was made');
  });

  it('Trainer({experimentName}) is a folder of ckptRootDir', () => {
    for (const name of ['../elsewhere', '/tmp/elsewhere', 'a/b', '..']) {
      assert.throws(() => new Trainer({ experimentName: name, ckptRootDir: root }), { message: new RegExp(`^Trainer\\(\\{experimentName\\}\\) must be a plain name inside ckptRootDir .*got ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) });
    }
    assert.equal(new Trainer({ experimentName: 'mnist.v2', ckptRootDir: root }).experimentDir, path.join(root, 'mnist.v2'));
  });

  for (const key of ['ckpt_name', 'ckpt_best_name']) {
    it(`train() refuses training_params.${key} with a path before training or writing`, async () => {
      const trainer = new Trainer({ experimentName: `bad-${key}`, ckptRootDir: root });
      const batch: [sg.Tensor, sg.Tensor] = [sg.zeros([2, 3]), sg.zeros([2, 1])];
      const loader = { length: 1, *[Symbol.iterator]() { yield batch; } };
      const trainingParams = { max_epochs: 1, initial_lr: 0.1, optimizer: 'SGD', loss: 'MSELoss', silent_mode: true, [key]: '../../escaped.pth' };
      await assert.rejects(trainer.train({ model: new nn.Linear(3, 1), trainingParams, trainLoader: loader }), {
        message: message(`training_params.${key}`, '../../escaped.pth', "it is a path ('/' or '\\')"),
      });
      assert.deepEqual(fs.readdirSync(root).filter((f) => f.includes(key) || f.includes('escaped')), []);
    });
  }
});
