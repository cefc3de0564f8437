/**
 * BAD CALL matrix for the workflow layer (the tensor, optimizer, recipe and checkpoint-file tables
 * live beside their code's tests): the Trainer, the registries, state dicts and resuming from
 * damaged checkpoints. Each case throws an Error naming the problem, the process lives, and the
 * model's parameters and the files on disk are unchanged.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, MnistDataset } from '../../lib/data';
import { createModel, LeNet, listModels, MnistMlp, MODELS, registerModel } from '../../lib/models';
import * as nn from '../../lib/nn';
import { Adam, AdamW, createOptimizer, Lamb, Lion, listOptimizers, OPTIMIZERS, registerOptimizer, resolveOptimizer, RMSprop, RMSpropTF, SGD } from '../../lib/optim';
import { save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Trainer } from '../../lib/training';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-bad-'));
const loader = () => new DataLoader(new MnistDataset({ split: 'test', limit: 64 }), { batch_size: 32 });
const base = { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntropyLoss', silent_mode: true, save_model: false };

function snapshotDir(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((f) => {
      const full = path.join(dir, f);
      return fs.statSync(full).isFile() ? `${f}:${fs.readFileSync(full).toString('base64')}` : f;
    })
    .join('|');
}

/** Every registered name with the class it resolves to, so a silent replacement shows up. */
function registrySnapshot(): Array<[string, string, unknown]> {
  return [
    ...listOptimizers().map((n): [string, string, unknown] => ['optimizer', n, OPTIMIZERS.get(n)]),
    ...listModels().map((n): [string, string, unknown] => ['model', n, MODELS.get(n)]),
  ];
}

type Act = (model: MnistMlp) => Promise<unknown> | unknown;
const train = (trainingParams: Record<string, unknown>, extra: Record<string, unknown> = {}): Act => (model) =>
  new Trainer({ experimentName: 'bad', ckptRootDir: root }).train({ model, trainingParams, trainLoader: loader(), ...extra } as never);

function damagedCheckpoint(kind: 'truncated' | 'garbage' | 'not-a-checkpoint'): void {
  const dir = path.join(root, 'bad');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ckpt_latest.pth');
  if (kind === 'not-a-checkpoint') save({ hello: 1 }, file);
  else {
    save({ net: new MnistMlp().stateDict(), epoch: 1 }, file);
    if (kind === 'truncated') fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 500));
    else fs.writeFileSync(file, Buffer.from('garbage'));
  }
}

const cases: Array<[string, Act, RegExp, (() => void)?]> = [
  ['Trainer without experimentName', () => new Trainer({} as never), /Expected a non-empty string for Trainer\(\{experimentName\}\)/],
  ['train() without a model', () => new Trainer({ experimentName: 'x' }).train({ trainingParams: base, trainLoader: loader() } as never), /Expected an sg\.nn\.Module for train\(\{model\}\)/],
  ['a loader that is not iterable', train(base, { trainLoader: { length: 3 } }), /Expected a DataLoader or an iterable of \[inputs, targets\] with a length for train\(\{trainLoader\}\)/],
  ['a loader with length 0', train(base, { trainLoader: { length: 0, [Symbol.iterator]: () => [][Symbol.iterator]() } }), /Expected a positive integer \(number of batches\) for train\(\{trainLoader\}\)\.length/],
  ['max_epochs 0', train({ ...base, max_epochs: 0 }), /Expected an integer ≥ 1 for training_params\.max_epochs but received 0/],
  ['max_epochs as a string', train({ ...base, max_epochs: '3' }), /Expected an integer ≥ 1 for training_params\.max_epochs but received '3' \(string\)/],
  ['NaN initial_lr', train({ ...base, initial_lr: NaN }), /Invalid learning rate: NaN/],
  ['negative initial_lr', train({ ...base, initial_lr: -0.1 }), /Invalid learning rate: -0\.1/],
  ['initial_lr mapping without default', train({ ...base, initial_lr: { 'net.1': 0.1 } }), /When passing initial_lr as dictionary, must pass 'default'\./],
  ['lr_decay_factor above 1', train({ ...base, lr_mode: 'step', lr_updates: [1], lr_decay_factor: 2 }), /training_params\.lr_decay_factor must be in \[0, 1\], got 2/],
  ['batch_accumulate 0', train({ ...base, batch_accumulate: 0 }), /Expected an integer ≥ 1 for training_params\.batch_accumulate but received 0/],
  ['an unknown metric', train({ ...base, valid_metrics_list: ['Acuracy'] }), /unknown metric 'Acuracy'; did you mean 'Accuracy'\?/],
  ['an unknown loss', train({ ...base, loss: 'CrossEntopyLoss' }), /unknown loss 'CrossEntopyLoss'; did you mean 'CrossEntropyLoss'\?/],
  ['an unknown optimizer', train({ ...base, optimizer: 'Adamm' }), /unknown optimizer 'Adamm'; did you mean 'Adam'\?/],
  ['an optimizer instance with initial_lr', (m) => train({ ...base, optimizer: new SGD(m.parameters(), { lr: 0.1 }) })(m), /An instantiated optimizer cannot be passed along initial_lr != None/],
  ['an unknown optimizer_params key', train({ ...base, optimizer: 'SGD', optimizer_params: { momentun: 0.9 } }), /unknown SGD option 'momentun'; did you mean 'momentum'\?/],
  ['an unknown lr_mode', train({ ...base, lr_mode: 'cosinus' }), /unknown lr_mode 'cosinus'; did you mean 'cosine'\?/],
  ['warmup_mode null', train({ ...base, warmup_mode: null }), /warmup_mode has to be either a name of a mode \(str\) or a subclass of PhaseCallback/],
  ['clip_grad_norm 0', train({ ...base, clip_grad_norm: 0 }), /Invalid clip_grad_norm 0/],
  ['resume without a checkpoint', train({ ...base, resume: true }, {}), /cannot resume: checkpoint .*ckpt_latest\.pth does not exist/],
  ['resume from a truncated checkpoint', train({ ...base, resume: true }), /is not a readable PyTorch checkpoint/, () => damagedCheckpoint('truncated')],
  ['resume from a garbage checkpoint', train({ ...base, resume: true }), /is not a readable PyTorch checkpoint/, () => damagedCheckpoint('garbage')],
  ['resume from a file that is no training checkpoint', train({ ...base, resume: true }), /is not a training checkpoint \(expected net, epoch, optimizer_state_dict\)/, () => damagedCheckpoint('not-a-checkpoint')],
  ['registering a taken optimizer name', () => registerOptimizer('SGD', class extends SGD {}), /optimizer 'SGD' is already registered; pass \{override: true\} to replace it/],
  ['registering a taken model name', () => registerModel('lenet', class extends nn.Module { forward() { return sg.zeros([1]); } }), /model 'lenet' is already registered/],
  ['an unknown model', () => createModel('lenett'), /unknown model 'lenett'; did you mean 'lenet'\?/],
  ['an optimizer over a module (not its parameters)', (m) => createOptimizer('SGD', m as never), /Expected an array of Tensors or of \{params, \.\.\.\} groups for params but received an instance of MnistMlp/],
  ['a model state dict with a wrong shape', (m) => m.loadStateDict({ ...m.stateDict(), 'net.1.weight': sg.zeros([2, 2]) }), /size mismatch for net\.1\.weight/],
  ['a model state dict that is not an object', (m) => m.loadStateDict(null as never), /Expected an object of tensors for loadStateDict\(stateDict\) but received null/],
];

