/**
 * Compile-only: sg.nn — Module (and user subclasses), Parameter, every layer class with its
 * options, the containers, nn.init and NORM_MODULE_TYPES.
 */
import * as sg from '../../lib';
import { nn } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

/** A user module, as the README writes one. */
class TwoLayer extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  act = new nn.ReLU();
  fc2 = new nn.Linear(8, 2, { bias: false });
  scale = nn.Parameter(sg.ones([1]));
  forward(x: sg.Tensor): sg.Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

export function modules(): void {
  const m = new TwoLayer();
  const x = sg.randn([3, 4]);
  expectType<sg.Tensor>(m.forward(x));
  expectType<unknown>(m.call(x));
  expectType<boolean>(m.training);
  m.training = false;
  expectType<void>(m.registerParameter('extra', sg.zeros([1])));
  expectType<void>(m.registerBuffer('running', sg.zeros([1])));
  expectType<void>(m.registerBuffer('nothing', null));
  expectType<void>(m.registerModule('head', new nn.Identity()));
  expectType<Array<[string, nn.Module]>>(m.namedChildren());
  expectType<nn.Module[]>(m.children());
  expectType<Array<[string, nn.Module]>>(m.namedModules());
  expectType<nn.Module[]>(m.modules());
  expectType<Array<[string, sg.Tensor]>>(m.namedParameters());
  expectType<Array<[string, sg.Tensor]>>(m.namedParameters('net', false));
  expectType<sg.Tensor[]>(m.parameters());
  expectType<Array<[string, sg.Tensor]>>(m.namedBuffers());
  expectType<sg.Tensor[]>(m.buffers(false));
  // train/eval/apply/to return the module itself, with its own type.
  assertType<Equal<ReturnType<TwoLayer['train']>, TwoLayer>>();
  const same: TwoLayer = m.train().eval().train(false).apply((sub) => void sub.training).to('float64').to({ device: 'cpu' });
  expectType<void>(m.zeroGrad());
  expectType<void>(m.zeroGrad(false));
  const sd: Record<string, sg.Tensor> = m.stateDict({ keepVars: true });
  const loaded: { missingKeys: string[]; unexpectedKeys: string[] } = m.loadStateDict(sd, { strict: false });
  expectType<sg.Tensor>(nn.Parameter(sg.zeros([2]), false));
  const u: unknown = m.scale;
  if (nn.isParameter(u)) expectType<sg.Tensor>(u);
  expectType<number>(nn.positiveInt('arch_params.hidden', 3 as unknown));

  // @ts-expect-error Module is abstract
  new nn.Module();
  // @ts-expect-error forward must be implemented
  class NoForward extends nn.Module {}
  // @ts-expect-error training is a boolean
  m.training = 'yes';
  // @ts-expect-error a Parameter is made from a Tensor
  nn.Parameter([1, 2]);
  // @ts-expect-error registerModule takes a Module
  m.registerModule('x', sg.zeros([1]));
  // @ts-expect-error stateDict's option is keepVars
  m.stateDict({ keep_vars: true });
  // @ts-expect-error a state dict maps names to Tensors
  m.loadStateDict({ 'fc1.weight': [1, 2] });
  // @ts-expect-error TwoLayer.forward takes a Tensor
  m.forward('x');
  // @ts-expect-error ownParameters is protected
  m.ownParameters();
  void [same, loaded, NoForward];
}

