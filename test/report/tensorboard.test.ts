/**
 * TensorBoard event files written by a real training run: SuperGradients' tags and the values the
 * log has, read back by a decoder here (always) and by TensorBoard's own EventAccumulator when
 * a Python with tensorboard is found: .venv-tb/ in the repository (python3 -m venv .venv-tb &&
 * .venv-tb/bin/pip install tensorboard), or SG_TB_PYTHON.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';
import { EpochLine, readRunData, StepLine } from '../../lib/report/run-files';
import { readRecords } from '../../lib/report/tfrecord';
import { simulateLr } from '../../lib/training';
import { decodeEvent, decodeScalars, eventFiles, trainRun, TRAINING_PARAMS } from './run-files-helpers';

const f32 = Math.fround;

function tensorboardPython(): string | null {
  const candidates = [process.env.SG_TB_PYTHON, path.join(packageRoot(), '.venv-tb', 'bin', 'python')].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

const READER = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator
acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
acc.Reload()
print(json.dumps({t: [[e.step, e.value] for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]}))
`;

/** What the log says each tag holds: [[step, value]] (float32, as simple_value stores it). */
function expectedScalars(epochs: EpochLine[], steps: StepLine[], lossName: string): Record<string, Array<[number, number]>> {
  const out: Record<string, Array<[number, number]>> = {};
  const add = (tag: string, step: number, v: number) => (out[tag] ??= []).push([step, f32(v)]);
  for (const e of epochs) {
    add(`Train_${lossName}`, e.epoch, e.train_loss);
    for (const [k, v] of Object.entries(e.train_metrics)) add(`Train_${k}`, e.epoch, v);
    if (e.valid_loss !== null) {
      add(`Valid_${lossName}`, e.epoch, e.valid_loss);
      for (const [k, v] of Object.entries(e.valid_metrics)) add(`Valid_${k}`, e.epoch, v);
    }
    add('Epoch Time', e.epoch, e.seconds);
    // SG's LR tags: the LR at the epoch's first batch, i.e. of its first step here (one step per batch).
    const first = steps.find((s) => s.epoch === e.epoch)!;
    for (const [g, lr] of Object.entries(first.lr)) add(`LR/${g}`, e.epoch, lr);
  }
  for (const s of steps) for (const [g, lr] of Object.entries(s.lr)) add(`Step LR/${g}`, s.step, lr);
  return out;
}

