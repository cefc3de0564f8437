/**
 * SuperGradients' training hyperparameters: defaults (§13.1), the recursive override and the
 * schema checks (§13.2), with errors that name the field.
 */
import { expectNumberIn, isPlainObject, rangeError, requiredError, typeError } from '../errors';
import type { Optimizer } from '../optim/optimizer';
import type { OptimizerClass } from '../optim/registry';
import type { Tensor } from '../tensor/tensor';
import type { EmaParams } from './ema';
import type { LossFunction } from './losses';
import { moveUnresolved } from '../unresolved-values';

/** SG's defaults (the YAML values where it and the Python dict differ in what users see). */
const DEFAULTS = {
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
  ema_params: { decay: 0.9999, decay_type: 'exp' as const, beta: 15 },
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
  zero_redundancy: false,
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
  initial_lr: null,
  /**
   * sg-optim addition (SG has no such key): a NaN/Inf training loss stops the run with an error
   * naming epoch and batch (true), or (false) skips that batch's backward pass and optimizer step
   * with a warning, so the weights stay finite and train_loss averages the finite batches.
   */
  stop_on_non_finite_loss: true,
};

/** SG's defaults (the YAML values where it and the Python dict differ in what users see). */
export const DEFAULT_TRAINING_PARAMS = Object.freeze(DEFAULTS);

/** The type of the defaults, as written above (a `null` or `[]` default says little). */
export type TrainingParamDefaults = typeof DEFAULTS;

/**
 * The keys whose default does not show what they hold (`null`, `[]`, `{}`, a literal), and the
 * two required keys without a default. Every other key has its default's type.
 */
type RefinedTrainingParams = {
  max_epochs: number;
  loss: string | LossFunction | { forward: LossFunction } | Record<string, unknown>;
  initial_lr: number | Record<string, number> | null;
  run_id: string | number | null;
  resume_path: string | null;
  lr_mode: string | Record<string, unknown> | null;
  lr_schedule_function: ((args: { initial_lr: number; epoch: number; iter: number; max_epoch: number; iters_per_epoch: number }) => number) | null;
  warmup_initial_lr: number | Record<string, number> | null;
  step_lr_update_freq: number | null;
  lr_updates: number[];
  /** StepLRScheduler's factor (no default: required with lr_mode StepLRScheduler). */
  lr_decay_factor?: number;
  pre_prediction_callback: ((inputs: Tensor, targets: Tensor, batchIdx: number) => [Tensor, Tensor]) | null;
  optimizer: string | OptimizerClass | Optimizer;
  optimizer_params: Record<string, unknown>;
  criterion_params: Record<string, unknown>;
  ema_params: EmaParams;
  train_metrics_list: unknown[];
  valid_metrics_list: unknown[];
  tensorboard_port: number | null;
  precise_bn_batch_size: number | null;
  save_ckpt_epoch_list: number[];
  phase_callbacks: unknown[];
  clip_grad_norm: number | null;
  max_train_batches: number | null;
  max_valid_batches: number | null;
  sg_logger: string | Record<string, unknown>;
  sg_logger_params: Record<string, unknown>;
  torch_compile_options: Record<string, unknown>;
};

/**
 * The merged training params the Trainer runs with (what {@link mergeTrainingParams} returns):
 * every key of {@link DEFAULT_TRAINING_PARAMS} with its default's type (refined where the default
 * is `null` or empty), `max_epochs` and `loss`, and any further key a recipe or a model reads
 * (`multiply_backbone_lr`, ...) as `unknown`.
 */
export type TrainingParams = Omit<TrainingParamDefaults, keyof RefinedTrainingParams> & RefinedTrainingParams & { [key: string]: unknown };

/**
 * What `Trainer.train({trainingParams})` and `simulateLr` accept: any subset of
 * {@link TrainingParams} (editors complete its keys), defaults filling the rest. Any record is
 * accepted as well: a recipe's `training_hyperparams` is a `Record<string, unknown>`, and every
 * value is checked when the params are merged (mergeTrainingParams), with an error naming it.
 */
export type TrainingParamsInput = Partial<TrainingParams> | Record<string, unknown>;

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}

/** SG's recursive_override: nested plain objects merge key by key, anything else replaces. */
export function recursiveOverride(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(overrides)) {
    // A recipe value that could not be resolved is moved unread: it fails where it is used.
    if (moveUnresolved(overrides, key, base)) continue;
    const value = overrides[key];
    if (isPlainObject(value) && isPlainObject(base[key])) recursiveOverride(base[key] as Record<string, unknown>, value);
    else base[key] = value;
  }
  return base;
}

/** An optional number key of the training params in [lo, hi] (null and undefined pass). */
function numberIn(params: Record<string, unknown>, key: string, lo: number, hi: number): void {
  const v = params[key];
  if (v !== undefined && v !== null) expectNumberIn(`training_params.${key}`, v, lo, hi);
}

/**
 * The checks of SG's TRAINING_PARAM_SCHEMA plus type checks of the keys the Trainer uses. Every
 * error carries the `path` of the field ('training_params.lr_warmup_epochs') and a `code`.
 */