export function layers(): void {
  const x = sg.randn([2, 3, 8, 8]);
  const convOpts: nn.Conv2dOptions = { stride: 1, padding: [1, 1], dilation: 1, groups: 1, bias: true, dtype: 'float64' };
  const bnOpts: nn.BatchNormOptions = { eps: 1e-3, momentum: null, affine: true, track_running_stats: false };
  const linear = new nn.Linear(4, 2, { bias: true, dtype: 'float32' });
  expectType<number>(linear.inFeatures + linear.outFeatures);
  expectType<sg.Tensor>(linear.weight);
  assertType<Equal<typeof linear.bias, sg.Tensor | null>>();
  const conv = new nn.Conv2d(3, 8, 3, convOpts);
  expectType<[number, number]>(conv.stride);
  expectType<sg.Tensor>(new nn.Conv2d(3, 8, [3, 3]).forward(x));
  expectType<number>(conv.inChannels + conv.outChannels + conv.groups);
  const bn2 = new nn.BatchNorm2d(3, bnOpts);
  const bn1 = new nn.BatchNorm1d(3);
  const norms: nn.BatchNormBase[] = [bn1, bn2];
  assertType<Equal<typeof bn2.running_mean, sg.Tensor | null>>();
  expectType<number | null>(bn2.momentum);
  expectType<number>(bn2.numFeatures + bn2.eps);
  expectType<boolean>(bn2.trackRunningStats);
  expectType<sg.Tensor | null>(bn2.num_batches_tracked);
  const ln = new nn.LayerNorm([8, 8], { eps: 1e-6, elementwise_affine: false });
  expectType<number[]>(ln.normalizedShape);
  expectType<nn.LayerNorm>(new nn.LayerNorm(8));
  const gn = new nn.GroupNorm(1, 3, { eps: 1e-5, affine: true });
  expectType<number>(gn.numGroups + gn.numChannels);
  const emb = new nn.Embedding(10, 4, { padding_idx: 0 });
  expectType<number | null>(emb.paddingIdx);
  expectType<sg.Tensor>(emb.forward(sg.tensor([1, 2])));
  const acts: nn.Module[] = [new nn.ReLU(), new nn.GELU({ approximate: 'tanh' }), new nn.GELU(), new nn.SiLU(), new nn.Sigmoid(), new nn.Tanh(), new nn.Identity()];
  const shape: nn.Module[] = [new nn.Flatten(), new nn.Flatten({ start_dim: 0, end_dim: -1 }), new nn.Dropout(0.1), new nn.Dropout({ p: 0.5 }), new nn.Dropout()];
  const pools = [new nn.MaxPool2d(2), new nn.MaxPool2d([2, 2], { stride: 2, padding: 0, dilation: 1, ceil_mode: false }), new nn.AvgPool2d(2, { stride: 1, padding: 1, ceil_mode: true, count_include_pad: false }), new nn.AdaptiveAvgPool2d(1), new nn.AdaptiveAvgPool2d([2, 2])];
  for (const p of pools) expectType<sg.Tensor>(p.forward(x));
  expectType<number>(new nn.Dropout(0.3).p);
  const types: ReadonlyArray<abstract new (...args: never[]) => nn.Module> = nn.NORM_MODULE_TYPES;
  void [norms, acts, shape, types];

  // @ts-expect-error sizes are numbers
  new nn.Linear('4', 2);
  // @ts-expect-error bias is a boolean
  new nn.Linear(4, 2, { bias: 'no' });
  // @ts-expect-error layers are float32 or float64
  new nn.Linear(4, 2, { dtype: 'int64' });
  // @ts-expect-error Conv2d's padding is a number or a pair ('same' is not supported)
  new nn.Conv2d(1, 2, 3, { padding: 'same' });
  // @ts-expect-error Conv2dOptions is closed
  const badConv: nn.Conv2dOptions = { padding_mode: 'zeros' };
  // @ts-expect-error MaxPool2d takes no count_include_pad
  new nn.MaxPool2d(2, { count_include_pad: true });
  // @ts-expect-error AvgPool2d takes no dilation
  new nn.AvgPool2d(2, { dilation: 2 });
  // @ts-expect-error momentum is a number or null
  new nn.BatchNorm2d(3, { momentum: '0.1' });
  // @ts-expect-error BatchNormBase is abstract
  new nn.BatchNormBase(3);
  // @ts-expect-error LayerNorm's option is elementwise_affine
  new nn.LayerNorm([4], { elementwiseAffine: false });
  // @ts-expect-error GELU's approximate is 'none' or 'tanh'
  new nn.GELU({ approximate: true });
  // @ts-expect-error a string where a Tensor goes
  new nn.ReLU().forward('x');
  void badConv;
}

export function containers(): void {
  const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
  const named = new nn.Sequential({ fc: new nn.Linear(4, 2), act: new nn.ReLU() });
  expectType<number>(seq.length);
  expectType<nn.Module>(seq.at(0));
  for (const child of named) expectType<nn.Module>(child);
  expectType<sg.Tensor>(seq.forward(sg.randn([1, 4])));
  const list = new nn.ModuleList([new nn.ReLU()]);
  expectType<nn.ModuleList>(list.append(new nn.Tanh()));
  expectType<number>(list.push(new nn.SiLU(), new nn.Identity()));
  expectType<nn.Module>(list.at(-1));
  expectType<number>(list.length);
  for (const child of list) expectType<nn.Module>(child);
  const dict = new nn.ModuleDict({ a: new nn.ReLU() });
  expectType<void>(dict.set('b', new nn.Tanh()));
  assertType<Equal<ReturnType<typeof dict.get>, nn.Module | undefined>>();
  expectType<string[]>(dict.keys());
  expectType<nn.ModuleList>(new nn.ModuleList());
  expectType<nn.ModuleDict>(new nn.ModuleDict());

  // @ts-expect-error Sequential takes modules
  new nn.Sequential(1);
  // @ts-expect-error Sequential takes modules or one name → module mapping
  new nn.Sequential({ fc: new nn.Linear(4, 2) }, new nn.ReLU());
  // @ts-expect-error ModuleList holds modules
  list.append(sg.zeros([1]));
  // @ts-expect-error ModuleDict keys are strings
  dict.set(1, new nn.ReLU());
}

export function init(): void {
  const w = sg.empty([4, 3]);
  expectType<sg.Tensor>(nn.init.uniform_(w, -0.1, 0.1));
  expectType<sg.Tensor>(nn.init.normal_(w));
  expectType<sg.Tensor>(nn.init.normal_(w, 0, 0.02));
  expectType<sg.Tensor>(nn.init.zeros_(w));
  expectType<sg.Tensor>(nn.init.ones_(w));
  expectType<number>(nn.init.fanIn(w));
  expectType<sg.Tensor>(nn.init.kaimingUniform_(w, Math.sqrt(5)));
  // @ts-expect-error uniform_ needs both bounds
  nn.init.uniform_(w, 0);
  // @ts-expect-error init functions take a Tensor
  nn.init.zeros_([4, 3]);
}

// A Module (not only a subclass) goes to the Trainer, and call() reads as model(x) does.
export function moduleToTrainer(m: sg.nn.Module, x: sg.Tensor, loader: sg.data.DataLoader): void {
  const y: sg.Tensor = new sg.nn.Linear(2, 3).call(x);
  void y;
  void new sg.Trainer({ experimentName: 'types' }).train({ model: m, trainingParams: { max_epochs: 1 }, trainLoader: loader, validLoader: loader });
}