describe('workflow: BAD CALL matrix', function () {
  for (const [name, act, message, prepare] of cases) {
    it(`BAD CALL: ${name}`, async () => {
      fs.rmSync(path.join(root, 'bad'), { recursive: true, force: true });
      prepare?.();
      const model = new MnistMlp({ hidden: 8 });
      const params = JSON.stringify(Object.values(model.stateDict()).map((t) => t.toArray()));
      const files = snapshotDir(root);
      const registries = registrySnapshot();
      await assert.rejects(async () => act(model), (err: Error) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, message);
        return true;
      });
      assert.equal(JSON.stringify(Object.values(model.stateDict()).map((t) => t.toArray())), params, 'parameters unchanged');
      assert.equal(snapshotDir(root), files, 'files on disk unchanged');
      assert.deepEqual(registrySnapshot(), registries, 'optimizer and model registries unchanged');
    });
  }

  it('after bad registrations, SGD and the built-in models still resolve to the original classes', () => {
    class FakeSGD extends SGD {}
    class FakeModel extends nn.Module {
      forward() {
        return sg.zeros([1]);
      }
    }
    // Each way of registering: call form, decorator form, and a name that is only fuzzily equal.
    assert.throws(() => registerOptimizer('SGD', FakeSGD), /optimizer 'SGD' is already registered/);
    assert.throws(() => registerOptimizer('SGD')(FakeSGD), /optimizer 'SGD' is already registered/);
    assert.throws(() => registerOptimizer('', FakeSGD), /Expected a non-empty string for register optimizer name/);
    assert.throws(() => registerModel('lenet', FakeModel), /model 'lenet' is already registered/);
    assert.throws(() => registerModel('mnist_mlp')(FakeModel), /model 'mnist_mlp' is already registered/);

    const w = sg.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('SGD', [w], { lr: 0.1 });
    assert.equal(opt.constructor, SGD, `createOptimizer('SGD') built ${opt.constructor.name}`);
    assert.equal(createOptimizer('sgd', [w], { lr: 0.1 }).constructor, SGD, 'the fuzzy name too');
    const builtIns: Array<[string, unknown]> = [['SGD', SGD], ['Adam', Adam], ['AdamW', AdamW], ['RMSprop', RMSprop], ['RMSpropTF', RMSpropTF], ['Lamb', Lamb], ['Lion', Lion]];
    for (const [name, cls] of builtIns) assert.equal(resolveOptimizer(name), cls, name);
    assert.deepEqual(listOptimizers().slice(0, 7), builtIns.map(([n]) => n));
    // ...and the classes do their job: one SGD step of lr 0.1 on grad [1, 1].
    w.grad = sg.tensor([1, 1], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(w.toArray(), [0.9, 1.9]);

    assert.equal((createModel('lenet') as object).constructor, LeNet);
    assert.equal((createModel('mnist_mlp', { hidden: 8 }) as object).constructor, MnistMlp);
    assert.ok(createModel('lenet') instanceof LeNet && !(createModel('lenet') instanceof FakeModel));
    assert.equal(MODELS.nameOf(FakeModel as never), undefined, 'the fake model is registered under no name');
    assert.equal(OPTIMIZERS.nameOf(FakeSGD as never), undefined, 'the fake optimizer is registered under no name');
  });
  it(`has ${cases.length} cases here (plus the tensor, optimizer, recipe and checkpoint-file tables: more than 60 in all)`, () => assert.ok(cases.length >= 25));
});
