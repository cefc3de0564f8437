import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { load } from '../../lib/serialize';
import { Tensor } from '../../lib/tensor';

const worker = path.join(__dirname, 'resume-worker.js');
const run = (args: string[]) => spawnSync(process.execPath, [worker, ...args], { encoding: 'utf8', timeout: 1800000 }); // a hang guard only: the work is bounded by count;

describe('exact resume after SIGKILL', function () {

  it('a run killed mid-epoch and restarted with resume: true ends bit-identical to an uninterrupted run', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-resume-'));
    const full = run([path.join(root, 'a'), path.join(root, 'full.pth'), 'fresh', '']);
    assert.equal(full.status, 0, full.stderr);
    const killed = run([path.join(root, 'b'), path.join(root, 'never.pth'), 'fresh', '1:4']);
    assert.equal(killed.signal, 'SIGKILL', `the worker should have died: ${killed.stderr}`);
    assert.ok(fs.existsSync(path.join(root, 'b', 'resume', 'ckpt_latest.pth')), 'epoch 0 was checkpointed before the crash');
    assert.ok(!fs.existsSync(path.join(root, 'never.pth')));
    const resumed = run([path.join(root, 'b'), path.join(root, 'resumed.pth'), 'resume', '']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const a = load(path.join(root, 'full.pth')) as Record<string, Tensor>;
    const b = load(path.join(root, 'resumed.pth')) as Record<string, Tensor>;
    assert.deepEqual(Object.keys(b), Object.keys(a));
    for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].toTypedArray() as Float32Array), Array.from(a[k].toTypedArray() as Float32Array), k);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
