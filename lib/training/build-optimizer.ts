/**
 * SuperGradients' build_optimizer in TypeScript (spec §3–§4, decisions.md): param groups from
 * the model's own `initializeParamGroups` (the seed's protocol) or from `initial_lr` (a number, or
 * a `{default, <name prefix>: lr}` mapping where 0 freezes), the zero-weight-decay split, SG's
 * per-class default optimizer_params (each optimizer's record, `sgDefaults`), then
 * `new Cls(groups, optimizer_params)`. Training logic, so it lives here and not in lib/optim,
 * which imports neither nn nor training (test/package/layering.test.ts). The caller's training
 * params are only read.
 */
import { isPlainObject, typeError } from '../errors';
import { moduleClassifier } from '../nn/classify';
import { checkOptionNames, Optimizer } from '../optim/optimizer';
import type { NamedParamGroup, NamedParams } from '../optim/param-groups';
import { BUILT_IN_OPTIMIZERS, optimizerInfo, OptimizerClass, resolveOptimizer } from '../optim/registry';
import { Tensor } from '../tensor/tensor';

export type { NamedParamGroup, NamedParams } from '../optim/param-groups';

/** What buildOptimizer needs of a model (sg.nn.Module has all of it). */
export interface ParamGroupsModel {
  namedParameters(): NamedParams;
  namedModules(): Array<[string, unknown]>;
  initializeParamGroups?(lr: number, trainingParams: Record<string, unknown>): NamedParamGroup[];
  updateParamGroups?(paramGroups: unknown[], lr: number, epoch: number, iter: number | null, trainingParams: Record<string, unknown>, totalBatch: number): unknown[];
  getFinetuneLrDict?(lr: number): Record<string, number>;
}

/** How the zero-weight-decay rule sees a module (supplied by lib/nn, kept abstract here). */
export interface ModuleClassifier {
  /** BatchNorm*, GroupNorm, LayerNorm, InstanceNorm*: weight and bias are exempt. */
  isNorm(module: unknown): boolean;
  /** Linear / Conv*: a bias there is expected (others get a warning, as SG logs). */
  isLinearOrConv(module: unknown): boolean;
  /** The module's own `bias` parameter, if it has one. */
  ownBias(module: unknown): Tensor | null;
  /** The module's own `weight` parameter, if it has one. */
  ownWeight(module: unknown): Tensor | null;
}

/**
 * SuperGradients' default optimizer_params per class (§2): a copy made from the built-ins'
 * records (`sgDefaults`), for code that read this map before the records existed. buildOptimizer
 * reads the records (sg.optim.optimizerInfo(Cls).sgDefaults), not this map.
 */
export const SG_DEFAULT_OPTIMIZER_PARAMS = new Map<unknown, Record<string, unknown>>(
  BUILT_IN_OPTIMIZERS.filter((info) => Object.keys(info.sgDefaults).length > 0).map((info) => [info.cls, { ...info.sgDefaults }]),
);

function toNamedParams(path: string, value: unknown): NamedParams {
  if (value === null || typeof value !== 'object' || !(Symbol.iterator in (value as object))) {
    throw typeError(path, 'an array of [name, Tensor] pairs', value);
  }
  const out: NamedParams = [];
  for (const entry of value as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !(entry[1] instanceof Tensor)) {
      throw typeError(`${path}[${out.length}]`, 'a [name, Tensor] pair', entry);
    }
    out.push([entry[0], entry[1]]);
  }
  return out;
}

/** HEAD's initialize_param_groups: one `default` group for a number, prefix groups for a mapping. */
export function initializeParamGroups(model: ParamGroupsModel, lr: number | Record<string, number>): NamedParamGroup[] {
  if (typeof lr === 'number') return [{ named_params: model.namedParameters(), lr, name: 'default' }];
  return separateLrGroups(model, lr);
}

/**
 * Groups by name prefix (raw `startsWith`, as SG): `{default: 0.1, 'backbone.': 0.01}`. A prefix
 * at 0 freezes its parameters (requiresGrad = false) and makes no group. Order: the mapping's
 * insertion order, `default` last (SG's order depends on Python's set hashing).
 */