export function validateTrainingParams(params: Record<string, unknown>): asserts params is TrainingParams {
  const maxEpochs = params.max_epochs;
  if (maxEpochs === undefined || maxEpochs === null) throw requiredError('training_params.max_epochs', ' (a number ≥ 1)');
  if (typeof maxEpochs !== 'number' || !Number.isInteger(maxEpochs) || maxEpochs < 1) {
    throw typeError('training_params.max_epochs', 'an integer ≥ 1', maxEpochs);
  }
  if (params.loss === undefined || params.loss === null) throw requiredError('training_params.loss', ' (e.g. CrossEntropyLoss)');
  numberIn(params, 'lr_decay_factor', 0, 1);
  numberIn(params, 'lr_warmup_epochs', 0, 10);
  for (const key of ['lr_warmup_steps', 'lr_cooldown_epochs']) {
    const v = params[key];
    if (!Number.isInteger(v) || (v as number) < 0) throw typeError(`training_params.${key}`, 'an integer ≥ 0', v);
  }
  if (!Number.isInteger(params.lr_warmup_epochs)) throw typeError('training_params.lr_warmup_epochs', 'an integer in [0, 10]', params.lr_warmup_epochs);
  const lr = params.initial_lr;
  if (isPlainObject(lr)) {
    for (const [key, value] of Object.entries(lr)) {
      if (!/^[a-zA-Z0-9_.]+$/.test(key)) throw rangeError('training_params.initial_lr', `training_params.initial_lr has an invalid group name '${key}' (letters, digits, '_' and '.')`);
      if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(`training_params.initial_lr.${key}`, 'a number', value);
    }
  } else if (lr !== null && lr !== undefined && typeof lr !== 'number') {
    throw typeError('training_params.initial_lr', 'a number or a {default, <prefix>: lr} mapping', lr);
  }
  if (typeof lr === 'number' && (Number.isNaN(lr) || lr < 0)) throw rangeError('training_params.initial_lr', `Invalid learning rate: ${lr} (training_params.initial_lr)`);
  if (params.lr_mode === 'StepLRScheduler') {
    if (params.lr_updates === undefined) throw requiredError('training_params.lr_updates', " when lr_mode is 'StepLRScheduler'");
    if (params.lr_decay_factor === undefined) throw requiredError('training_params.lr_decay_factor', " when lr_mode is 'StepLRScheduler'");
  }
  const A = params.batch_accumulate;
  if (!Number.isInteger(A) || (A as number) < 1) throw typeError('training_params.batch_accumulate', 'an integer ≥ 1', A);
  const clip = params.clip_grad_norm;
  if (clip !== null && clip !== undefined && (typeof clip !== 'number' || !(clip > 0))) {
    throw rangeError('training_params.clip_grad_norm', `Invalid clip_grad_norm ${JSON.stringify(clip)}: it must be a positive number or null`);
  }
  // SG stops an epoch's loop at batch_idx >= max_*_batches: a fraction or 0 would run part of a
  // batch count or no batch at all (and an epoch of no training batch has no loss to average).
  for (const key of ['max_train_batches', 'max_valid_batches'] as const) {
    const v = params[key];
    if (v !== null && v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) throw typeError(`training_params.${key}`, 'an integer ≥ 1 or null (every batch)', v);
  }
  if (!Number.isInteger(params.seed)) throw typeError('training_params.seed', 'an integer', params.seed);
  if (typeof params.cosine_final_lr_ratio !== 'number') throw typeError('training_params.cosine_final_lr_ratio', 'a number', params.cosine_final_lr_ratio);
  if (typeof params.stop_on_non_finite_loss !== 'boolean') throw typeError('training_params.stop_on_non_finite_loss', 'a boolean', params.stop_on_non_finite_loss);
  const updates = params.lr_updates;
  if (!Array.isArray(updates) || !updates.every((u) => typeof u === 'number')) throw typeError('training_params.lr_updates', 'an array of epoch numbers', updates);
  // SG tests `epoch in save_ckpt_epoch_list`: null fails there, and a string would match digits.
  const kept = params.save_ckpt_epoch_list;
  if (!Array.isArray(kept) || !kept.every((e) => Number.isInteger(e))) throw typeError('training_params.save_ckpt_epoch_list', 'an array of epoch numbers ([] for none)', kept);
}

/**
 * The training params the Trainer uses: a deep copy of the defaults, `user` merged in
 * recursively (SG's TrainingParams.override), then validated.
 *
 * @example
 * const tp = sg.training.mergeTrainingParams({ max_epochs: 5, initial_lr: 0.1, loss: 'CrossEntropyLoss' });
 */
export function mergeTrainingParams(user: unknown): TrainingParams {
  if (!isPlainObject(user)) throw typeError('training_params', 'an object', user);
  const merged = recursiveOverride(clone(DEFAULT_TRAINING_PARAMS) as Record<string, unknown>, user);
  validateTrainingParams(merged);
  return merged;
}
