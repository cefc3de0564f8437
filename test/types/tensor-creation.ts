/**
 * Compile-only: tensor factories, dtypes and devices, grad mode and the process-wide settings
 * (sg.tensor, sg.zeros ..., sg.Dtype, sg.Device, sg.noGrad, sg.manualSeed, ...).
 */
import * as sg from '../../lib';
import { assertType, Equal, expectType } from './helpers';

export function creation(): void {
  // sg.tensor from nested arrays, numbers, booleans and typed arrays.
  const opts: sg.TensorDataOptions = { dtype: 'float64', device: 'cpu', requiresGrad: true, shape: [2, 2] };
  const base: sg.TensorOptions = { dtype: 'int64', device: 'cuda:0', requiresGrad: false };
  const nested: sg.NestedArray = [[1, 2], [3, 4]];
  const data: sg.TensorData[] = [nested, 3, true, [true, false], new Float32Array(4), new Float64Array(4), new Int32Array(4), new BigInt64Array(4), new Uint8Array(4)];
  expectType<sg.Tensor>(sg.tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true }));
  expectType<sg.Tensor>(sg.tensor(new Float64Array(6), { shape: [2, 3] }));
  expectType<sg.Tensor>(sg.tensor(data[0], opts));
  assertType<Equal<ReturnType<typeof sg.tensor>, sg.Tensor>>();

  // Shape factories take a shape array or a single size, and TensorOptions.
  for (const make of [sg.zeros, sg.ones, sg.empty, sg.rand, sg.randn]) {
    expectType<sg.Tensor>(make([2, 3]));
    expectType<sg.Tensor>(make(4, base));
  }
  expectType<sg.Tensor>(sg.full([2, 2], 7));
  expectType<sg.Tensor>(sg.full(3, true, { dtype: 'bool' }));
  expectType<sg.Tensor>(sg.randint(0, 10, [5]));
  expectType<sg.Tensor>(sg.randint(0, 10, 5, { dtype: 'int32' }));
  expectType<sg.Tensor>(sg.arange(5));
  expectType<sg.Tensor>(sg.arange(1, 4));
  expectType<sg.Tensor>(sg.arange(0, 1, 0.25));
  expectType<sg.Tensor>(sg.arange(0, 1, 0.25, { dtype: 'float64' }));
  expectType<sg.Tensor>(sg.arange(5, { dtype: 'float32' }));
  expectType<sg.Tensor>(sg.eye(3));
  expectType<sg.Tensor>(sg.eye(3, 4));
  expectType<sg.Tensor>(sg.eye(3, { dtype: 'float64' }));
  expectType<sg.Tensor>(sg.linspace(0, 1, 5, { requiresGrad: true }));
  const x = sg.zeros([2, 3]);
  expectType<sg.Tensor>(sg.zerosLike(x));
  expectType<sg.Tensor>(sg.onesLike(x));
  expectType<sg.Tensor>(sg.fullLike(x, 0.5));
  expectType<sg.Tensor>(sg.randnLike(x));

  // Negative: a string where a shape goes, unknown dtypes/devices, unknown or mistyped options.
  // @ts-expect-error a shape is a number or number[]
  sg.zeros('x');
  // @ts-expect-error a shape of strings
  sg.ones(['2', '3']);
  // @ts-expect-error no such dtype
  sg.tensor([1], { dtype: 'float33' });
  // @ts-expect-error no such device
  sg.tensor([1], { device: 'gpu' });
  // @ts-expect-error TensorOptions is closed: requires_grad is spelt requiresGrad
  sg.zeros([1], { requires_grad: true });
  // @ts-expect-error requiresGrad is a boolean
  sg.randn([1], { requiresGrad: 'yes' });
  // @ts-expect-error shape belongs to sg.tensor's options only
  sg.zeros([1], { shape: [2] });
  // @ts-expect-error tensor data is numbers, booleans or typed arrays, not strings
  sg.tensor(['1', '2']);
  // @ts-expect-error zerosLike takes a Tensor, not a shape
  sg.zerosLike([2, 3]);
  // @ts-expect-error full's value is a number or boolean
  sg.full([2], '1');
  // @ts-expect-error closed interface: an unknown key in a typed options object
  const bad: sg.TensorOptions = { dtype: 'float32', pinMemory: true };
  void [opts, bad];
}

export function dtypesAndDevices(): void {
  const dtypes: sg.Dtype[] = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8', 'bool'];
  const devices: sg.Device[] = ['cpu', 'cuda', 'cuda:0', 'cuda:1'];
  expectType<readonly sg.Dtype[]>(sg.DTYPES);
  expectType<sg.Dtype>(sg.checkDtype('options.dtype', 'float32' as unknown));
  expectType<sg.Device>(sg.parseDevice('options.device', 'cuda:0' as unknown));
  expectType<sg.Device>(sg.checkDevice('options.device', 'cpu' as unknown));
  expectType<void>(sg.checkDeviceAvailable('cuda'));
  expectType<boolean>(sg.isFloatingDtype('bfloat16'));
  expectType<sg.Tensor>(sg.expectTensor('input', sg.zeros([1]) as unknown));
  const u: unknown = sg.zeros([1]);
  if (sg.isTensor(u)) expectType<number[]>(u.shape);
  // @ts-expect-error not a dtype
  const d: sg.Dtype = 'float';
  // @ts-expect-error 'cuda:N' takes a number
  const dev: sg.Device = 'cuda:x';
  // @ts-expect-error not a device
  sg.checkDeviceAvailable('tpu');
  // @ts-expect-error DTYPES is read-only
  sg.DTYPES.push('float32');
  void [dtypes, devices, d, dev];
}

export function gradModeAndSettings(): void {
  const w = sg.randn([3], { requiresGrad: true });
  // noGrad/enableGrad return what the function returns.
  assertType<Equal<ReturnType<typeof sg.noGrad<number>>, number>>();
  const n: number = sg.noGrad(() => 1);
  const t: sg.Tensor = sg.noGrad(() => w.sub_(w.grad!.mul(0.1)));
  const e: string = sg.enableGrad(() => 'inner');
  expectType<boolean>(sg.isGradEnabled());
  expectType<void>(sg.manualSeed(0));
  expectType<boolean>(sg.cudaAvailable());
  expectType<string>(sg.torchVersion);
  expectType<number>(sg.getNumThreads());
  expectType<void>(sg.setNumThreads(2));
  // @ts-expect-error noGrad keeps the return type
  const s: string = sg.noGrad(() => 1);
  // @ts-expect-error noGrad takes a function
  sg.noGrad(w);
  // @ts-expect-error the seed is a number
  sg.manualSeed('0');
  // @ts-expect-error torchVersion is a constant
  sg.torchVersion = '2.0';
  void [n, t, e, s];
}