export function separateLrGroups(model: ParamGroupsModel, lrs: Record<string, number>): NamedParamGroup[] {
  if (!isPlainObject(lrs)) throw typeError('initial_lr', 'a number or a {default, <prefix>: lr} mapping', lrs);
  const defaultLr = lrs.default;
  if (defaultLr === undefined || defaultLr === null) throw new Error("When passing initial_lr as dictionary, must pass 'default'.");
  for (const [key, value] of Object.entries(lrs)) {
    if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(`initial_lr.${key}`, 'a number', value);
  }
  const all = model.namedParameters();
  const prefixes = Object.keys(lrs).filter((k) => k !== 'default');
  const groups: NamedParamGroup[] = [];
  for (const prefix of prefixes) {
    const named = all.filter(([n]) => n.startsWith(prefix));
    if (lrs[prefix] === 0) {
      for (const [, p] of named) p.requiresGrad = false;
    } else {
      groups.push({ named_params: named, lr: lrs[prefix], name: prefix });
    }
  }
  const rest = all.filter(([n, p]) => !prefixes.some((prefix) => n.startsWith(prefix)) && p.requiresGrad);
  if (rest.length > 0) {
    if (defaultLr !== 0) groups.push({ named_params: rest, lr: defaultLr, name: 'default' });
    else for (const [, p] of rest) p.requiresGrad = false;
  }
  return groups;
}

/**
 * SG's zero-weight-decay split (§4.3): each group becomes two, no-decay first (norm layers'
 * weight and bias, and every module's own `bias` parameter) with weight_decay 0, then the rest
 * with `weightDecay`. Other keys of the group are kept on both; its own weight_decay is replaced.
 */
export function separateZeroWdGroups(
  model: ParamGroupsModel,
  groups: NamedParamGroup[],
  weightDecay: number,
  classifier: ModuleClassifier = moduleClassifier,
): Array<Record<string, unknown> & { params: Tensor[] }> {
  const noDecay = new Set<Tensor>();
  for (const [name, module] of model.namedModules()) {
    if (classifier.isNorm(module)) {
      const w = classifier.ownWeight(module);
      const b = classifier.ownBias(module);
      if (w) noDecay.add(w);
      if (b) noDecay.add(b);
    } else {
      const b = classifier.ownBias(module);
      if (b) {
        noDecay.add(b);
        if (!classifier.isLinearOrConv(module)) {
          process.emitWarning(`Module '${name || '(root)'}' has a bias parameter and is not Linear or Conv: its bias gets no weight decay`);
        }
      }
    }
  }
  const out: Array<Record<string, unknown> & { params: Tensor[] }> = [];
  groups.forEach((group, i) => {
    const { named_params, weight_decay: _ignored, ...extra } = group;
    const named = toNamedParams(`param_groups[${i}].named_params`, named_params);
    out.push({ ...extra, params: named.filter(([, p]) => noDecay.has(p)).map(([, p]) => p), weight_decay: 0 });
    out.push({ ...extra, params: named.filter(([, p]) => !noDecay.has(p)).map(([, p]) => p), weight_decay: weightDecay });
  });
  return out;
}

export interface BuildOptimizerResult {
  optimizer: Optimizer;
  /** optimizer_params after SG's default merge (what the Trainer records in its own training params). */
  optimizerParams: Record<string, unknown>;
}

/** What prepareOptimizer returns: the optimizer and the effective values SuperGradients records. */
export interface PreparedOptimizer extends BuildOptimizerResult {
  /** initial_lr as used: the model's getFinetuneLrDict(lr) mapping under `finetune`, else `lr`. */
  initialLr: number | Record<string, number>;
}

/**
 * SuperGradients' build_optimizer, returning the effective optimizer_params and initial_lr
 * besides the optimizer. `trainingParams` is only read (a frozen object is fine); the model's
 * initializeParamGroups sees a copy of it holding those effective values.
 *
 * @example
 * const { optimizer, optimizerParams } = sg.training.prepareOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: {} });
 * optimizerParams; // { weight_decay: 1e-4, momentum: 0.9 }: SuperGradients' SGD defaults
 */
export function prepareOptimizer(
  model: ParamGroupsModel,
  lr: number | Record<string, number>,
  trainingParams: Readonly<Record<string, unknown>>,
  classifier: ModuleClassifier = moduleClassifier,
): PreparedOptimizer {
  return build(model, lr, trainingParams, classifier, false);
}

/**
 * The one implementation. `record`: write the effective optimizer_params and initial_lr into
 * `trainingParams` where SuperGradients does (before the groups are made) and hand the model that
 * object itself; otherwise leave it alone and hand the model a copy with those values.
 */
