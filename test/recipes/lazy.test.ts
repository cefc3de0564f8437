/**
 * OmegaConf resolves lazily (issue 14): a value whose interpolation names a key the recipe does
 * not have, or a `_target_` we do not implement, fails only when it is read. Each fixture below
 * is our own small file reproducing one pattern of SuperGradients' training_hyperparams files
 * (`${arch_params.num_classes}` in a file loaded on its own, a detection callback's `_target_`
 * inside a metrics list, `${training_hyperparams.x}`, defaults chains).
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { loadRecipe, unresolvedValues } from '../../lib/recipes';
import { at, Obj, recipeFolder, yaml } from './fixtures';

/** A training_hyperparams file in SG's shape: the optimizer settings resolve, other values need arch_params. */
const DETECTION = yaml(
  'defaults:',
  '  - base_params',
  'max_epochs: 3',
  'static_assigner_end_epoch: 2',
  'initial_lr: 0.002',
  'optimizer: AdamW',
  'optimizer_params:',
  '  weight_decay: 0.0001',
  'loss: CrossEntropyLoss',
  'criterion_params:',
  '  num_classes: ${arch_params.num_classes}',
  '  eps: 1e-9',
  'valid_metrics_list:',
  '  - DetectionMetrics:',
  '      num_cls: ${arch_params.num_classes}',
  '      post_prediction_callback:',
  '        _target_: my_detection.callbacks.PostPredictionCallback',
  '        score_threshold: 0.01',
  '        nms_top_k: ${.score_threshold}',
  'phase_callbacks:',
  '  - StageSwitch:',
  '      static_assigner_end_epoch: ${training_hyperparams.static_assigner_end_epoch}',
);
const BASE = yaml('lr_warmup_epochs: 1', 'batch_accumulate: 1', 'sg_logger_params:', '  project_name: ${experiment_name}');

const dir = recipeFolder({
  'training_hyperparams/base_params.yaml': BASE,
  'training_hyperparams/detection_params.yaml': DETECTION,
  'training_hyperparams/used_lr.yaml': yaml('max_epochs: 2', 'initial_lr: ${arch_params.lr}', 'optimizer_params:', '  momentum: ${arch_params.momentum}'),
  'training_hyperparams/middle.yaml': yaml('defaults:', '  - base_params', 'criterion_params:', '  num_classes: ${arch_params.num_classes}'),
  'training_hyperparams/top.yaml': yaml('defaults:', '  - middle', 'max_epochs: 2', 'initial_lr: 0.1', 'loss: CrossEntropyLoss'),
  'arch_params/detector.yaml': yaml('num_classes: 80', 'lr: 0.05', 'momentum: 0.9'),
  // A full recipe composing the same group files: everything resolves.
  'full.yaml': yaml('defaults:', '  - training_hyperparams: detection_params', '  - arch_params: detector', '  - _self_', 'experiment_name: det'),
  'nested.yaml': yaml('defaults:', '  - training_hyperparams: top', '  - arch_params: detector', '  - _self_', 'experiment_name: nested'),
  'shortcut.yaml': yaml(
    'defaults:',
    '  - training_hyperparams: top',
    '  - _self_',
    'lr: ${arch_params.lr}',
    'epochs: null',
    'training_hyperparams:',
    '  max_epochs: ${arch_params.epochs}',
  ),
  'chain.yaml': yaml('a: ${b}', 'b: ${c.d}', 'c: {}', 'text: "lr=${a}"', 'list: [1, "${b}", 3]', 'in_list_text: "items ${list}"', 'whole_list: ${list}', 'safe: ${oc.select:missing.key,7}'),
  'targets.yaml': yaml(
    'steps:',
    '  _target_: numpy.arange',
    '  stop: ${arch_params.stop}',
    'by_position:',
    '  _target_: numpy.arange',
    '  _args_: ${arch_params.args}',
    'named_later:',
    '  _target_: ${arch_params.target}',
    '  stop: 4',
    'fine: {_target_: numpy.arange, stop: 3}',
  ),
});
const file = (rel: string) => path.join(dir, rel);
const load = (name: string, overrides: string[] = []) => loadRecipe(name, { searchPath: [dir], overrides });
const reading = (read: () => unknown) => () => void read();

