import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

import { listRecipes, loadRecipe, packageRecipesDir } from '../../lib/recipes';
import { at } from './fixtures';

/** SuperGradients' default_train_params.yaml values (spec §13.1, YAML column), in SG's key order. */
const SG_DEFAULTS: Record<string, unknown> = {
  resume: false,
  run_id: null,
  resume_path: null,
  resume_from_remote_sg_logger: false,
  ckpt_name: 'ckpt_latest.pth',
  lr_mode: null,
  lr_schedule_function: null,
  lr_warmup_epochs: 0,
  lr_warmup_steps: 0,
  lr_cooldown_epochs: 0,
  warmup_initial_lr: null,
  step_lr_update_freq: null,
  cosine_final_lr_ratio: 0.01,
  warmup_mode: 'LinearEpochLRWarmup',
  lr_updates: [],
  pre_prediction_callback: null,
  optimizer: 'SGD',
  optimizer_params: {},
  load_opt_params: true,
  zero_weight_decay_on_bias_and_bn: false,
  loss: null,
  criterion_params: {},
  ema: false,
  ema_params: { decay: 0.9999, decay_type: 'exp', beta: 15 },
  train_metrics_list: [],
  valid_metrics_list: [],
  metric_to_watch: 'Accuracy',
  greater_metric_to_watch_is_better: true,
  launch_tensorboard: false,
  tensorboard_port: null,
  tb_files_user_prompt: false,
  save_tensorboard_to_s3: false,
  precise_bn: false,
  precise_bn_batch_size: null,
  sync_bn: false,
  silent_mode: false,
  mixed_precision: false,
  save_ckpt_epoch_list: [],
  average_best_models: true,
  dataset_statistics: false,
  batch_accumulate: 1,
  run_validation_freq: 1,
  run_test_freq: 1,
  save_model: true,
  seed: 42,
  phase_callbacks: [],
  log_installed_packages: true,
  clip_grad_norm: null,
  ckpt_best_name: 'ckpt_best.pth',
  max_train_batches: null,
  max_valid_batches: null,
  sg_logger: 'base_sg_logger',
  sg_logger_params: { tb_files_user_prompt: false, launch_tensorboard: false, tensorboard_port: null, save_checkpoints_remote: false, save_tensorboard_remote: false, save_logs_remote: false, monitor_system: true },
  torch_compile: false,
  torch_compile_loss: false,
  torch_compile_options: { mode: 'reduce-overhead', fullgraph: false, dynamic: false, backend: 'inductor', options: null, disable: false },
  finetune: false,
  // sg-optim's own addition, after SG's keys (decisions: a non-finite loss stops by default).
  stop_on_non_finite_loss: true,
};

/** Every .yaml file under a folder, relative paths. */
function yamlFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith('.yaml') ? [`${prefix}${e.name}`] : []));
}

