import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

describe('loading the native addon', () => {
  it('when nothing loads: one error naming what was tried and what to do', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-noaddon-'));
    const bogus = path.join(empty, 'broken.node');
    fs.writeFileSync(bogus, 'not a shared object');
    const native = path.join(__dirname, '..', '..', 'lib', 'native.js');
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(native)})`], {
      encoding: 'utf8',
      env: { ...process.env, SG_OPTIM_ROOT: empty, SG_OPTIM_BINARY: bogus },
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Could not load sg-optim's native addon for linux-x64/);
    assert.match(r.stderr, /Tried:\n\s+- .*broken\.node: .*\n\s+- .*build\/Release\/sg_optim\.node: not found/);
    assert.match(r.stderr, /Possible solutions:[\s\S]*LibTorch runtime[\s\S]*npx sg-optim build[\s\S]*LIBTORCH=/);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
