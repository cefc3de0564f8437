/**
 * The published package, as a user installs it: `npm pack`, install the tarball into an empty
 * project with g++ and cmake off the PATH and install scripts blocked (npm's default for
 * dependencies), then require it, step an optimizer and train two epochs on an MNIST subset.
 * Nothing may compile: the prebuilt binary must load. Where the 2.15 wheel build exists, the
 * same again on its shipped prebuilt with only that PyTorch (SG_OPTIM_PYTHON).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';

describe('package: npm pack → install without a compiler → require and train', function () {

  it('works from the tarball with the prebuilt binary', function () {
    if (process.env.SG_SKIP_PACK_TEST) {
      console.log('      (skipped: SG_SKIP_PACK_TEST is set)');
      this.skip();
    }
    const root = packageRoot();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-pack-'));
    execFileSync(process.execPath, [path.join(root, 'scripts', 'make-prebuild.js')], { cwd: root, stdio: 'pipe' });
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_ignore_scripts: '' } })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = path.join(work, packed);
    assert.ok(fs.existsSync(tarball), tarball);
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    assert.match(listing, /package\/prebuilds\/linux-x64\/sg-optim\.torch\d+\.\d+\.cpu\.node/);
    assert.match(listing, /package\/dist\/lib\/index\.d\.ts/);
    assert.doesNotMatch(listing, /package\/dist\/test\//);
    assert.doesNotMatch(listing, /package\/build\//);

    // A PATH with node and npm but no compiler or cmake.
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['node', 'npm', 'npx', 'sh', 'tar', 'gzip']) {
      const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (where) fs.symlinkSync(where, path.join(bin, tool));
    }
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const env = { ...process.env, PATH: bin };
    delete (env as Record<string, unknown>).SG_OPTIM_ROOT;
    delete (env as Record<string, unknown>).SG_OPTIM_BINARY;
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    assert.ok(!fs.existsSync(path.join(app, 'node_modules', 'sg-optim', 'build')), 'nothing was compiled');
    const script = `
      const sg = require('sg-optim');
      const w = sg.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
      const opt = new sg.optim.Adam([w], { lr: 0.1 });
      w.mul(w).sum().backward();
      opt.step();
      const model = new sg.models.MnistMlp({ hidden: 32 });
      const trainLoader = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'train', limit: 500 }), { batch_size: 50, shuffle: true });
      const validLoader = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'test', limit: 200 }), { batch_size: 100 });
      new sg.Trainer({ experimentName: 'pack', ckptRootDir: 'ckpt' })
        .train({ model, trainingParams: { max_epochs: 2, initial_lr: 0.1, loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], silent_mode: true }, trainLoader, validLoader })
        .then((r) => console.log(JSON.stringify({ step: w.toArray(), accuracy: r.metrics.Accuracy, version: sg.torchVersion })));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: app, env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.equal(out.step.length, 3);
    assert.ok(out.step[0] < 1, 'the optimizer stepped');
    assert.ok(out.accuracy > 0.5, `accuracy ${out.accuracy}`);
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import { zeros, optim } from 'sg-optim'; console.log(zeros([2]).numel(), typeof optim.SGD);"], { cwd: app, env, encoding: 'utf8' });
    assert.equal(esm.status, 0, esm.stderr);
    assert.match(esm.stdout, /2 function/);

    // The second prebuilt, for PyTorch's wheel (issue 10): shipped whenever scripts/torch-wheel.sh
    // built it, and a user with only `pip install torch` trains on it with nothing to set. The
    // 1.13 binary is removed from the installed copy, as for a user without Debian's LibTorch.
    const venvPython = path.join(root, '.venv-torch', 'bin', 'python');
    if (fs.existsSync(path.join(root, 'build-torch2.15', 'Release', 'sg_optim.node')) && fs.existsSync(venvPython)) {
      assert.match(listing, /package\/prebuilds\/linux-x64\/sg-optim\.torch2\.15\.cuda\.node/);
      const prebuilds = path.join(app, 'node_modules', 'sg-optim', 'prebuilds', 'linux-x64');
      for (const name of fs.readdirSync(prebuilds)) if (!name.includes('torch2.15')) fs.rmSync(path.join(prebuilds, name));
      const withPyTorch = { ...env, SG_OPTIM_PYTHON: venvPython };
      const wheel = spawnSync(process.execPath, ['-e', `${script}; console.error(JSON.stringify(require('sg-optim').buildInfo()))`], { cwd: app, env: withPyTorch, encoding: 'utf8' });
      assert.equal(wheel.status, 0, wheel.stderr);
      const trained = JSON.parse(wheel.stdout.trim().split('\n').pop()!);
      assert.match(trained.version, /^2\.15\./);
      assert.ok(trained.accuracy > 0.5, `accuracy ${trained.accuracy} on the 2.15 prebuilt`);
      const info = JSON.parse(wheel.stderr.trim().split('\n').pop()!);
      assert.equal(info.binary, path.join(fs.realpathSync(prebuilds), 'sg-optim.torch2.15.cuda.node'));
      assert.equal(info.source, 'pytorch');
      assert.equal(info.cuda, true);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });
});
