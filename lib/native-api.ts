/**
 * The compiled addon's interface: every export of native/addon.cc (the SG_ENTRY tables in
 * native/common/runtime.cc, native/tensor/{tensor_api,creation,math_ops,nn_ops}.cc,
 * native/optim/optimizer_kinds.cc, native/serialize/pickle.cc,
 * native/bench/stream.cc and native/distributed/{process_group,collectives,gradient_reducer,differentiable_all_reduce}.cc, and the NativeTensor / NativeOptimizer classes), with the argument order
 * and types its Args reads. NATIVE_FUNCTION_NAMES lists the function names at run time; this file
 * fails to compile when that list and the NativeFunctions interface differ, and
 * test/native/binding-interface.test.ts fails when the loaded addon's exports differ from both.
 * An argument marked optional here is one the C++ side reads with isNullish / opt*(): null and
 * undefined mean "not given".
 */

/** Opaque handle of one at::Tensor on the native side (an instance of NativeTensor). */
export interface NativeTensorHandle {
  readonly __nativeTensor: unique symbol;
}

/** dtype names as native/common/args.cc's ParseDtype reads and DtypeName writes them. */
export type NativeDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'uint8' | 'bool';

/** Device strings as Args::device accepts them: 'cpu', 'cuda' or 'cuda:N'. */
type NativeDevice = 'cpu' | 'cuda' | `cuda:${number}`;

/** What Args::scalar accepts: a number, or a boolean that stays a boolean. */
export type NativeScalar = number | boolean;

/** A tensor or a scalar operand (binary ops, where). */
type NativeOperand = NativeTensorHandle | NativeScalar;

/** The losses' reduction names. */
type NativeReduction = 'mean' | 'sum' | 'none';

/** The typed arrays fromData copies (and toTypedArray returns). */
type NativeTypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Which implementation ran a step: our fused CPU loops or CUDA kernels, LibTorch's fused Adam, or the reference. */
export type StepPath = 'fused-cpu' | 'fused-cuda' | 'libtorch-fused' | 'reference';

/** What the binary was built against, and runs (buildInfo()). */
interface NativeBuildInfo {
  torchVersion: string;
  cuda: boolean;
  /** The fused loops' instruction set: 'generic', 'avx2' or 'avx512'. */
  cpuKernels: string;
}

/** stream()'s memory bandwidths in GB/s (best of the repetitions). */
interface NativeStreamResult {
  copyGBs: number;
  loopTriadGBs: number;
  atenTriadGBs: number;
  triadGBs: number;
  check: number;
}

/** One registered native optimizer kind as optimizerKinds() describes it (native/optim/optimizer_kinds.h). */
interface NativeOptimizerKind {
  name: string;
  /** `maximize` is honoured (gradients negated around the step). */
  supportsMaximize: boolean;
  /** PyTorch's state_dict keeps the per-parameter `step` as a tensor. */
  stepKeptAsTensor: boolean;
  /** Param groups carry state of their own (getGroupState/setGroupStates: Lamb's step). */
  hasGroupState: boolean;
  /** The step paths besides the reference step, in this binary (fusedCuda only in a CUDA build). */
  fusedCpu: boolean;
  fusedCuda: boolean;
  libtorchFused: boolean;
}

/** One param group as the native optimizer reads it: handles plus an options object. */
interface NativeParamGroup {
  params: NativeTensorHandle[];
  options: object;
}

/** One parameter's optimizer state as getState returns it: buffers as handles, `step` a number. */
export type NativeOptimizerState = Record<string, NativeTensorHandle | number>;

/** One group's own state (Lamb's step counter; {} for the other kinds). */
export type NativeGroupState = { step?: number };

/** The NativeOptimizer class's instances (native/optim/optimizer_wrap.cc). */
export interface NativeOptimizerHandle {
  /** Reads every group's options (and the defaults when given) and steps; returns the path that ran. */
  step(groupOptions: readonly object[], defaults?: object | null): StepPath;
  setGroups(groups: NativeParamGroup[]): void;
  /** The parameter's state (tensors as handles), or null when it has none yet. */
  getState(param: NativeTensorHandle): NativeOptimizerState | null;
  /** Replaces every parameter's state; native code checks each value (tensors by shape, `step` an integer). */
  setStates(states: ReadonlyArray<readonly [NativeTensorHandle, Record<string, unknown>]>): void;
  getGroupState(group: number): NativeGroupState;
  /** One object per param group; native code checks each (a `step` must be a number). */
  setGroupStates(states: ReadonlyArray<Record<string, unknown>>): void;
  /** setToNone defaults to true (anything but a boolean counts as true). */
  zeroGrad(setToNone?: boolean): void;
}

