import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const cli = (args: string[], cwd?: string) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd, timeout: 280000 });

describe('CLI: sg-optim', function () {
  this.timeout(300000);

  it('--help everywhere', () => {
    for (const args of [['--help'], ['train', '--help'], ['recipes', '--help'], ['plot-lr', '--help'], ['build', '--help']]) {
      const r = cli(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: sg-optim/);
    }
    const bad = cli(['trian']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown command 'trian'; known: train, recipes, plot-lr, build/);
  });

  it('recipes lists the shipped recipes', () => {
    const r = cli(['recipes']);
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout.trim().split('\n'), ['mnist_lenet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']);
  });

  it('plot-lr writes an SVG with one line per param group', () => {
    const out = path.join(os.tmpdir(), `sg-lr-${process.pid}.svg`);
    const r = cli(['plot-lr', '--config-name', 'mnist_lenet', '--out', out, '--train-loader-len', '10']);
    assert.equal(r.status, 0, r.stderr);
    const svg = fs.readFileSync(out, 'utf8');
    assert.match(svg, /^<svg/);
    assert.equal((svg.match(/<path /g) ?? []).length, 2, 'backbone and head');
    assert.match(svg, />backbone</);
    fs.rmSync(out);
  });

  it('train runs a recipe on an MNIST subset with overrides and writes checkpoints', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cli-'));
    const r = cli(['train', '--config-name', 'mnist_mlp', 'epochs=1', 'dataset_params.train_size=500', 'dataset_params.test_size=100', `ckpt_root_dir=${dir}`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Done: Accuracy 0\.\d+/);
    assert.ok(fs.existsSync(path.join(dir, 'mnist_mlp', 'ckpt_latest.pth')));
    const bad = cli(['train', '--config-name', 'mnist_mlp', 'training_hyperparams.optimizer=Adamm']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown optimizer 'Adamm'; did you mean 'Adam'\?/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
