/**
 * Errors carry a machine-readable `path` and `code` (lib/errors.ts), built by one set of
 * helpers: the training params' checks, the loss and tensor checkers, unknown names. The message
 * texts are those of before; the two fields are non-enumerable, so printing an error is unchanged.
 */
import assert from 'node:assert/strict';
import { inspect } from 'util';

import * as errors from '../../lib/errors';
import * as sg from '../../lib/tensor';
import * as nn from '../../lib/nn';
import { createCallbacks, createLoss, createMetrics, mergeTrainingParams, simulateLr, Trainer } from '../../lib/training';
import { Registry } from '../../lib/registry/registry';
import { createOptimizer } from '../../lib/optim';
import { createModel } from '../../lib/models';
import { createDataLoaders, transforms } from '../../lib/data';
import { createLrCallbacks, resolveWarmup } from '../../lib/training/lr';
import { unknownMetricToWatch } from '../../lib/training/metric-to-watch';

interface Case {
  name: string;
  params: Record<string, unknown>;
  errorName: string;
  code: errors.ErrorCode;
  path: string;
  message: string;
}

const base = { max_epochs: 2, loss: 'CrossEntropyLoss', initial_lr: 0.1 };

const CASES: Case[] = [
  { name: 'max_epochs missing', params: { loss: 'CrossEntropyLoss' }, errorName: 'TypeError', code: 'ERR_REQUIRED', path: 'training_params.max_epochs', message: 'training_params.max_epochs is required (a number ≥ 1)' },
  { name: 'max_epochs a string', params: { ...base, max_epochs: 'two' }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.max_epochs', message: "Expected an integer ≥ 1 for training_params.max_epochs but received 'two' (string)" },
  { name: 'loss missing', params: { max_epochs: 1 }, errorName: 'TypeError', code: 'ERR_REQUIRED', path: 'training_params.loss', message: 'training_params.loss is required (e.g. CrossEntropyLoss)' },
  { name: 'lr_warmup_epochs out of range', params: { ...base, lr_warmup_epochs: 20 }, errorName: 'RangeError', code: 'ERR_RANGE', path: 'training_params.lr_warmup_epochs', message: 'training_params.lr_warmup_epochs must be in [0, 10], got 20' },
  { name: 'lr_decay_factor NaN', params: { ...base, lr_decay_factor: NaN }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.lr_decay_factor', message: 'Expected a number for training_params.lr_decay_factor but received NaN (number)' },
  { name: 'lr_warmup_steps negative', params: { ...base, lr_warmup_steps: -1 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.lr_warmup_steps', message: 'Expected an integer ≥ 0 for training_params.lr_warmup_steps but received -1 (number)' },
  { name: 'an initial_lr group of the wrong type', params: { ...base, initial_lr: { default: 0.1, 'backbone.conv': 'x' } }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.initial_lr.backbone.conv', message: "Expected a number for training_params.initial_lr.backbone.conv but received 'x' (string)" },
  { name: 'an initial_lr group name', params: { ...base, initial_lr: { 'a-b': 0.1 } }, errorName: 'RangeError', code: 'ERR_RANGE', path: 'training_params.initial_lr', message: "training_params.initial_lr has an invalid group name 'a-b' (letters, digits, '_' and '.')" },
  { name: 'a negative initial_lr', params: { ...base, initial_lr: -1 }, errorName: 'RangeError', code: 'ERR_RANGE', path: 'training_params.initial_lr', message: 'Invalid learning rate: -1 (training_params.initial_lr)' },
  { name: 'StepLRScheduler without lr_decay_factor', params: { ...base, lr_mode: 'StepLRScheduler' }, errorName: 'TypeError', code: 'ERR_REQUIRED', path: 'training_params.lr_decay_factor', message: "training_params.lr_decay_factor is required when lr_mode is 'StepLRScheduler'" },
  { name: 'batch_accumulate 0', params: { ...base, batch_accumulate: 0 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.batch_accumulate', message: 'Expected an integer ≥ 1 for training_params.batch_accumulate but received 0 (number)' },
  { name: 'max_train_batches 1.5', params: { ...base, max_train_batches: 1.5 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.max_train_batches', message: 'Expected an integer ≥ 1 or null (every batch) for training_params.max_train_batches but received 1.5 (number)' },
  { name: 'max_valid_batches 0', params: { ...base, max_valid_batches: 0 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.max_valid_batches', message: 'Expected an integer ≥ 1 or null (every batch) for training_params.max_valid_batches but received 0 (number)' },
  { name: 'clip_grad_norm 0', params: { ...base, clip_grad_norm: 0 }, errorName: 'RangeError', code: 'ERR_RANGE', path: 'training_params.clip_grad_norm', message: 'Invalid clip_grad_norm 0: it must be a positive number or null' },
  { name: 'seed 1.5', params: { ...base, seed: 1.5 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.seed', message: 'Expected an integer for training_params.seed but received 1.5 (number)' },
  { name: 'stop_on_non_finite_loss a string', params: { ...base, stop_on_non_finite_loss: 'yes' }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.stop_on_non_finite_loss', message: "Expected a boolean for training_params.stop_on_non_finite_loss but received 'yes' (string)" },
  { name: 'lr_updates not a list', params: { ...base, lr_updates: 3 }, errorName: 'TypeError', code: 'ERR_TYPE', path: 'training_params.lr_updates', message: 'Expected an array of epoch numbers for training_params.lr_updates but received 3 (number)' },
];

describe('errors carry a path and a code', () => {
  describe('mergeTrainingParams: every check names its field in error.path', () => {
    for (const c of CASES) {
      it(c.name, () => {
        assert.throws(
          () => mergeTrainingParams(c.params),
          (err: Error) => {
            assert.equal(err.name, c.errorName);
            assert.equal(err.message, c.message);
            assert.equal(errors.errorPath(err), c.path);
            assert.equal(errors.errorCode(err), c.code);
            return true;
          },
        );
      });
    }

    it('the params themselves not an object: path training_params', () => {
      assert.throws(() => mergeTrainingParams(3), { name: 'TypeError', path: 'training_params', code: 'ERR_TYPE', message: 'Expected an object for training_params but received 3 (number)' });
    });
  });

  describe('the helpers', () => {
    it('typeError, rangeError, requiredError, unknownNameError: message as before, path and code added', () => {
      assert.deepEqual(
        [errors.typeError('optimizer_params.lr', 'a number', '0.1')].map((e) => [e.name, e.message, e.path, e.code]),
        [['TypeError', "Expected a number for optimizer_params.lr but received '0.1' (string)", 'optimizer_params.lr', 'ERR_TYPE']],
      );
      const range = errors.rangeError('optimizer_params.lr', 'Invalid learning rate: -1');
      assert.deepEqual([range.name, range.message, range.path, range.code], ['RangeError', 'Invalid learning rate: -1', 'optimizer_params.lr', 'ERR_RANGE']);
      const required = errors.requiredError('training_params.loss', ' (e.g. CrossEntropyLoss)');
      assert.deepEqual([required.name, required.message, required.code], ['TypeError', 'training_params.loss is required (e.g. CrossEntropyLoss)', 'ERR_REQUIRED']);
      const unknown = errors.unknownNameError('optimizer', 'Adamm', ['SGD', 'Adam']);
      assert.deepEqual([unknown.name, unknown.message, unknown.code, unknown.path], ['Error', "unknown optimizer 'Adamm'; did you mean 'Adam'? known: SGD, Adam", 'ERR_UNKNOWN_NAME', undefined]);
      assert.equal(errors.unknownNameError('loss', 'X', ['A'], 'training_params.loss').path, 'training_params.loss');
    });

    it('path and code are not enumerable: inspect, JSON and Object.keys show what they showed before', () => {
      const err = errors.typeError('optimizer_params.lr', 'a number', '0.1');
      const plain = new TypeError(err.message);
      assert.deepEqual(Object.keys(err), []);
      assert.equal(JSON.stringify(err), '{}');
      assert.equal(inspect(err).split('\n')[0], inspect(plain).split('\n')[0]);
      assert.doesNotMatch(inspect(err), /ERR_TYPE/);
    });

    it('expectNumber (NaN refused unless allowNaN), expectInteger, expectNumberIn', () => {
      assert.throws(() => errors.expectNumber('x.y', NaN), { name: 'TypeError', path: 'x.y', code: 'ERR_TYPE', message: 'Expected a number for x.y but received NaN (number)' });
      assert.ok(Number.isNaN(errors.expectNumber('x.y', NaN, { allowNaN: true })));
      assert.throws(() => errors.expectInteger('dim', 1.5), { name: 'TypeError', path: 'dim', code: 'ERR_TYPE', message: 'Expected an integer for dim but received 1.5 (number)' });
      assert.equal(errors.expectNumberIn('p', 0.5, 0, 1), 0.5);
      assert.throws(() => errors.expectNumberIn('p', 2, 0, 1), { name: 'RangeError', path: 'p', code: 'ERR_RANGE', message: 'p must be in [0, 1], got 2' });
    });

    it('errorPath and errorCode read only the library’s fields', () => {
      const enoent = Object.assign(new Error('no file'), { code: 'ENOENT' });
      assert.equal(errors.errorCode(enoent), undefined);
      assert.equal(errors.errorPath(enoent), undefined);
      assert.equal(errors.errorPath('training_params.x'), undefined);
    });
  });

  describe('the local checkers use the shared helpers', () => {
    it('losses: criterion_params.<key>', () => {
      assert.throws(() => createLoss('CrossEntropyLoss', { smooth_eps: 'x' }), { name: 'TypeError', path: 'criterion_params.smooth_eps', code: 'ERR_TYPE', message: "Expected a number for criterion_params.smooth_eps but received 'x' (string)" });
      // NaN is left to the loss, as before.
      assert.equal(typeof createLoss('CrossEntropyLoss', { ignore_index: NaN }), 'function');
    });

    it('tensor and functional argument checks', () => {
      const x = sg.randn([2, 3]);
      assert.throws(() => x.transpose({ dim0: 0.5, dim1: 1 }), { name: 'TypeError', path: 'dim0', code: 'ERR_TYPE' });
      const target = sg.tensor([0, 1]);
      assert.throws(() => sg.crossEntropy(x, target, { reduction: 'avg' as never }), { name: 'RangeError', code: 'ERR_RANGE', path: 'crossEntropy({reduction})' });
    });

    it('a missing initial_lr: the Trainer and simulateLr say so with ERR_REQUIRED (messages as before)', async () => {
      const trainer = new Trainer({ experimentName: 'no-lr', ckptRootDir: null });
      const loader = { length: 1, *[Symbol.iterator]() { yield [sg.randn([2, 3]), sg.randn([2, 2])] as [sg.Tensor, sg.Tensor]; } };
      await assert.rejects(trainer.train({ model: new nn.Linear(3, 2), trainingParams: { max_epochs: 1, loss: 'MSELoss', save_model: false }, trainLoader: loader }), {
        name: 'Error',
        message: 'training_params.initial_lr is required (a number or a {default, <prefix>: lr} mapping)',
        path: 'training_params.initial_lr',
        code: 'ERR_REQUIRED',
      });
      assert.throws(() => simulateLr({ max_epochs: 1 }, { trainLoaderLen: 1 }), { name: 'TypeError', message: 'training_params.initial_lr is required', path: 'training_params.initial_lr', code: 'ERR_REQUIRED' });
    });

    it('Registry.get: an unknown name and a name of the wrong type carry the path (the registry kind unless the caller names the field)', () => {
      const reg = new Registry<number>('widget');
      reg.register('Alpha', 1);
      assert.throws(() => reg.get('Alpah'), { name: 'Error', message: "unknown widget 'Alpah'; did you mean 'Alpha'? known: Alpha", code: 'ERR_UNKNOWN_NAME', path: 'widget' });
      assert.throws(() => reg.get('Alpah', 'parts.widget'), { name: 'Error', message: "unknown widget 'Alpah'; did you mean 'Alpha'? known: Alpha", code: 'ERR_UNKNOWN_NAME', path: 'parts.widget' });
      assert.throws(() => reg.get(3 as unknown as string, 'parts.widget'), { name: 'TypeError', message: 'Expected a name (string) for parts.widget but received 3 (number)', code: 'ERR_TYPE', path: 'parts.widget' });
      assert.equal(reg.get('alpha', 'parts.widget'), 1, 'the fuzzy match still finds it');
    });

    it('the registries\' users name the field of an unknown name in error.path', async () => {
      const unknown = (path: string) => ({ code: 'ERR_UNKNOWN_NAME', path });
      assert.throws(() => createLoss('CrossEntopyLoss'), { ...unknown('training_params.loss'), message: /^unknown loss 'CrossEntopyLoss'; did you mean 'CrossEntropyLoss'\?/ });
      assert.throws(() => createLoss({ CrossEntopyLoss: {} }), unknown('training_params.loss'));
      assert.throws(() => createMetrics(['Accuracy', 'Acuracy'], 'training_params.valid_metrics_list'), { ...unknown('training_params.valid_metrics_list[1]'), message: /^unknown metric 'Acuracy'; did you mean 'Accuracy'\?/ });
      assert.throws(() => createMetrics([{ Acuracy: {} }], 'training_params.train_metrics_list'), unknown('training_params.train_metrics_list[0]'));
      assert.throws(() => createOptimizer('Adamm', new nn.Linear(2, 1).parameters(), { lr: 0.1 }), { ...unknown('optimizer'), message: /^unknown optimizer 'Adamm'; did you mean 'Adam'\?/ });
      assert.throws(() => createModel('lenett'), { ...unknown('model'), message: /^unknown model 'lenett'; did you mean 'lenet'\?/ });
      assert.throws(() => transforms.buildTransforms(['ToTensor', { RandomFlipp: {} }], 'dataset_params.train_transforms'), { ...unknown('dataset_params.train_transforms[1]'), message: /^dataset_params\.train_transforms\[1\]: unknown transform 'RandomFlipp'/ });
      assert.throws(() => transforms.buildTransforms(['ToTensr']), unknown('transforms[0]'));
      assert.throws(() => createDataLoaders({ dataset: 'mnistt' }), { ...unknown('dataset_params.dataset'), message: /^unknown dataset 'mnistt'; did you mean 'mnist'\?/ });
      assert.throws(() => resolveWarmup('LinearEpochLRWarmupp'), unknown('training_params.warmup_mode'));
      // Registered or not (another test file may have registered some), the callback's index is named.
      assert.throws(() => createCallbacks(['NoSuchCallback'], 'training_params.phase_callbacks'), { ...unknown('training_params.phase_callbacks[0]'), message: /^training_params\.phase_callbacks\[0\]: unknown callback 'NoSuchCallback'/ });
      const lr = { trainLoaderLen: 1, optimizer: { paramGroups: [] } };
      assert.throws(() => createLrCallbacks({ ...lr, trainingParams: { initial_lr: 0.1, warmup_mode: 'LinearEpochLRWarmup', lr_mode: 'CosineLRSchedulerr' } }), unknown('training_params.lr_mode'));
      const trainer = new Trainer({ experimentName: 'unknown-loss', ckptRootDir: null });
      const loader = { length: 1, *[Symbol.iterator]() { yield [sg.randn([2, 3]), sg.randn([2, 2])] as [sg.Tensor, sg.Tensor]; } };
      await assert.rejects(trainer.train({ model: new nn.Linear(3, 2), trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'MSELos', save_model: false }, trainLoader: loader }), unknown('training_params.loss'));
    });

    it('metric_to_watch: ERR_UNKNOWN_NAME at training_params.metric_to_watch', () => {
      const err = unknownMetricToWatch('Acuracy', ['Accuracy', 'loss']);
      assert.equal(errors.errorCode(err), 'ERR_UNKNOWN_NAME');
      assert.equal(errors.errorPath(err), 'training_params.metric_to_watch');
      assert.match(err.message, /^training_params\.metric_to_watch: unknown metric 'Acuracy'; did you mean 'Accuracy'\?/);
    });
  });
});
