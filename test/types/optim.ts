/**
 * Compile-only: sg.optim — every optimizer with its options interface, param groups, state
 * dicts, the registry (createOptimizer, registerOptimizer, ...), user optimizers, the option
 * schemas and SuperGradients' param-group helpers (buildOptimizer, separateLrGroups, ...).
 */
import * as sg from '../../lib';
import { optim } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

export function optionInterfaces(): void {
  const sgd: optim.SGDOptions = { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 1e-4, nesterov: true, maximize: false, foreach: null, fused: false, differentiable: false };
  const adam: optim.AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, fused: null, capturable: false, differentiable: false };
  const rms: optim.RMSpropOptions = { lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false, foreach: null, fused: null, differentiable: false };
  const rmsTf: optim.RMSpropTFOptions = { lr: 0.016, alpha: 0.9, eps: 1e-3, weight_decay: 1e-5, momentum: 0.9, centered: false, decoupled_decay: false, lr_in_momentum: true, foreach: null, fused: null };
  const lamb: optim.LambOptions = { lr: 5e-3, bias_correction: true, betas: [0.9, 0.999], eps: 1e-6, weight_decay: 0.02, grad_averaging: true, max_grad_norm: null, trust_clip: false, always_adapt: false, foreach: null, fused: null };
  const lion: optim.LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0.1, foreach: null, fused: null };
  const adagrad: optim.AdagradOptions = { lr: 0.01, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, foreach: null, maximize: false, differentiable: false, fused: null };
  const adadelta: optim.AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weight_decay: 0, foreach: null, capturable: false, maximize: false, differentiable: false, fused: null };
  const adamax: optim.AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, foreach: null, maximize: false, differentiable: false, capturable: false, fused: null };
  const nadam: optim.NAdamOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 4e-3, decoupled_weight_decay: false, foreach: null, maximize: false, capturable: false, differentiable: false };
  const radam: optim.RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, decoupled_weight_decay: true, foreach: null, maximize: false, capturable: false, differentiable: false };
  const adamDecoupled: optim.AdamOptions = { lr: 1e-3, weight_decay: 0.01, decoupled_weight_decay: true };
  void [sgd, adam, rms, rmsTf, lamb, lion, adagrad, adadelta, adamax, nadam, radam, adamDecoupled];
  // @ts-expect-error torch.optim.AdamW takes no decoupled_weight_decay
  void new optim.AdamW([], { decoupled_weight_decay: true });

  // @ts-expect-error lr is a number
  const a1: optim.AdamOptions = { lr: '1e-3' };
  // @ts-expect-error betas is a pair
  const a2: optim.AdamOptions = { betas: [0.9] };
  // @ts-expect-error AdamOptions is closed: PyTorch's Adam has betas, not beta1
  const a3: optim.AdamOptions = { beta1: 0.9 };
  // @ts-expect-error nesterov is a boolean
  const s1: optim.SGDOptions = { nesterov: 'yes' };
  // @ts-expect-error SGDOptions is closed: the key is lr
  const s2: optim.SGDOptions = { learning_rate: 0.1 };
  // @ts-expect-error Lion has no eps
  const l1: optim.LionOptions = { eps: 1e-8 };
  // @ts-expect-error RMSpropTF has no maximize
  const r1: optim.RMSpropTFOptions = { maximize: true };
  // @ts-expect-error max_grad_norm is a number or null
  const l2: optim.LambOptions = { max_grad_norm: 'inf' };
  void [a1, a2, a3, s1, s2, l1, r1, l2];
}

