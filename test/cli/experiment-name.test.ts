/**
 * `sg-optim train` names the experiment folder from the recipe: a recipe's experiment_name
 * cannot put checkpoints outside ckpt_root_dir (issue 15), and is refused before the model and
 * the data are built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const cli = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 600000 }); // a hang guard only

describe('CLI: a recipe experiment_name is a plain folder name', () => {
  for (const name of ['../../escaped', '/tmp/escaped', 'a/b']) {
    it(`experiment_name=${name} is refused`, () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cli-exp-'));
      try {
        const r = cli(['train', '--config-name', 'mnist_mlp', `experiment_name=${name}`, `ckpt_root_dir=${root}`]);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.ok(
          r.stderr.includes(`recipe mnist_mlp: experiment_name must be a plain name inside ckpt_root_dir (no '/', '\\', '..', not empty), got ${JSON.stringify(name)}: it is a path ('/' or '\\')`),
          r.stderr,
        );
        assert.equal(r.stdout, '', 'nothing was trained');
        assert.deepEqual(fs.readdirSync(root), []);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
