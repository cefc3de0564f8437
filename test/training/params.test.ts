/**
 * The training params (lib/training/params.ts): the defaults are deep-copied for every merge,
 * SG's recursive override merges mappings key by key, and every check of validateTrainingParams
 * at both sides of its boundary, with the message that names the field. Also metric_to_watch's
 * name resolution (lib/training/metric-to-watch.ts).
 */
import assert from 'node:assert/strict';

import { errorCode, errorPath } from '../../lib/errors';
import { loadRecipe } from '../../lib/recipes';
import { DEFAULT_TRAINING_PARAMS, mergeTrainingParams, recursiveOverride } from '../../lib/training';
import { defineUnresolved } from '../../lib/unresolved-values';
import { resolveMetricName, unknownMetricToWatch } from '../../lib/training/metric-to-watch';

const base = { max_epochs: 2, loss: 'CrossEntropyLoss', initial_lr: 0.1 };

/** mergeTrainingParams(params) throws `message` (exactly) with this path. */
function refuses(params: Record<string, unknown>, message: string, path: string): void {
  assert.throws(
    () => mergeTrainingParams(params),
    (err: Error) => {
      assert.equal(err.message, message);
      assert.equal(errorPath(err), path);
      return true;
    },
  );
}

describe('training params: defaults and the recursive override', () => {
  it("the defaults are the shipped default_train_params recipe (SG's YAML values, checked against SG in recipes/shipped-recipes), plus initial_lr: null and zero_redundancy: false", () => {
    const { initial_lr: initialLr, zero_redundancy: zeroRedundancy, ...rest } = DEFAULT_TRAINING_PARAMS;
    assert.deepEqual([initialLr, zeroRedundancy], [null, false]);
    assert.deepEqual(rest, loadRecipe('training_hyperparams/default_train_params'));
  });

  it('every merge starts from a fresh deep copy of the defaults', () => {
    const first = mergeTrainingParams(base);
    first.lr_updates.push(3);
    first.ema_params.decay = 0.5;
    first.sg_logger_params.monitor_system = false;
    (first.torch_compile_options as Record<string, unknown>).mode = 'x';
    const second = mergeTrainingParams(base);
    assert.deepEqual(second.lr_updates, []);
    assert.equal(second.ema_params.decay, 0.9999);
    assert.equal(second.sg_logger_params.monitor_system, true);
    assert.equal(second.torch_compile_options.mode, 'reduce-overhead');
    assert.deepEqual(DEFAULT_TRAINING_PARAMS.lr_updates, []);
    assert.equal(DEFAULT_TRAINING_PARAMS.ema_params.decay, 0.9999);
    assert.notEqual(second.ema_params, DEFAULT_TRAINING_PARAMS.ema_params);
  });

  it('mappings merge key by key, anything else replaces; the user value is kept as given', () => {
    const merged = mergeTrainingParams({ ...base, ema_params: { decay: 0.5 }, lr_updates: [1, 2], optimizer_params: { momentum: 0.9 }, extra_key: { a: 1 } });
    assert.deepEqual(merged.ema_params, { decay: 0.5, decay_type: 'exp', beta: 15 });
    assert.deepEqual(merged.lr_updates, [1, 2]);
    assert.deepEqual(merged.optimizer_params, { momentum: 0.9 });
    assert.deepEqual(merged.extra_key, { a: 1 });
    assert.equal(merged.max_epochs, 2);
    assert.equal(merged.warmup_mode, 'LinearEpochLRWarmup');
  });

  it("a recipe's unresolved value is moved unread: it throws where it is read, not in the merge", () => {
    const user: Record<string, unknown> = { ...base };
    defineUnresolved(user, 'dataset_extra', "unknown _target_ 'x.Y'", RangeError, { _target_: 'x.Y' });
    const merged = mergeTrainingParams(user);
    assert.throws(() => merged.dataset_extra, { name: 'RangeError', message: "unknown _target_ 'x.Y'" });
    assert.deepEqual(JSON.parse(JSON.stringify(merged)).dataset_extra, { _target_: 'x.Y' });
  });

  it('recursiveOverride: nested merge into base (returned), a mapping over a non-mapping replaces it, a non-mapping replaces a mapping', () => {
    const target: Record<string, unknown> = { a: { b: 1, c: { d: 2, e: 3 } }, f: [1], g: 'x', h: { i: 1 } };
    const out = recursiveOverride(target, { a: { c: { d: 4 } }, f: [2], g: { j: 1 }, h: null, k: { l: 1 } });
    assert.equal(out, target);
    assert.deepEqual(out, { a: { b: 1, c: { d: 4, e: 3 } }, f: [2], g: { j: 1 }, h: null, k: { l: 1 } });
  });
});