export function optimizers(model: sg.nn.Module): void {
  const w = sg.randn([3], { requiresGrad: true });
  const params: sg.Tensor[] = model.parameters();
  const groups: optim.ParamsOrGroups = [{ params: [w], lr: 0.01, name: 'head' }, { params: w }];
  const all: optim.Optimizer[] = [
    new optim.SGD(params, { lr: 0.1, momentum: 0.9, weight_decay: 1e-4 }),
    new optim.SGD(groups),
    new optim.Adam(params, { lr: 1e-3, betas: [0.9, 0.999] }),
    new optim.AdamW(params, { lr: 1e-3, weight_decay: 0.05 }),
    new optim.RMSprop(params, { lr: 0.01, momentum: 0.9 }),
    new optim.RMSpropTF(params, { lr: 0.016, momentum: 0.9, eps: 1e-3 }),
    new optim.Lamb(params, { lr: 5e-3, weight_decay: 0.02 }),
    new optim.Lion(params, { lr: 1e-4, weight_decay: 0.1 }),
  ];
  const natives: optim.NativeOptimizer[] = [new optim.Adam([w]), new optim.Lion([w])];
  const opt = all[0];
  expectType<Record<string, unknown>>(opt.defaults);
  const g: optim.ParamGroup = opt.paramGroups[0];
  expectType<sg.Tensor[]>(g.params);
  expectType<number | undefined>(g.lr);
  expectType<string | undefined>(g.name);
  expectType<unknown>(g.momentum);
  opt.paramGroups[0].lr = 0.05;
  expectType<Map<sg.Tensor, Record<string, unknown>>>(opt.state);
  expectType<void>(opt.addParamGroup({ params: [w], lr: 0.1 }));
  expectType<void>(opt.zeroGrad());
  expectType<void>(opt.zeroGrad(false));
  expectType<unknown>(opt.step());
  const closure: optim.Closure = () => w.pow(2).sum();
  expectType<unknown>(opt.step(closure));
  const sd: optim.OptimizerStateDict = opt.stateDict();
  expectType<number[]>(sd.param_groups[0].params);
  expectType<Record<string, unknown>>(sd.state[0]);
  expectType<void>(opt.loadStateDict(sd));
  expectType<string>(natives[0].kind);
  expectType<optim.OptionSchema>(natives[0].schema);

  // @ts-expect-error params are an array of Tensors (or groups), not one Tensor
  new optim.SGD(w);
  // @ts-expect-error a string where a Tensor goes
  new optim.Adam(['w']);
  // @ts-expect-error unknown option key (PyTorch's Adam has no momentum)
  new optim.Adam([w], { lr: 1e-3, momentum: 0.9 });
  // @ts-expect-error option of the wrong type
  new optim.SGD([w], { lr: 0.1, momentum: '0.9' });
  // @ts-expect-error Optimizer is abstract
  new optim.Optimizer([w], {});
  // @ts-expect-error NativeOptimizer is abstract
  new optim.NativeOptimizer('SGD', optim.SGD_OPTIONS, [w]);
  // @ts-expect-error a group's params are Tensors
  opt.paramGroups[0].params = w;
  // @ts-expect-error addParamGroup needs params
  opt.addParamGroup({ lr: 0.1 });
  // @ts-expect-error a state dict has state and param_groups
  opt.loadStateDict({ state: {} });
  // @ts-expect-error prepareGroup is protected
  opt.prepareGroup({}, 'x', []);
  void [all, natives];
}

/** A user optimizer, as Optimizer's doc comment writes it. */
class Sign extends optim.Optimizer {
  constructor(params: optim.ParamsOrGroups, opts: { lr?: number } = {}) {
    super(params, { lr: opts.lr ?? 0.01 });
  }
  step(): void {
    sg.noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.sign().mul(g.lr!));
    });
  }
}

export function registry(): void {
  const w = sg.randn([3], { requiresGrad: true });
  expectType<optim.Optimizer>(optim.createOptimizer('adam_w', [w], { lr: 1e-3 }));
  expectType<optim.Optimizer>(optim.createOptimizer(optim.SGD, [w]));
  expectType<optim.Optimizer>(optim.createOptimizer(Sign, [w], { lr: 0.1 }));
  const classes: optim.OptimizerClass[] = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.RMSpropTF, optim.Lamb, optim.Lion, Sign];
  expectType<optim.OptimizerClass>(optim.resolveOptimizer('RMSpropTF'));
  expectType<optim.OptimizerClass>(optim.resolveOptimizer(Sign));
  expectType<string[]>(optim.listOptimizers());
  assertType<Equal<ReturnType<typeof optim.registerOptimizer<typeof Sign>>, typeof Sign>>();
  expectType<typeof Sign>(optim.registerOptimizer('Sign', Sign));
  expectType<typeof Sign>(optim.registerOptimizer('Sign', Sign, { override: true }));
  @optim.registerOptimizer('SignDecorated')
  class SignDecorated extends Sign {}
  expectType<boolean>(optim.OPTIMIZERS.has('SGD'));
  expectType<string[]>(optim.OPTIMIZERS.names());
  expectType<optim.OptimizerClass | undefined>(optim.OPTIMIZERS.find('sgd'));
  expectType<optim.OptimizerClass>(optim.OPTIMIZERS.get('SGD'));
  expectType<string | undefined>(optim.OPTIMIZERS.nameOf(optim.SGD));
  expectType<string>(optim.OPTIMIZERS.kind);
  void [classes, SignDecorated];

  // @ts-expect-error a name or an optimizer class
  optim.createOptimizer(42, [w]);
  // @ts-expect-error optimizer params are an object
  optim.createOptimizer('SGD', [w], 0.1);
  // @ts-expect-error the registry holds optimizer classes
  optim.OPTIMIZERS.register('x', () => null);
  // @ts-expect-error register's options are { override }
  optim.registerOptimizer('Sign', Sign, { replace: true });
}