/** The NativeOptimizer constructor: an optimizer kind ('SGD', 'Adam', ...), its groups and defaults. */
interface NativeOptimizerClass {
  new (kind: string, groups: NativeParamGroup[], defaults: object): NativeOptimizerHandle;
  readonly prototype: NativeOptimizerHandle;
}

/** The NativeTensor class: handles are its instances; JavaScript cannot construct one. */
interface NativeTensorClass {
  new (external: never): NativeTensorHandle;
  readonly prototype: NativeTensorHandle;
}

type H = NativeTensorHandle;
type Dt = NativeDtype | null;
type Dev = NativeDevice | null;
type IntList = readonly number[];

/** The addon's functions, by the name its SG_ENTRY tables give them. */
export interface NativeFunctions {
  // native/common/runtime.cc: process-wide entries (build info, CUDA, seed, grad mode, threads, CPU kernels)
  manualSeed(seed: number): void;
  /** Returns the previous mode. */
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  torchVersion(): string;
  buildInfo(): NativeBuildInfo;
  setNumThreads(threads: number): void;
  /** 'generic', 'avx2', 'avx512' or 'auto'; returns the name of the loops now selected. */
  setCpuKernels(kernels: string): string;
  getNumThreads(): number;

  // native/tensor/tensor_api.cc: properties, conversion, autograd
  shape(t: H): number[];
  dtype(t: H): NativeDtype;
  device(t: H): NativeDevice;
  numel(t: H): number;
  dim(t: H): number;
  requiresGrad(t: H): boolean;
  setRequiresGrad(t: H, requiresGrad: boolean): void;
  isLeaf(t: H): boolean;
  grad(t: H): H | null;
  setGrad(t: H, grad?: H | null): void;
  backward(t: H, gradient?: H | null, retainGraph?: boolean | null): void;
  detach(t: H): H;
  clone(t: H): H;
  contiguous(t: H): H;
  isContiguous(t: H): boolean;
  to(t: H, dtype?: Dt, device?: Dev): H;
  toTypedArray(t: H): NativeTypedArray;
  toNumbers(t: H): Float64Array;
  item(t: H): number | boolean;
  formatTensor(t: H): string;
  dispose(t: H): void;
  isDisposed(t: H): boolean;
  sameTensor(a: H, b: H): boolean;
  dataPtr(t: H): number;
  implId(t: H): number;

  // native/tensor/creation.cc: factories
  fromData(data: NativeTypedArray, shape: IntList, dtype?: Dt, device?: Dev): H;
  zeros(shape: IntList, dtype?: Dt, device?: Dev): H;
  ones(shape: IntList, dtype?: Dt, device?: Dev): H;
  empty(shape: IntList, dtype?: Dt, device?: Dev): H;
  full(shape: IntList, value: NativeScalar, dtype?: Dt, device?: Dev): H;
  rand(shape: IntList, dtype?: Dt, device?: Dev): H;
  randn(shape: IntList, dtype?: Dt, device?: Dev): H;
  randint(low: number, high: number, shape: IntList, dtype?: Dt, device?: Dev): H;
  arange(start: number, end: number, step: number, dtype?: Dt, device?: Dev): H;
  eye(n: number, m?: number | null, dtype?: Dt, device?: Dev): H;
  linspace(start: number, end: number, steps: number, dtype?: Dt, device?: Dev): H;
  zerosLike(t: H): H;
  onesLike(t: H): H;
  fullLike(t: H, value: NativeScalar): H;
  randnLike(t: H): H;
  fromBytes(bytes: Uint8Array, dtype: NativeDtype): H;
  asStrided(base: H, size: IntList, stride: IntList, offset: number): H;