describe('training params: validateTrainingParams at each boundary', () => {
  it('max_epochs: required, an integer ≥ 1', () => {
    refuses({ loss: 'CrossEntropyLoss', max_epochs: null }, 'training_params.max_epochs is required (a number ≥ 1)', 'training_params.max_epochs');
    refuses({ ...base, max_epochs: 0 }, 'Expected an integer ≥ 1 for training_params.max_epochs but received 0 (number)', 'training_params.max_epochs');
    refuses({ ...base, max_epochs: 1.5 }, 'Expected an integer ≥ 1 for training_params.max_epochs but received 1.5 (number)', 'training_params.max_epochs');
    assert.equal(mergeTrainingParams({ ...base, max_epochs: 1 }).max_epochs, 1);
    refuses({ max_epochs: 1, loss: null }, 'training_params.loss is required (e.g. CrossEntropyLoss)', 'training_params.loss');
    refuses({ max_epochs: 1, loss: undefined }, 'training_params.loss is required (e.g. CrossEntropyLoss)', 'training_params.loss');
  });

  it('lr_decay_factor in [0, 1] (null passes), lr_warmup_epochs an integer in [0, 10]', () => {
    for (const ok of [0, 1, null]) assert.equal(mergeTrainingParams({ ...base, lr_decay_factor: ok }).lr_decay_factor, ok);
    refuses({ ...base, lr_decay_factor: 1.5 }, 'training_params.lr_decay_factor must be in [0, 1], got 1.5', 'training_params.lr_decay_factor');
    refuses({ ...base, lr_decay_factor: -0.1 }, 'training_params.lr_decay_factor must be in [0, 1], got -0.1', 'training_params.lr_decay_factor');
    for (const ok of [0, 10]) assert.equal(mergeTrainingParams({ ...base, lr_warmup_epochs: ok }).lr_warmup_epochs, ok);
    refuses({ ...base, lr_warmup_epochs: 11 }, 'training_params.lr_warmup_epochs must be in [0, 10], got 11', 'training_params.lr_warmup_epochs');
    refuses({ ...base, lr_warmup_epochs: 1.5 }, 'Expected an integer in [0, 10] for training_params.lr_warmup_epochs but received 1.5 (number)', 'training_params.lr_warmup_epochs');
    refuses({ ...base, lr_warmup_epochs: null }, 'Expected an integer in [0, 10] for training_params.lr_warmup_epochs but received null', 'training_params.lr_warmup_epochs');
  });

  it('lr_warmup_steps and lr_cooldown_epochs: integers ≥ 0', () => {
    for (const key of ['lr_warmup_steps', 'lr_cooldown_epochs']) {
      assert.equal(mergeTrainingParams({ ...base, [key]: 0 })[key], 0);
      assert.equal(mergeTrainingParams({ ...base, [key]: 3 })[key], 3);
      refuses({ ...base, [key]: -1 }, `Expected an integer ≥ 0 for training_params.${key} but received -1 (number)`, `training_params.${key}`);
      refuses({ ...base, [key]: 0.5 }, `Expected an integer ≥ 0 for training_params.${key} but received 0.5 (number)`, `training_params.${key}`);
    }
  });

  it('initial_lr: group names of letters, digits, _ and . only; numbers ≥ 0; no arrays', () => {
    const lrs = { default: 0.1, 'backbone.conv_1': 0.01, B2: 0 };
    assert.deepEqual(mergeTrainingParams({ ...base, initial_lr: lrs }).initial_lr, lrs);
    for (const bad of ['', 'a-b', '-a', 'a-', 'a b', 'a/b']) {
      refuses({ ...base, initial_lr: { default: 0.1, [bad]: 0.1 } }, `training_params.initial_lr has an invalid group name '${bad}' (letters, digits, '_' and '.')`, 'training_params.initial_lr');
    }
    refuses({ ...base, initial_lr: { default: NaN } }, 'Expected a number for training_params.initial_lr.default but received NaN (number)', 'training_params.initial_lr.default');
    refuses({ ...base, initial_lr: [0.1] }, 'Expected a number or a {default, <prefix>: lr} mapping for training_params.initial_lr but received [0.1] (array)', 'training_params.initial_lr');
    // Strings and booleans too, here where the field is named in full (not first by the LR callbacks).
    refuses({ ...base, initial_lr: '0.1' }, "Expected a number or a {default, <prefix>: lr} mapping for training_params.initial_lr but received '0.1' (string)", 'training_params.initial_lr');
    refuses({ ...base, initial_lr: true }, 'Expected a number or a {default, <prefix>: lr} mapping for training_params.initial_lr but received true (boolean)', 'training_params.initial_lr');
    assert.equal(mergeTrainingParams({ ...base, initial_lr: 0 }).initial_lr, 0);
    assert.equal(mergeTrainingParams({ ...base, initial_lr: null }).initial_lr, null);
    refuses({ ...base, initial_lr: NaN }, 'Invalid learning rate: NaN (training_params.initial_lr)', 'training_params.initial_lr');
    refuses({ ...base, initial_lr: -0.5 }, 'Invalid learning rate: -0.5 (training_params.initial_lr)', 'training_params.initial_lr');
  });

  it('StepLRScheduler needs lr_updates and lr_decay_factor given; other modes do not', () => {
    refuses({ ...base, lr_mode: 'StepLRScheduler', lr_decay_factor: 0.1, lr_updates: undefined }, "training_params.lr_updates is required when lr_mode is 'StepLRScheduler'", 'training_params.lr_updates');
    assert.equal(errorCode(captured(() => mergeTrainingParams({ ...base, lr_mode: 'StepLRScheduler' }))), 'ERR_REQUIRED');
    assert.deepEqual(mergeTrainingParams({ ...base, lr_mode: 'StepLRScheduler', lr_decay_factor: 0.1 }).lr_updates, []);
    assert.equal(mergeTrainingParams({ ...base, lr_mode: 'step' }).lr_decay_factor, undefined);
  });

  it('batch_accumulate an integer ≥ 1; clip_grad_norm a positive number or null', () => {
    assert.equal(mergeTrainingParams({ ...base, batch_accumulate: 1 }).batch_accumulate, 1);
    refuses({ ...base, batch_accumulate: 1.5 }, 'Expected an integer ≥ 1 for training_params.batch_accumulate but received 1.5 (number)', 'training_params.batch_accumulate');
    for (const ok of [null, 1e-9, 5]) assert.equal(mergeTrainingParams({ ...base, clip_grad_norm: ok }).clip_grad_norm, ok);
    assert.equal(mergeTrainingParams({ ...base, clip_grad_norm: undefined }).clip_grad_norm, undefined);
    for (const [bad, shown] of [[-1, '-1'], ['5', '"5"'], [NaN, 'null'], [true, 'true']] as const) {
      refuses({ ...base, clip_grad_norm: bad }, `Invalid clip_grad_norm ${shown}: it must be a positive number or null`, 'training_params.clip_grad_norm');
    }
  });

  it('max_train_batches / max_valid_batches: null or an integer ≥ 1', () => {
    for (const key of ['max_train_batches', 'max_valid_batches']) {
      for (const ok of [null, undefined, 1, 7]) assert.equal(mergeTrainingParams({ ...base, [key]: ok })[key], ok);
      refuses({ ...base, [key]: -1 }, `Expected an integer ≥ 1 or null (every batch) for training_params.${key} but received -1 (number)`, `training_params.${key}`);
      refuses({ ...base, [key]: '2' }, `Expected an integer ≥ 1 or null (every batch) for training_params.${key} but received '2' (string)`, `training_params.${key}`);
    }
  });

  it('seed, cosine_final_lr_ratio, stop_on_non_finite_loss, lr_updates: their types', () => {
    assert.equal(mergeTrainingParams({ ...base, seed: 0 }).seed, 0);
    refuses({ ...base, seed: '1' }, "Expected an integer for training_params.seed but received '1' (string)", 'training_params.seed');
    refuses({ ...base, cosine_final_lr_ratio: '0.1' }, "Expected a number for training_params.cosine_final_lr_ratio but received '0.1' (string)", 'training_params.cosine_final_lr_ratio');
    assert.equal(mergeTrainingParams({ ...base, stop_on_non_finite_loss: false }).stop_on_non_finite_loss, false);
    refuses({ ...base, lr_updates: [1, '2'] }, 'Expected an array of epoch numbers for training_params.lr_updates but received [1,"2"] (array)', 'training_params.lr_updates');
    assert.deepEqual(mergeTrainingParams({ ...base, lr_updates: [3, 1] }).lr_updates, [3, 1]);
  });
});