describe('report: TensorBoard event files of a training run', function () {
  let root: string;
  let dir: string;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-tb-'));
    ({ dir } = await trainRun(root, 'tb'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("writes one event file: file_version first, SessionLog START, then SG's tags with the log's values", () => {
    const files = eventFiles(dir);
    assert.equal(files.length, 1);
    assert.match(path.basename(files[0]), new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/[.]/g, '\\.')}\\.${process.pid}\\.\\d+$`));
    const events = readRecords(fs.readFileSync(files[0])).map(decodeEvent);
    assert.equal(events[0].file_version, 'brain.Event:2');
    assert.equal(events[1].sessionStatus, 1, 'a fresh run starts with SessionLog START');
    assert.ok(events.every((e) => e.wall_time > 1.7e9 && e.wall_time < Date.now() / 1000 + 1));

    const { epochs, steps } = readRunData(dir);
    assert.equal(epochs.length, 4);
    assert.equal(steps.length, 4 * 5, 'one line per optimizer step');
    const scalars = decodeScalars(dir);
    const expected = expectedScalars(epochs, steps, 'CrossEntropyLoss');
    const timeless = (m: Record<string, Array<[number, number]>>) => Object.fromEntries(Object.entries(m).filter(([t]) => !t.includes('Inference Time')));
    assert.deepEqual(timeless(scalars), expected);
    assert.deepEqual(Object.keys(scalars).sort(), [
      'Epoch Time', 'LR/backbone', 'LR/default', 'Step LR/backbone', 'Step LR/default',
      'Train Inference Time', 'Train_Accuracy', 'Train_CrossEntropyLoss',
      'Valid Inference Time', 'Valid_Accuracy', 'Valid_CrossEntropyLoss', 'Valid_Top5',
    ]);
    // Validation every second epoch: SG writes the Valid_ tags only then.
    assert.deepEqual(scalars.Valid_Accuracy.map(([s]) => s), [1, 3]);
    assert.deepEqual(scalars['Train Inference Time'].map(([s]) => s), [0, 1, 2, 3]);
    for (const [, t] of scalars['Train Inference Time']) assert.ok(t > 0 && t < 60);
    scalars['Train Inference Time'].forEach(([, t], i) => assert.ok(t <= f32(epochs[i].seconds) + 1e-3, 'the training loop is part of the epoch'));
  });

  it('records the LR of every step, the warm-up included, as simulateLr computes it', () => {
    const { steps } = readRunData(dir);
    const sim = simulateLr(TRAINING_PARAMS, { trainLoaderLen: 5, groups: [{ name: 'backbone', lr: 0.05 }, { name: 'default', lr: 0.1 }] });
    assert.deepEqual(steps.map((s) => s.lr), sim.steps.map((s) => s.lr));
    assert.deepEqual(steps.map((s) => [s.epoch, s.batch, s.step]), sim.steps.map((s, i) => [s.epoch, s.batch, i]));
    // The linear batch warm-up from 0.01 over the first 5 steps (the first epoch), then cosine.
    const head = steps.map((s) => s.lr.default);
    assert.equal(head[0], 0.01);
    for (let i = 1; i < 5; i++) assert.ok(head[i] > head[i - 1], `warm-up rises at step ${i}`);
    assert.ok(head[19] < head[5]);
    // After the warm-up (which starts every group at warmup_initial_lr), the backbone runs at half the head's LR.
    steps.slice(5).forEach((s) => assert.ok(Math.abs(s.lr.backbone - s.lr.default / 2) < 1e-12, JSON.stringify(s)));
  });

  it("TensorBoard's EventAccumulator reads the same scalars", function () {
    const python = tensorboardPython();
    if (python === null) {
      console.log('      (skipped: no Python with tensorboard; python3 -m venv .venv-tb && .venv-tb/bin/pip install tensorboard, or set SG_TB_PYTHON)');
      this.skip();
    }
    const res = spawnSync(python, ['-c', READER, dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(res.status, 0, res.stderr);
    const read = JSON.parse(res.stdout) as Record<string, Array<[number, number]>>;
    assert.deepEqual(read, decodeScalars(dir));
    assert.ok(read['Step LR/default'].length === 20 && read.Train_CrossEntropyLoss.length === 4);
  });

  it('a resumed run appends a second file without START; a fresh run in the folder starts again (TensorBoard drops the old run)', async function () {
    const python = tensorboardPython();
    await trainRun(root, 'tb', { max_epochs: 6, resume: true });
    assert.equal(eventFiles(dir).length, 2);
    const second = readRecords(fs.readFileSync(eventFiles(dir)[1])).map(decodeEvent);
    assert.equal(second.some((e) => e.sessionStatus === 1), false);
    const { epochs, steps } = readRunData(dir);
    assert.deepEqual(epochs.map((e) => e.epoch), [0, 1, 2, 3, 4, 5]);
    assert.equal(steps.length, 30);
    const read = () => JSON.parse(spawnSync(python!, ['-c', READER, dir], { encoding: 'utf8' }).stdout);
    if (python !== null) assert.deepEqual(read().Train_CrossEntropyLoss.map(([s]: [number]) => s), [0, 1, 2, 3, 4, 5]);

    // A fresh run of 2 epochs in the same folder: the files keep the old run, the readers show the new one.
    await trainRun(root, 'tb', { max_epochs: 2 });
    assert.equal(eventFiles(dir).length, 3);
    assert.deepEqual(readRunData(dir).epochs.map((e) => e.epoch), [0, 1]);
    assert.equal(readRunData(dir).steps.length, 10);
    if (python !== null) {
      const fresh = read();
      assert.deepEqual(fresh.Train_CrossEntropyLoss.map(([s]: [number]) => s), [0, 1]);
      assert.equal(fresh['Step LR/default'].length, 10);
    }
  });

  it('sg_logger_params {tb: false, report: false} writes none of it; tb must be a boolean', async () => {
    const off = await trainRun(root, 'off', { sg_logger_params: { tb: false, report: false } });
    assert.deepEqual(fs.readdirSync(off.dir).sort(), ['ckpt_best.pth', 'ckpt_latest.pth', 'log.jsonl']);
    await assert.rejects(trainRun(root, 'bad', { sg_logger_params: { tb: 'yes' } }), /Expected true or false for training_params\.sg_logger_params\.tb but received 'yes' \(string\)/);
  });
});