function build(
  model: ParamGroupsModel,
  lr: number | Record<string, number>,
  trainingParams: Readonly<Record<string, unknown>>,
  classifier: ModuleClassifier,
  record: boolean,
): PreparedOptimizer {
  const Cls = resolveOptimizer((trainingParams.optimizer ?? 'SGD') as string | OptimizerClass);
  const userParams = trainingParams.optimizer_params ?? {};
  if (!isPlainObject(userParams)) throw typeError('training_params.optimizer_params', 'an object', userParams);
  if ('params' in userParams) {
    throw new TypeError('training_params.optimizer_params.params is not allowed: the parameters come from the model');
  }
  if ('lr' in userParams) {
    process.emitWarning('training_params.optimizer_params.lr has no effect: initial_lr sets the learning rate of every group');
  }
  const optimizerParams = { ...optimizerInfo(Cls).sgDefaults, ...userParams };
  // A custom class that declares optionNames gets the built-ins' unknown-key check.
  checkOptionNames(Cls, optimizerParams);
  if (record) (trainingParams as Record<string, unknown>).optimizer_params = optimizerParams;
  const wd = typeof optimizerParams.weight_decay === 'number' ? optimizerParams.weight_decay : 0;

  let effectiveLr = lr;
  if (trainingParams.finetune) {
    if (typeof model.getFinetuneLrDict !== 'function') {
      throw new Error('finetune=True needs a model with getFinetuneLrDict(lr)');
    }
    if (typeof lr !== 'number') throw new Error('When training with fine_tune=True, initial_lr must be a scalar.');
    effectiveLr = model.getFinetuneLrDict(lr);
    if (record) (trainingParams as Record<string, unknown>).initial_lr = effectiveLr;
  }

  let groups: NamedParamGroup[];
  if (typeof model.initializeParamGroups === 'function') {
    if (typeof effectiveLr !== 'number') {
      throw new TypeError('initial_lr must be a number when the model defines initializeParamGroups (the seed protocol)');
    }
    const seen = record
      ? (trainingParams as Record<string, unknown>)
      : { ...trainingParams, optimizer_params: optimizerParams, ...(trainingParams.finetune ? { initial_lr: effectiveLr } : {}) };
    groups = model.initializeParamGroups(effectiveLr, seen);
    if (!Array.isArray(groups) || groups.length === 0) {
      throw typeError('model.initializeParamGroups() result', 'a non-empty array of {named_params, lr, ...} groups', groups);
    }
    groups.forEach((g, i) => {
      if (!isPlainObject(g)) throw typeError(`model.initializeParamGroups()[${i}]`, 'a {named_params, lr, ...} group', g);
      if (g.lr === undefined) g.lr = effectiveLr as number;
    });
  } else {
    groups = initializeParamGroups(model, effectiveLr);
  }

  let finalGroups: Array<Record<string, unknown> & { params: Tensor[] }>;
  if (trainingParams.zero_weight_decay_on_bias_and_bn) {
    finalGroups = separateZeroWdGroups(model, groups, wd, classifier);
  } else {
    finalGroups = groups.map((g, i) => {
      const { named_params, ...rest } = g;
      return { ...rest, params: toNamedParams(`param_groups[${i}].named_params`, named_params).map(([, p]) => p) };
    });
  }
  return { optimizer: new Cls(finalGroups as never, optimizerParams), optimizerParams, initialLr: effectiveLr };
}

/**
 * SuperGradients' build_optimizer: `lr` is training_params.initial_lr (number or mapping).
 * `trainingParams` is only read; prepareOptimizer also returns the effective optimizer_params.
 *
 * @example
 * const opt = sg.training.buildOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: {}, zero_weight_decay_on_bias_and_bn: true });
 */
export function buildOptimizer(
  model: ParamGroupsModel,
  lr: number | Record<string, number>,
  trainingParams: Readonly<Record<string, unknown>>,
  classifier: ModuleClassifier = moduleClassifier,
): Optimizer {
  return prepareOptimizer(model, lr, trainingParams, classifier).optimizer;
}

/**
 * buildOptimizer, then records the effective values in the `trainingParams` given, as
 * SuperGradients' Trainer does: `optimizer_params` (SG's defaults merged under the user's) and,
 * under `finetune`, `initial_lr` (the model's mapping). The Trainer passes its own merged copy of
 * the caller's params; pass your own copy too.
 *
 * @example
 * const params = sg.training.mergeTrainingParams(recipe);
 * const opt = sg.training.buildOptimizerAndRecord(model, 0.1, params); // params.optimizer_params now has SG's defaults
 */
export function buildOptimizerAndRecord(
  model: ParamGroupsModel,
  lr: number | Record<string, number>,
  trainingParams: Record<string, unknown>,
  classifier: ModuleClassifier = moduleClassifier,
): Optimizer {
  return build(model, lr, trainingParams, classifier, true).optimizer;
}