  // native/tensor/math_ops.cc: arithmetic, comparisons, reductions, shapes, indexing
  add(input: H, other: NativeOperand, alpha?: NativeScalar | null): H;
  sub(input: H, other: NativeOperand, alpha?: NativeScalar | null): H;
  mul(input: H, other: NativeOperand): H;
  div(input: H, other: NativeOperand): H;
  pow(input: H, other: NativeOperand): H;
  eq(input: H, other: NativeOperand): H;
  ne(input: H, other: NativeOperand): H;
  gt(input: H, other: NativeOperand): H;
  lt(input: H, other: NativeOperand): H;
  ge(input: H, other: NativeOperand): H;
  le(input: H, other: NativeOperand): H;
  add_(input: H, other: NativeOperand, alpha?: NativeScalar | null): void;
  sub_(input: H, other: NativeOperand, alpha?: NativeScalar | null): void;
  mul_(input: H, other: NativeOperand): void;
  div_(input: H, other: NativeOperand): void;
  neg(input: H): H;
  sqrt(input: H): H;
  rsqrt(input: H): H;
  exp(input: H): H;
  log(input: H): H;
  abs(input: H): H;
  sign(input: H): H;
  floor(input: H): H;
  ceil(input: H): H;
  round(input: H): H;
  sin(input: H): H;
  cos(input: H): H;
  log1p(input: H): H;
  reciprocal(input: H): H;
  square(input: H): H;
  t(input: H): H;
  logicalNot(input: H): H;
  isnan(input: H): H;
  isfinite(input: H): H;
  clamp(input: H, min?: NativeScalar | null, max?: NativeScalar | null): H;
  clamp_(input: H, min?: NativeScalar | null, max?: NativeScalar | null): void;
  zero_(input: H): void;
  fill_(input: H, value: NativeScalar): void;
  copy_(input: H, src: H): void;
  matmul(input: H, other: H): H;
  uniform_(input: H, from: number, to: number): void;
  normal_(input: H, mean: number, std: number): void;
  /** `param.data = src`: keeps the tensor object, swaps its storage, dtype and device. */
  setData(input: H, src: H): void;
  where(condition: H, input: NativeOperand, other: NativeOperand): H;
  sum(input: H, dim: IntList | null, keepdim: boolean, dtype?: Dt): H;
  mean(input: H, dim: IntList | null, keepdim: boolean, dtype?: Dt): H;
  var(input: H, dim: IntList | null, unbiased: boolean, keepdim: boolean): H;
  norm(input: H, p: NativeScalar, dim: IntList | null, keepdim: boolean): H;
  max(input: H): H;
  min(input: H): H;
  /** [values, indices] */
  maxDim(input: H, dim: number, keepdim: boolean): [H, H];
  /** [values, indices] */
  minDim(input: H, dim: number, keepdim: boolean): [H, H];
  argmax(input: H, dim?: number | null, keepdim?: boolean | null): H;
  argmin(input: H, dim?: number | null, keepdim?: boolean | null): H;
  transpose(input: H, dim0: number, dim1: number): H;
  permute(input: H, dims: IntList): H;
  reshape(input: H, shape: IntList): H;
  view(input: H, shape: IntList): H;
  flatten(input: H, startDim: number, endDim: number): H;
  squeeze(input: H, dim?: number | null): H;
  unsqueeze(input: H, dim: number): H;
  expand(input: H, size: IntList): H;
  cat(tensors: readonly H[], dim: number): H;
  stack(tensors: readonly H[], dim: number): H;
  select(input: H, dim: number, index: number): H;
  slice(input: H, dim: number, start: number | null, end: number | null, step: number): H;
  indexSelect(input: H, dim: number, index: H): H;
  gather(input: H, dim: number, index: H): H;
  maskedFill(input: H, mask: H, value: NativeScalar): H;

  // native/tensor/nn_ops.cc: functional forms of layers, activations and losses
  relu(input: H): H;
  sigmoid(input: H): H;
  tanh(input: H): H;
  silu(input: H): H;
  gelu(input: H, approximate?: 'none' | 'tanh' | null): H;
  leakyRelu(input: H, negativeSlope: NativeScalar): H;
  softmax(input: H, dim: number): H;
  logSoftmax(input: H, dim: number): H;
  linear(input: H, weight: H, bias?: H | null): H;
  conv2d(input: H, weight: H, bias: H | null | undefined, stride: IntList, padding: IntList, dilation: IntList, groups: number): H;
  maxPool2d(input: H, kernelSize: IntList, stride: IntList, padding: IntList, dilation: IntList, ceilMode: boolean): H;
  avgPool2d(input: H, kernelSize: IntList, stride: IntList, padding: IntList, ceilMode: boolean, countIncludePad: boolean): H;
  adaptiveAvgPool2d(input: H, outputSize: IntList): H;
  batchNorm(input: H, runningMean: H | null | undefined, runningVar: H | null | undefined, weight: H | null | undefined, bias: H | null | undefined, training: boolean, momentum: number, eps: number): H;
  layerNorm(input: H, normalizedShape: IntList, weight: H | null | undefined, bias: H | null | undefined, eps: number): H;
  groupNorm(input: H, numGroups: number, weight: H | null | undefined, bias: H | null | undefined, eps: number): H;
  dropout(input: H, p: number, training: boolean): H;
  /** weight first (F.embedding's input-first order is handled in TypeScript). */
  embedding(weight: H, input: H, paddingIdx?: number | null): H;
  crossEntropy(input: H, target: H, weight: H | null | undefined, reduction: NativeReduction, ignoreIndex: number, labelSmoothing: number): H;
  nllLoss(input: H, target: H, weight: H | null | undefined, reduction: NativeReduction, ignoreIndex: number): H;
  mseLoss(input: H, target: H, reduction: NativeReduction): H;
  l1Loss(input: H, target: H, reduction: NativeReduction): H;
  bceWithLogits(input: H, target: H, weight: H | null | undefined, posWeight: H | null | undefined, reduction: NativeReduction): H;