describe('recipes: the shipped recipe files', () => {
  it('default_train_params: SG’s keys, values and order (§13.1), then our additions, lr_updates by empty_list, no max_epochs', () => {
    const tp = loadRecipe('training_hyperparams/default_train_params');
    assert.deepEqual(tp, SG_DEFAULTS);
    assert.deepEqual(Object.keys(tp), Object.keys(SG_DEFAULTS));
    assert.equal('max_epochs' in tp, false);
    const raw = parse(fs.readFileSync(path.join(packageRecipesDir(), 'training_hyperparams', 'default_train_params.yaml'), 'utf8'));
    assert.deepEqual(raw.lr_updates, { _target_: 'super_gradients.training.utils.utils.empty_list' });
    assert.equal(raw._convert_, 'all');
  });

  it('every shipped file loads on its own; 1e-6 / 5e-4 / 1e-3 style numbers in them are numbers, never strings', () => {
    const files = yamlFiles(packageRecipesDir());
    assert.equal(files.length, 10, files.join(', '));
    const strings: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (typeof value === 'string' && /^[-+]?\d+(\.\d*)?[eE][-+]?\d+$/.test(value)) strings.push(`${where}: '${value}'`);
      if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    };
    let exponents = 0;
    for (const rel of files) {
      const file = path.join(packageRecipesDir(), rel);
      exponents += (fs.readFileSync(file, 'utf8').match(/:\s+\d+(\.\d*)?e-\d+/g) ?? []).length;
      walk(parse(fs.readFileSync(file, 'utf8')), rel);
      assert.doesNotThrow(() => loadRecipe(file), rel);
    }
    assert.ok(exponents >= 5, 'the shipped files do use exponent notation');
    assert.deepEqual(strings, []);
    const rms = at(loadRecipe('mnist_lenet_rmsproptf'), 'training_hyperparams');
    assert.equal(rms.initial_lr, 0.001);
    assert.deepEqual(rms.optimizer_params, { alpha: 0.9, momentum: 0.9, eps: 0.001, weight_decay: 0.00001 });
  });

  it('every top-level recipe composes: a registered architecture, training params, dataset params, shortcuts filled', () => {
    const names = listRecipes();
    assert.deepEqual(names, ['digits_folder_resnet', 'mnist_lenet', 'mnist_lenet_lamb', 'mnist_lenet_rmsproptf', 'mnist_mlp']);
    const digits = loadRecipe('digits_folder_resnet');
    assert.equal(digits.architecture, 'digits_resnet');
    assert.equal(at(digits, 'training_hyperparams').max_epochs, 3);
    assert.equal(at(digits, 'dataset_params').dataset, 'digits_folder');
    assert.equal(at(at(digits, 'dataset_params'), 'train_dataloader_params').num_workers, 2);
    for (const name of names.filter((n) => n.startsWith('mnist_'))) {
      const cfg = loadRecipe(name);
      assert.match(String(cfg.architecture), /^(lenet|mnist_mlp)$/, name);
      assert.equal(cfg.experiment_name, name, name);
      assert.equal(cfg.ckpt_root_dir, null, name);
      assert.equal(typeof cfg.arch_params, 'object', name);
      const th = at(cfg, 'training_hyperparams');
      assert.ok(Number.isInteger(th.max_epochs) && (th.max_epochs as number) >= 1, name);
      assert.equal(typeof th.initial_lr, 'number', name);
      assert.equal(th.loss, 'CrossEntropyLoss', name);
      assert.equal(th.metric_to_watch, 'Accuracy', name);
      assert.ok((th.valid_metrics_list as string[]).includes('Accuracy'), name);
      assert.ok(Array.isArray(th.lr_updates), name);
      assert.equal('_convert_' in th, false, name);
      assert.deepEqual(cfg.dataset_params, { dataset: 'mnist', batch_size: 64, val_batch_size: 500, shuffle: true, seed: 0, train_size: null, test_size: null }, name);
      assert.equal(cfg.lr, th.initial_lr, name);
      assert.equal(cfg.epochs, th.max_epochs, name);
      assert.equal(cfg.batch_size, 64, name);
    }
  });

  it('each recipe sets its optimizer: mnist_mlp SGD, mnist_lenet Adam with multiply_backbone_lr, RMSpropTF, Lamb', () => {
    const opt = (name: string) => at(loadRecipe(name), 'training_hyperparams');
    assert.equal(opt('mnist_mlp').optimizer, 'SGD');
    assert.equal(opt('mnist_lenet').optimizer, 'Adam');
    assert.equal(opt('mnist_lenet').multiply_backbone_lr, 0.5);
    assert.equal(opt('mnist_lenet').lr_mode, 'CosineLRScheduler');
    assert.equal(opt('mnist_lenet_rmsproptf').optimizer, 'RMSpropTF');
    assert.equal(opt('mnist_lenet_rmsproptf').lr_mode, 'StepLRScheduler');
    assert.equal(opt('mnist_lenet_lamb').optimizer, 'Lamb');
  });

  it('a shipped recipe by path equals the same recipe by name', () => {
    assert.deepEqual(loadRecipe(path.join(packageRecipesDir(), 'mnist_lenet.yaml')), loadRecipe('mnist_lenet'));
  });
});