describe('training: metric_to_watch names', () => {
  it('the exact key first, then the fuzzy name (non-word characters and _ dropped, lower case), the later key winning a tie', () => {
    assert.equal(resolveMetricName('Accuracy', ['Accuracy', 'accuracy']), 'Accuracy');
    assert.equal(resolveMetricName('accuracy', ['Accuracy', 'loss']), 'Accuracy');
    assert.equal(resolveMetricName('top_5', ['Accuracy', 'Top5', 'loss']), 'Top5');
    assert.equal(resolveMetricName('TOP-5', ['Top5', 'loss']), 'Top5');
    assert.equal(resolveMetricName('top5', ['Top_5', 'TOP5', 'loss']), 'TOP5');
    assert.equal(resolveMetricName('top5', ['TOP5', 'Top_5', 'loss']), 'Top_5');
    assert.equal(resolveMetricName('Acuracy', ['Accuracy', 'loss']), undefined);
    assert.equal(resolveMetricName('loss', []), undefined);
  });

  it('an unknown name: the whole message, with the suggestion and where the names come from', () => {
    const err = unknownMetricToWatch('Acuracy', ['Accuracy', 'loss']);
    assert.equal(
      err.message,
      "training_params.metric_to_watch: unknown metric 'Acuracy'; did you mean 'Accuracy'? known: Accuracy, loss " +
        '(the names of valid_metrics_list, or of train_metrics_list without a validation loader, and loss when a validation loss is computed)',
    );
    assert.equal(errorPath(err), 'training_params.metric_to_watch');
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
