import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const cli = (args: string[], cwd?: string) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd, timeout: 1800000 }); // a hang guard only

describe('CLI: sg-optim', function () {

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
    assert.deepEqual(r.stdout.trim().split('\n'), ['digits_folder_resnet', 'mnist_lenet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']);
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

  it('plot-lr reads only what it uses: a value left unresolved elsewhere in the recipe does not fail it', () => {
    const out = path.join(os.tmpdir(), `sg-lr-unresolved-${process.pid}.svg`);
    const r = cli(['plot-lr', '--config-name', 'mnist_lenet', '--out', out, '--train-loader-len', '10', '+training_hyperparams.sg_logger_params.unused=${arch_params.missing_key}']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(out, 'utf8'), /^<svg/);
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

  it('--require loads user modules first: a recipe trains their registered model, optimizer and callback', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cli-require-'));
    const sgIndex = path.join(__dirname, '..', '..', 'lib', 'index.js');
    // Plain CommonJS, as a user would write it; it requires the very module the CLI uses.
    fs.writeFileSync(
      path.join(dir, 'plugins.js'),
      [
        `const sg = require(${JSON.stringify(sgIndex)});`,
        'class TinyMnistNet extends sg.nn.Module {',
        '  constructor(p = {}) { super(); this.flat = new sg.nn.Flatten(); this.fc = new sg.nn.Linear(784, p.num_classes); }',
        '  forward(x) { return this.fc.forward(this.flat.forward(x)); }',
        '}',
        "sg.models.registerModel('TinyMnistNet', TinyMnistNet);",
        'let steps = 0;',
        'class CountingSGD extends sg.optim.SGD {',
        '  step() { steps += 1; return super.step(); }',
        '}',
        "sg.optim.registerOptimizer('CountingSGD', CountingSGD);",
        "process.on('exit', () => process.stdout.write(`CountingSGD steps: ${steps}\\n`));",
        'class PrintEpochEnd extends sg.training.Callback {',
        '  constructor(p = {}) { super(); this.tag = p.tag; }',
        '  onTrainLoaderEnd(ctx) { process.stdout.write(`${this.tag} epoch ${ctx.epoch}\\n`); }',
        '}',
        "sg.training.registerCallback('PrintEpochEnd', PrintEpochEnd);",
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'plugin_recipe.yaml'),
      [
        'defaults:',
        '  - training_hyperparams: mnist_train_params',
        '  - dataset_params: mnist_dataset_params',
        '  - _self_',
        '  - variable_setup',
        'architecture: TinyMnistNet',
        'arch_params: {num_classes: 10}',
        'experiment_name: plugin_run',
        'ckpt_root_dir:',
        'training_hyperparams:',
        '  max_epochs: 2',
        '  initial_lr: 0.05',
        '  lr_warmup_epochs: 0',
        '  optimizer: CountingSGD',
        '  optimizer_params: {momentum: 0.9}',
        '  phase_callbacks: [{PrintEpochEnd: {tag: mine}}]',
      ].join('\n'),
    );
    const overrides = ['dataset_params.train_size=500', 'dataset_params.test_size=100', 'dataset_params.batch_size=100', `ckpt_root_dir=${dir}`];
    const r = cli(['train', '--config-dir', '.', '--config-name', 'plugin_recipe', '--require', './plugins.js', ...overrides], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Training TinyMnistNet with CountingSGD, recipe plugin_recipe/);
    // 2 epochs × 500 / 100 batches, each an optimizer step of the user's class.
    assert.match(r.stdout, /CountingSGD steps: 10\n/);
    assert.match(r.stdout, /mine epoch 0\nmine epoch 1\n/);
    assert.ok(fs.existsSync(path.join(dir, 'plugin_run', 'ckpt_latest.pth')));
    const log = fs.readFileSync(path.join(dir, 'plugin_run', 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, 2);
    assert.ok(log[1].train_loss < log[0].train_loss, `train loss ${log[0].train_loss} → ${log[1].train_loss}`);

    // Without --require the names are unknown: the module really is what registers them.
    const without = cli(['train', '--config-dir', '.', '--config-name', 'plugin_recipe', ...overrides], dir);
    assert.equal(without.status, 1);
    assert.match(without.stderr, /unknown model 'TinyMnistNet'/);
    const missing = cli(['train', '--config-name', 'mnist_mlp', '--require', './nope.js'], dir);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--require '\.\/nope\.js': cannot find the module \(resolved from /);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown flag is an error naming it, the nearest flag and the valid ones', () => {
    const r = cli(['train', '--config_name', 'mnist_mlp']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "sg-optim: unknown flag '--config_name' for 'train'; did you mean '--config-name'? known: --config-name, --config-dir, --require, --help\n");
    const p = cli(['plot-lr', '--config-name', 'mnist_lenet', '--outt', 'x.svg']);
    assert.equal(p.status, 1);
    assert.match(p.stderr, /unknown flag '--outt' for 'plot-lr'; did you mean '--out'\? known: --config-name, --config-dir, --out, --train-loader-len, --require, --help/);
    const rc = cli(['recipes', '--quiet']);
    assert.equal(rc.status, 1);
    assert.match(rc.stderr, /unknown flag '--quiet' for 'recipes'; known: --config-dir, --help/);
  });
});