  // native/optim/optimizer_kinds.cc
  /** Every registered optimizer kind, in registration order. */
  optimizerKinds(): NativeOptimizerKind[];

  // native/serialize/pickle.cc
  /** torch.save's bytes of a value (tensors, or objects whose `_h` is a handle; numbers, strings, arrays, Maps, plain objects). */
  pickle(value: unknown): Buffer;

  // native/bench/stream.cc
  stream(elements: number, repetitions: number): NativeStreamResult;

  // native/distributed/process_group.cc: the default process group (c10d TCPStore + Gloo / NCCL)
  /** Rendezvous at masterAddr:masterPort (rank 0 hosts the TCPStore) and connect the backend; blocks up to timeoutMs. */
  initProcessGroup(backend: string, rank: number, worldSize: number, masterAddr: string, masterPort: number, timeoutMs: number): void;
  destroyProcessGroup(): void;
  isProcessGroupInitialized(): boolean;
  processGroupInfo(): NativeProcessGroupInfo;
  /** The backends this binary can create: 'gloo' and, in CUDA builds, 'nccl'. */
  distributedBackends(): string[];

  // native/distributed/collectives.cc: synchronous, bounded by the group's timeout
  /** In place; op is 'sum', 'avg', 'min', 'max' or 'product'. */
  allReduce(t: H, op: string): void;
  /** In place: every rank's t becomes rank src's. */
  broadcast(t: H, src: number): void;
  /** One new tensor per rank, in rank order. */
  allGather(t: H): H[];
  barrier(): void;

  // native/distributed/gradient_reducer.cc: DistributedDataParallel's averaging inside backward()
  /** Hooks the parameters (leaves requiring grad) of the current group; returns the reducer's id. */
  ddpAttach(params: H[], bucketCapBytes: number): number;
  /** Removes the hooks; nothing when the id (or the group) is gone. */
  ddpDetach(id: number): void;
  /** false: backward passes keep their gradients local (no_sync). */
  ddpSetRequireSync(id: number, sync: boolean): void;
  /** After a forward: hooks the AccumulateGrad nodes of the graph it built, so that buckets start during backward. */
  ddpPrepare(id: number): void;
  ddpInfo(id: number): { buckets: number[][]; passes: number; bucketsLaunchedInBackward: number; gradientHookCalls: number };

  // native/distributed/differentiable_all_reduce.cc
  /** The sum over ranks as a new tensor, recorded for autograd (its backward sums the gradients over ranks). */
  allReduceWithGrad(t: H): H;
}

/** The initialised default process group (processGroupInfo()). */
interface NativeProcessGroupInfo {
  backend: string;
  rank: number;
  worldSize: number;
  timeoutMs: number;
}

/** The addon's classes (exports.Set in native/addon.cc). */
export interface NativeClasses {
  NativeTensor: NativeTensorClass;
  NativeOptimizer: NativeOptimizerClass;
}

/** The loaded addon: its classes and functions, nothing else. */
export type NativeBinding = NativeClasses & NativeFunctions;