export function schemas(): void {
  const spec: optim.OptionSpec = { kind: 'number', default: 0.1, doc: 'learning rate', check: (v: number) => (v < 0 ? `Invalid learning rate: ${v}` : undefined), fillOnLoad: true };
  const kinds: optim.OptionKind[] = ['number', 'boolean', 'pair', 'number-or-null', 'boolean-or-null'];
  const schema: optim.OptionSchema = { lr: spec };
  for (const s of [optim.SGD_OPTIONS, optim.ADAM_OPTIONS, optim.ADAMW_OPTIONS, optim.RMSPROP_OPTIONS, optim.RMSPROP_TF_OPTIONS, optim.LAMB_OPTIONS, optim.LION_OPTIONS, optim.adamOptions(0.01), optim.ADAGRAD_OPTIONS, optim.ADADELTA_OPTIONS, optim.ADAMAX_OPTIONS, optim.NADAM_OPTIONS, optim.RADAM_OPTIONS]) {
    expectType<optim.OptionSpec | undefined>(s.lr);
  }
  expectType<string>(optim.pythonNumber(1e-8));
  expectType<(v: number) => string | undefined>(optim.nonNegative('learning rate'));
  expectType<string | undefined>(optim.betasCheck([0.9, 0.999]));
  expectType<void>(optim.checkImplementationFlags({ fused: true }, 'optimizer_params'));
  expectType<void>(optim.rejectUnknownOptions('SGD', schema, { lr: 0.1 }, 'optimizer_params'));
  expectType<void>(optim.validateOptions(schema, { lr: 0.1 }, 'optimizer_params', true));
  expectType<Record<string, unknown>>(optim.completeLoadedGroup('SGD', schema, { lr: 0.1 }, 'param_groups[0]'));
  expectType<Record<string, unknown>>(optim.schemaDefaults(schema));
  // @ts-expect-error no such option kind
  const k: optim.OptionKind = 'string';
  // @ts-expect-error an OptionSpec needs kind, default and doc
  const incomplete: optim.OptionSpec = { kind: 'number' };
  // @ts-expect-error betas are a pair
  optim.betasCheck(0.9);
  void [kinds, k, incomplete];
}

export function paramGroups(model: sg.models.LeNet): void {
  const named: optim.NamedParams = model.namedParameters();
  const group: optim.NamedParamGroup = { named_params: named, lr: 0.1, name: 'default', weight_decay: 0 };
  const asModel: optim.ParamGroupsModel = model;
  const plain: optim.ParamGroupsModel = new sg.nn.Sequential(new sg.nn.Linear(2, 2));
  const classifier: optim.ModuleClassifier = {
    isNorm: (m) => m instanceof sg.nn.BatchNormBase,
    isLinearOrConv: (m) => m instanceof sg.nn.Linear || m instanceof sg.nn.Conv2d,
    ownBias: () => null,
    ownWeight: () => null,
  };
  expectType<optim.NamedParamGroup[]>(optim.initializeParamGroups(model, 0.1));
  expectType<optim.NamedParamGroup[]>(optim.initializeParamGroups(model, { default: 0.1, 'backbone.': 0.01 }));
  expectType<optim.NamedParamGroup[]>(optim.separateLrGroups(model, { default: 0.1, 'head.': 0 }));
  const split: Array<Record<string, unknown> & { params: sg.Tensor[] }> = optim.separateZeroWdGroups(model, [group], 1e-4, classifier);
  expectType<optim.Optimizer>(optim.buildOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: {}, zero_weight_decay_on_bias_and_bn: true }));
  expectType<optim.Optimizer>(optim.buildOptimizer(plain, { default: 0.1 }, {}, classifier));
  expectType<Map<unknown, Record<string, unknown>>>(optim.SG_DEFAULT_OPTIMIZER_PARAMS);
  const result: optim.BuildOptimizerResult = { optimizer: new optim.SGD([]), optimizerParams: {} };
  // @ts-expect-error a model needs namedParameters and namedModules
  optim.initializeParamGroups({}, 0.1);
  // @ts-expect-error lr is a number or a prefix → number mapping
  optim.buildOptimizer(model, '0.1', {});
  // @ts-expect-error a named group has named_params, not params
  const wrong: optim.NamedParamGroup = { params: [] };
  void [asModel, split, result, wrong];
}