describe('recipes: values that cannot be resolved fail when read (OmegaConf is lazy)', () => {
  const tp = load('training_hyperparams/detection_params');

  it('a training_hyperparams file needing arch_params loads on its own, with its optimizer settings resolved', () => {
    assert.equal(tp.max_epochs, 3);
    assert.equal(tp.initial_lr, 0.002);
    assert.equal(tp.optimizer, 'AdamW');
    assert.deepEqual(tp.optimizer_params, { weight_decay: 0.0001 });
    assert.equal(tp.lr_warmup_epochs, 1, 'its defaults are merged');
    assert.equal(at(tp, 'criterion_params').eps, 1e-9, 'the resolvable siblings are plain values');
    // Hydra composes a group file under its package, so SG's ${training_hyperparams.x} is its own x.
    assert.deepEqual(tp.phase_callbacks, [{ StageSwitch: { static_assigner_end_epoch: 2 } }]);
  });

  it('reading an unresolved value throws the error naming the file:line, the missing key and the key read', () => {
    const f = file('training_hyperparams/detection_params.yaml');
    assert.throws(reading(() => at(tp, 'criterion_params').num_classes), {
      name: 'Error',
      message: `${f}:11: unresolved interpolation \${arch_params.num_classes}: no key 'arch_params' (in criterion_params.num_classes)`,
    });
    const metrics = (tp.valid_metrics_list as Obj[])[0].DetectionMetrics as Obj;
    assert.throws(reading(() => metrics.num_cls), { message: `${f}:15: unresolved interpolation \${arch_params.num_classes}: no key 'arch_params' (in valid_metrics_list.0.DetectionMetrics.num_cls)` });
    assert.throws(reading(() => metrics.post_prediction_callback), (err: Error) => {
      assert.match(err.message, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17: unknown _target_ 'my_detection\\.callbacks\\.PostPredictionCallback'; known: .*numpy\\.arange.* \\(at valid_metrics_list\\.0\\.DetectionMetrics\\.post_prediction_callback\\)$`));
      return true;
    });
    // Every read throws again (nothing is cached as a value).
    assert.throws(reading(() => metrics.num_cls), /no key 'arch_params'/);
    // A value from a defaults file names that file.
    assert.throws(reading(() => at(tp, 'sg_logger_params').project_name), {
      message: `${file('training_hyperparams/base_params.yaml')}:4: unresolved interpolation \${experiment_name}: no key 'experiment_name' (in sg_logger_params.project_name)`,
    });
  });

  it('the keys are there: Object.keys lists them, unresolvedValues says which fail and why, unread', () => {
    assert.deepEqual(Object.keys(at(tp, 'criterion_params')), ['num_classes', 'eps']);
    assert.deepEqual(Object.keys((tp.valid_metrics_list as Obj[])[0].DetectionMetrics as Obj), ['num_cls', 'post_prediction_callback']);
    assert.deepEqual(
      unresolvedValues(tp).map((u) => u.key),
      ['sg_logger_params.project_name', 'criterion_params.num_classes', 'valid_metrics_list.0.DetectionMetrics.num_cls', 'valid_metrics_list.0.DetectionMetrics.post_prediction_callback'],
    );
    assert.match(unresolvedValues(tp)[1].message, /detection_params\.yaml:11: unresolved interpolation \$\{arch_params\.num_classes\}/);
    assert.deepEqual(unresolvedValues({ plain: [1, { a: 2 }] }), []);
  });

  it('JSON.stringify writes unresolved values as written in the file (for logs and checkpoints)', () => {
    const json = JSON.parse(JSON.stringify(tp)) as Obj;
    assert.deepEqual(json.criterion_params, { num_classes: '${arch_params.num_classes}', eps: 1e-9 });
    assert.deepEqual(json.valid_metrics_list, [
      {
        DetectionMetrics: {
          num_cls: '${arch_params.num_classes}',
          // The _target_ node with its arguments resolved.
          post_prediction_callback: { _target_: 'my_detection.callbacks.PostPredictionCallback', score_threshold: 0.01, nms_top_k: 0.01 },
        },
      },
    ]);
    assert.deepEqual(json.sg_logger_params, { project_name: '${experiment_name}' });
    assert.equal(json.initial_lr, 0.002);
    assert.equal(Object.keys(at(tp, 'criterion_params')).includes('toJSON'), false, 'toJSON is not a key');
    // A recipe's own toJSON key stays a key.
    const own = loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml('toJSON: 1', 'x: ${nowhere}') }), 'r.yaml'));
    assert.deepEqual(Object.keys(own), ['toJSON', 'x']);
    assert.equal(own.toJSON, 1);
  });

  it('composed into a full recipe (defaults give arch_params), the same file resolves everything', () => {
    const full = load('full');
    const params = at(full, 'training_hyperparams');
    assert.equal(at(params, 'criterion_params').num_classes, 80);
    assert.equal(((params.valid_metrics_list as Obj[])[0].DetectionMetrics as Obj).num_cls, 80);
    assert.equal(at(params, 'sg_logger_params').project_name, 'det');
    assert.deepEqual(params.phase_callbacks, [{ StageSwitch: { static_assigner_end_epoch: 2 } }], '${training_hyperparams.x} as a recipe reads it');
    // The unknown _target_ still fails when read, and only then.
    assert.deepEqual(unresolvedValues(full).map((u) => u.key), ['training_hyperparams.valid_metrics_list.0.DetectionMetrics.post_prediction_callback']);
  });

  it('overrides fix them: adding the missing key, or replacing the value', () => {
    const added = load('training_hyperparams/detection_params', ['+arch_params.num_classes=80', '+experiment_name=x']);
    assert.equal(at(added, 'criterion_params').num_classes, 80);
    assert.equal(((added.valid_metrics_list as Obj[])[0].DetectionMetrics as Obj).num_cls, 80);
    const replaced = load('training_hyperparams/detection_params', [
      'criterion_params.num_classes=3',
      'valid_metrics_list=[Accuracy]',
      'sg_logger_params.project_name=p',
    ]);
    assert.deepEqual(replaced.criterion_params, { num_classes: 3, eps: 1e-9 });
    assert.deepEqual(replaced.valid_metrics_list, ['Accuracy']);
    assert.deepEqual(unresolvedValues(replaced), []);
    assert.equal(JSON.stringify(replaced).includes('${'), false);
  });

  it('nested defaults: the value comes from the file two levels down, and resolves once arch_params is composed', () => {
    const alone = load('training_hyperparams/top');
    assert.equal(alone.initial_lr, 0.1);
    assert.throws(reading(() => at(alone, 'criterion_params').num_classes), {
      message: `${file('training_hyperparams/middle.yaml')}:4: unresolved interpolation \${arch_params.num_classes}: no key 'arch_params' (in criterion_params.num_classes)`,
    });
    const nested = load('nested');
    assert.equal(at(nested, 'training_hyperparams.criterion_params').num_classes, 80);
    assert.equal(at(nested, 'training_hyperparams.sg_logger_params').project_name, 'nested');
    assert.deepEqual(unresolvedValues(nested), []);
  });

  it('used values fail when read: an optimizer lr pointing to a missing key; an override supplies it', () => {
    const used = load('training_hyperparams/used_lr');
    assert.throws(reading(() => used.initial_lr), {
      message: `${file('training_hyperparams/used_lr.yaml')}:2: unresolved interpolation \${arch_params.lr}: no key 'arch_params' (in initial_lr)`,
    });
    assert.throws(reading(() => at(used, 'optimizer_params').momentum), /used_lr\.yaml:4: unresolved interpolation \$\{arch_params\.momentum\}: no key 'arch_params' \(in optimizer_params\.momentum\)/);
    const fixed = load('training_hyperparams/used_lr', ['+arch_params={lr: 0.05, momentum: 0.9}']);
    assert.equal(fixed.initial_lr, 0.05);
    assert.deepEqual(fixed.optimizer_params, { momentum: 0.9 });
  });

  it('the load-time check still checks the values that resolved', () => {
    assert.throws(() => load('training_hyperparams/detection_params', ['lr_warmup_epochs=20']), {
      name: 'RangeError',
      message: "override 'lr_warmup_epochs=20': training_params.lr_warmup_epochs must be in [0, 10], got 20",
    });
  });

  it('a value referring to an unresolved one fails with its own key and the cause; messages stay short', () => {
    const chain = load(file('chain.yaml'));
    const f = file('chain.yaml');
    const cause = `${f}:2: unresolved interpolation \${c.d}: no key 'c.d' (in b)`;
    assert.throws(reading(() => chain.b), { message: cause });
    assert.throws(reading(() => chain.a), { message: `${f}:1: \${b} (in a) needs a value that cannot be resolved: ${cause}` });
    assert.throws(reading(() => chain.text), { message: `${f}:4: \${a} (in text) needs a value that cannot be resolved: ${cause}` });
    assert.throws(reading(() => (chain.list as unknown[])[1]), { message: `${f}:5: \${b} (in list.1) needs a value that cannot be resolved: ${cause}` });
    assert.deepEqual([(chain.list as unknown[])[0], (chain.list as unknown[])[2]], [1, 3]);
    // A list written into text needs all its items; taken whole, it keeps them lazy one by one.
    assert.throws(reading(() => chain.in_list_text), { message: `${f}:6: \${list} (in in_list_text) needs a value that cannot be resolved: ${cause}` });
    assert.deepEqual(Object.keys(chain.whole_list as unknown[]), ['0', '1', '2']);
    assert.equal((chain.whole_list as unknown[])[2], 3);
    assert.throws(reading(() => (chain.whole_list as unknown[])[1]), { message: `${f}:5: \${b} (in list.1) needs a value that cannot be resolved: ${cause}` });
    assert.equal(chain.safe, 7, 'oc.select with a default is not unresolved');
    assert.deepEqual(JSON.parse(JSON.stringify(chain)), { a: '${b}', b: '${c.d}', c: {}, text: 'lr=${a}', list: [1, '${b}', 3], in_list_text: 'items ${list}', whole_list: [1, '${b}', 3], safe: 7 });

    // 300 values each referring to the next, the last to a missing key: every message names
    // its own key and the cause, not the whole chain.
    const n = 300;
    const lines = Array.from({ length: n }, (_, i) => `v${i}: \${v${i + 1}}`);
    const long = loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml(...lines, `v${n}: \${nowhere}`) }), 'r.yaml'));
    const messages = unresolvedValues(long).map((u) => u.message);
    assert.equal(messages.length, n + 1);
    assert.ok(Math.max(...messages.map((m) => m.length)) < 400, 'a message does not grow with the chain');
    assert.throws(reading(() => long.v0), /r\.yaml:1: \$\{v1\} \(in v0\) needs a value that cannot be resolved: .*r\.yaml:301: unresolved interpolation \$\{nowhere\}: no key 'nowhere' \(in v300\)$/);
  });

  it('unresolved values do not get around the interpolation limits', () => {
    // Doubling strings from an unresolved root: every level is unresolved, each message short.
    const doubling = ['l0: ${nowhere}', ...Array.from({ length: 40 }, (_, k) => `l${k + 1}: \${l${k}}\${l${k}}`)];
    const d = loadRecipe(path.join(recipeFolder({ 'r.yaml': yaml(...doubling) }), 'r.yaml'));
    const messages = unresolvedValues(d);
    assert.equal(messages.length, 41);
    assert.ok(messages.every((u) => u.message.length < 300 && u.message.endsWith("unresolved interpolation ${nowhere}: no key 'nowhere' (in l0)")));
    // Lists of 4 references to an unresolved root still pass the node limit at l10.
    const lists = ['l0: ${nowhere}', ...Array.from({ length: 20 }, (_, k) => `l${k + 1}: ['\${l${k}}', '\${l${k}}', '\${l${k}}', '\${l${k}}']`)];
    const file = path.join(recipeFolder({ 'r.yaml': yaml(...lists) }), 'r.yaml');
    assert.throws(() => loadRecipe(file), { message: `${file}:11: interpolation makes a value of more than 1000000 mappings, lists and values (references that multiply, e.g. b: [\${a}, \${a}], c: [\${b}, \${b}], ...) (in l10)` });
  });

  it('_target_ nodes: an unresolved argument, _args_ or _target_ defers the node; known ones with others still build', () => {
    const t = load(file('targets.yaml'));
    const f = file('targets.yaml');
    assert.deepEqual(t.fine, [0, 1, 2]);
    assert.throws(reading(() => t.steps), {
      message: `${f}:2: _target_ 'numpy.arange' at steps: an argument cannot be resolved: ${f}:3: unresolved interpolation \${arch_params.stop}: no key 'arch_params' (in steps.stop)`,
    });
    assert.throws(reading(() => t.by_position), /targets\.yaml:5: _target_ 'numpy\.arange' at by_position: an argument cannot be resolved: .*no key 'arch_params' \(in by_position\._args_\)$/);
    assert.throws(reading(() => t.named_later), /targets\.yaml:8: the _target_ at named_later cannot be resolved: .*targets\.yaml:8: unresolved interpolation \$\{arch_params\.target\}/);
    const fixed = load(file('targets.yaml'), ['+arch_params={stop: 2, args: [1, 4], target: numpy.arange}']);
    assert.deepEqual([fixed.steps, fixed.by_position, fixed.named_later], [[0, 1], [1, 2, 3], [0, 1, 2, 3]]);
  });

  it('an unknown bare _target_ name still fails the load (only a module path can name something we lack)', () => {
    const bare = recipeFolder({ 'r.yaml': yaml('a:', '  _target_: arrange', '  stop: 3') });
    assert.throws(() => loadRecipe(path.join(bare, 'r.yaml')), /r\.yaml:2: unknown _target_ 'arrange'; did you mean 'arange'\?/);
  });

  it('shortcuts: an unresolved shortcut is referred to, not read; the override fixes it', () => {
    const cfg = load('shortcut');
    const f = file('shortcut.yaml');
    const cause = `${f}:4: unresolved interpolation \${arch_params.lr}: no key 'arch_params' (in lr)`;
    assert.throws(reading(() => cfg.lr), { message: cause });
    assert.throws(reading(() => at(cfg, 'training_hyperparams').initial_lr), { message: `the shortcut 'lr': \${lr} (in training_hyperparams.initial_lr) needs a value that cannot be resolved: ${cause}` });
    assert.throws(reading(() => cfg.epochs), /\$\{training_hyperparams\.max_epochs\} \(in epochs\) needs a value that cannot be resolved: .*shortcut\.yaml:7: unresolved interpolation \$\{arch_params\.epochs\}/);
    const fixed = load('shortcut', ['lr=0.3', 'epochs=4']);
    assert.equal(at(fixed, 'training_hyperparams').initial_lr, 0.3);
    assert.equal(at(fixed, 'training_hyperparams').max_epochs, 4);
    // What is left unresolved is what its defaults files need (arch_params, experiment_name).
    assert.deepEqual(unresolvedValues(fixed).map((u) => u.key), ['training_hyperparams.sg_logger_params.project_name', 'training_hyperparams.criterion_params.num_classes']);
  });
});