/** The function names, in the tables' order: the run-time list of NativeFunctions' keys. */
export const NATIVE_FUNCTION_NAMES = [
  // runtime.cc
  'manualSeed', 'setGradEnabled', 'isGradEnabled', 'cudaAvailable', 'cudaDeviceCount', 'torchVersion', 'buildInfo',
  'setNumThreads', 'setCpuKernels', 'getNumThreads',
  // tensor_api.cc
  'shape', 'dtype', 'device', 'numel', 'dim', 'requiresGrad', 'setRequiresGrad', 'isLeaf', 'grad', 'setGrad', 'backward',
  'detach', 'clone', 'contiguous', 'isContiguous', 'to', 'toTypedArray', 'toNumbers', 'item', 'formatTensor', 'dispose',
  'isDisposed', 'sameTensor', 'dataPtr', 'implId',
  // creation.cc
  'fromData', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'arange', 'eye', 'linspace', 'zerosLike',
  'onesLike', 'fullLike', 'randnLike', 'fromBytes', 'asStrided',
  // math_ops.cc
  'add', 'sub', 'mul', 'div', 'pow', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'add_', 'sub_', 'mul_', 'div_', 'neg', 'sqrt',
  'rsqrt', 'exp', 'log', 'abs', 'sign', 'floor', 'ceil', 'round', 'sin', 'cos', 'log1p', 'reciprocal', 'square', 't',
  'logicalNot', 'isnan', 'isfinite', 'clamp', 'clamp_', 'zero_', 'fill_', 'copy_', 'matmul', 'uniform_', 'normal_',
  'setData', 'where', 'sum', 'mean', 'var', 'norm', 'max', 'min', 'maxDim', 'minDim', 'argmax', 'argmin', 'transpose',
  'permute', 'reshape', 'view', 'flatten', 'squeeze', 'unsqueeze', 'expand', 'cat', 'stack', 'select', 'slice',
  'indexSelect', 'gather', 'maskedFill',
  // nn_ops.cc
  'relu', 'sigmoid', 'tanh', 'silu', 'gelu', 'leakyRelu', 'softmax', 'logSoftmax', 'linear', 'conv2d', 'maxPool2d',
  'avgPool2d', 'adaptiveAvgPool2d', 'batchNorm', 'layerNorm', 'groupNorm', 'dropout', 'embedding', 'crossEntropy',
  'nllLoss', 'mseLoss', 'l1Loss', 'bceWithLogits',
  // optimizer_kinds.cc
  'optimizerKinds',
  // pickle.cc, stream.cc
  'pickle', 'stream',
  // process_group.cc, collectives.cc
  'initProcessGroup', 'destroyProcessGroup', 'isProcessGroupInitialized', 'processGroupInfo', 'distributedBackends',
  'allReduce', 'broadcast', 'allGather', 'barrier',
  // gradient_reducer.cc
  'ddpAttach', 'ddpDetach', 'ddpPrepare', 'ddpSetRequireSync', 'ddpInfo',
  // differentiable_all_reduce.cc
  'allReduceWithGrad',
] as const satisfies ReadonlyArray<keyof NativeFunctions>;

/** The class names: the run-time list of NativeClasses' keys. */
export const NATIVE_CLASS_NAMES = ['NativeTensor', 'NativeOptimizer'] as const satisfies ReadonlyArray<keyof NativeClasses>;

/** NativeOptimizer's instance methods: the run-time list of NativeOptimizerHandle's keys. */
export const NATIVE_OPTIMIZER_METHODS = ['step', 'setGroups', 'getState', 'setStates', 'getGroupState', 'setGroupStates', 'zeroGrad'] as const satisfies ReadonlyArray<keyof NativeOptimizerHandle>;

// The other direction: a key of the interfaces missing from the lists is a compile error naming it.
type Unlisted<Keys, Listed> = Exclude<Keys, Listed>;
const everyFunctionListed: [Unlisted<keyof NativeFunctions, (typeof NATIVE_FUNCTION_NAMES)[number]>] extends [never] ? true : Unlisted<keyof NativeFunctions, (typeof NATIVE_FUNCTION_NAMES)[number]> = true;
const everyClassListed: [Unlisted<keyof NativeClasses, (typeof NATIVE_CLASS_NAMES)[number]>] extends [never] ? true : Unlisted<keyof NativeClasses, (typeof NATIVE_CLASS_NAMES)[number]> = true;
const everyMethodListed: [Unlisted<keyof NativeOptimizerHandle, (typeof NATIVE_OPTIMIZER_METHODS)[number]>] extends [never] ? true : Unlisted<keyof NativeOptimizerHandle, (typeof NATIVE_OPTIMIZER_METHODS)[number]> = true;
void everyFunctionListed;
void everyClassListed;
void everyMethodListed;
