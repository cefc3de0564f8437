/** `sg-optim optimizers [--verbose]`: the registered names, or their records (OptimizerInfo). */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { BUILT_IN_OPTIMIZERS } from '../../lib/optim/registry';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const cli = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 600000 }); // a hang guard only

describe('CLI: sg-optim optimizers', function () {
  it('lists the registered names, built-ins first', () => {
    const r = cli(['optimizers']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), BUILT_IN_OPTIMIZERS.map((i) => i.name));
  });

  it("--verbose prints every record: reference, description, SuperGradients' defaults, flags, each option with its default and doc", () => {
    const r = cli(['optimizers', '--verbose']);
    assert.equal(r.status, 0, r.stderr);
    const blocks = r.stdout.trim().split('\n\n');
    assert.deepEqual(blocks.map((b) => b.split('\n')[0]), BUILT_IN_OPTIMIZERS.map((i) => `${i.name} (${i.reference})`));
    assert.equal(
      blocks[0],
      [
        'SGD (torch.optim.SGD)',
        '  Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay.',
        "  SuperGradients' defaults: weight_decay=0.0001, momentum=0.9",
        '  flags: step kept as a tensor',
        '  options:',
        '    lr=0.001              learning rate',
        '    momentum=0            momentum factor',
        '    dampening=0           dampening for momentum',
        '    weight_decay=0        L2 penalty added to the gradient',
        '    nesterov=false        Nesterov momentum',
        '    maximize=false        maximize the objective instead of minimizing',
        '    foreach=null          implementation choice (accepted for compatibility)',
        '    fused=null            false selects the reference path',
        '    differentiable=false  accepted for compatibility; true is refused (steps are not recorded by autograd)',
      ].join('\n'),
    );
    const lamb = blocks[BUILT_IN_OPTIMIZERS.findIndex((i) => i.name === 'Lamb')];
    assert.match(lamb, /^ {2}SuperGradients' defaults: none$/m);
    assert.match(lamb, /^ {2}flags: has group state$/m);
    assert.match(lamb, /betas=\[0\.9,0\.999\]/);
  });

  it('--require: the optimizers a module registers are listed, with a record made for them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cli-optimizers-'));
    const sgIndex = path.join(__dirname, '..', '..', 'lib', 'index.js');
    fs.writeFileSync(
      path.join(dir, 'plugin.js'),
      [
        `const sg = require(${JSON.stringify(sgIndex)});`,
        'class CountingSGD extends sg.optim.SGD {}',
        "sg.optim.registerOptimizer('CountingSGD', CountingSGD);",
      ].join('\n'),
    );
    const r = cli(['optimizers', '--verbose', '--require', path.join(dir, 'plugin.js')]);
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trim().split('\n\n').pop()!;
    assert.match(last, /^CountingSGD \(user code, extending SGD\)\n {2}user optimizer \(class CountingSGD, extends SGD\)\n {2}SuperGradients' defaults: none\n {2}flags: step kept as a tensor\n {2}options:\n {4}lr=0\.001 +learning rate\n/);
    fs.rmSync(dir, { recursive: true });
  });

  it('--help, and flag errors', () => {
    const help = cli(['optimizers', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: sg-optim optimizers \[--verbose\]/);
    const valued = cli(['optimizers', '--verbose=yes']);
    assert.equal(valued.status, 1);
    assert.equal(valued.stderr, 'sg-optim: --verbose takes no value\n');
    const unknown = cli(['optimizers', '--verbos']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown flag '--verbos' for 'optimizers'; did you mean '--verbose'\? known: --verbose, --require, --help/);
  });
});
