/**
 * Tensors from checkpoints: storages are exactly numel × itemsize, every tensor is a view of its
 * storage whose elements all lie inside it (so tensors saved on one storage share memory, as in
 * PyTorch), and every dtype we save or Python writes comes back with its values.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { native } from '../../lib/native';
import { deserialize, load, save, serialize } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { archive, f32, P, pickle, tensorOps } from './craft';
import { CORPUS } from './fuzz/seeds';
import { refuses } from './refuses';

const PYTHON = '/usr/bin/python3';
const scripts = path.join(__dirname, '..', '..', '..', 'test', 'serialize', 'python');
const one = (o: Parameters<typeof tensorOps>[0], storage: Buffer) => archive(pickle(tensorOps(o)), { 0: storage });
const twelve = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

describe('sg.load: storages and tensor views', () => {
  it('a strided tensor is a view of its storage with the right values (not a dense copy)', () => {
    const t = deserialize(one({ numel: 12, offset: 1, size: [2, 2], stride: [4, 2] }, twelve)) as Tensor;
    assert.deepEqual(t.toArray(), [1, 3, 5, 7]);
    assert.equal(t.isContiguous(), false, 'the stride is kept, as torch.load keeps it');
  });

  it('two tensors on one storage share memory: writing one changes the other', () => {
    const pkl = pickle(P.mark, tensorOps({ numel: 12, size: [3, 4], stride: [4, 1] }), tensorOps({ numel: 12, size: [4, 3], stride: [1, 4] }), P.tuple);
    const [a, b] = deserialize(archive(pkl, { 0: twelve })) as Tensor[];
    assert.equal(native.dataPtr(a._h), native.dataPtr(b._h));
    a.fill_(7);
    assert.deepEqual(b.toArray(), new Array(12).fill(7));
  });

  it('our own save: a tensor and its transpose come back sharing memory; scalars, empty tensors, every dtype exact', () => {
    const base = sg.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const value = {
      base,
      t: base.t(),
      scalar: sg.tensor(2.5),
      empty: sg.zeros([0, 3]),
      i64: sg.tensor(new BigInt64Array([2n ** 62n, -1n])),
      f16: sg.tensor([65504, -0.5], { dtype: 'float16' }),
      bf16: sg.tensor([1, -2], { dtype: 'bfloat16' }),
      bool: sg.tensor([true, false, true]),
      u8: sg.tensor(new Uint8Array([0, 255])),
      i32: sg.tensor(new Int32Array([-(2 ** 31), 5])),
      grad: sg.ones([2], { requiresGrad: true }),
    };
    const back = deserialize(serialize(value)) as Record<string, Tensor>;
    for (const [k, t] of Object.entries(value)) {
      assert.equal(back[k].dtype, t.dtype, k);
      assert.deepEqual(back[k].shape, t.shape, k);
      assert.deepEqual(back[k].toArray(), t.toArray(), k);
    }
    assert.deepEqual(back.scalar.shape, []);
    assert.equal(back.grad.requiresGrad, true);
    assert.equal(back.base.requiresGrad, false);
    assert.equal(native.dataPtr(back.base._h), native.dataPtr(back.t._h));
    back.base.fill_(0);
    assert.deepEqual(back.t.toArray(), [0, 0, 0, 0, 0, 0]);
  });

  it('a zero-stride (expanded) view loads as PyTorch loads it, without materialising', () => {
    const t = deserialize(one({ numel: 1, size: [1000, 1000], stride: [0, 0] }, f32([4]))) as Tensor;
    assert.deepEqual(t.shape, [1000, 1000]);
    assert.equal(t.select(0, 999).select(0, 999).item(), 4);
  });

  const bad: Array<[string, Buffer, RegExp]> = [
    ['an offset that reaches past the storage', one({ numel: 12, offset: 1, size: [3, 4], stride: [4, 1] }, twelve), /size \[3,4\], stride \[4,1\], offset 1\) reaches element 12 of a storage of 12/],
    ['a stride that reaches past the storage', one({ numel: 12, size: [2], stride: [100] }, twelve), /reaches element 100 of a storage of 12/],
    ['a negative stride', one({ numel: 12, size: [2], stride: [-1] }, twelve), /tensor stride \[-1\] has a negative or non-integer entry/],
    ['a negative size', one({ numel: 12, size: [-2], stride: [1] }, twelve), /tensor size \[-2\] has a negative or non-integer entry/],
    ['a negative offset', one({ numel: 12, offset: -4, size: [2], stride: [1] }, twelve), /storage offset -4 is not a non-negative integer/],
    ['size and stride of different lengths', one({ numel: 12, size: [2, 2], stride: [1] }, twelve), /size has 2 dimensions, stride 1/],
    ['sizes whose product overflows int64', one({ numel: 1, size: [2 ** 31, 2 ** 31, 2 ** 31], stride: [0, 0, 0] }, f32([1])), /is more than int64 can index/],
    ['a storage record shorter than numel × itemsize', one({ numel: 13, size: [2], stride: [1] }, twelve), /storage 0 \(FloatStorage\) declares 13 elements = 52 bytes but its record holds 48/],
    ['a storage record longer than numel × itemsize', one({ numel: 2, size: [2], stride: [1] }, twelve), /declares 2 elements = 8 bytes but its record holds 48/],
    ['a negative storage size', one({ numel: -1, size: [0], stride: [1] }, twelve), /element count -1 is not a non-negative integer/],
    ['a missing storage record', archive(pickle(tensorOps({ key: '7', numel: 1, size: [], stride: [] })), { 0: f32([1]) }), /storage 7 is missing from the archive/],
    ['a storage key that is a path', archive(pickle(tensorOps({ key: '../0', numel: 1, size: [], stride: [] })), { 0: f32([1]) }), /storage key '\.\.\/0' is not a short name/],
    [
      'one storage declared with two types',
      archive(pickle(P.mark, tensorOps({ numel: 2, size: [2], stride: [1] }), tensorOps({ kind: 'IntStorage', numel: 2, size: [2], stride: [1] }), P.tuple), { 0: f32([1, 2]) }),
      /storage 0 is declared twice with different types or sizes/,
    ],
    ['a bool storage holding 2', one({ kind: 'BoolStorage', numel: 3, size: [3], stride: [1] }, Buffer.from([0, 1, 2])), /bool element 2 is 2, not 0 or 1/],
    ['an unknown storage type', one({ kind: 'ComplexDoubleStorage', numel: 1, size: [], stride: [] }, Buffer.alloc(16)), /refers to torch\.ComplexDoubleStorage, which sg\.load does not allow/],
  ];
  for (const [name, bytes, why] of bad) it(`BAD FILE: ${name}`, () => refuses(bytes, why));

  it('asStrided itself refuses a view outside its storage, whoever calls it', () => {
    const base = native.fromBytes(new Uint8Array(f32([1, 2, 3])), 'float32');
    assert.throws(() => native.asStrided(base, [2], [3], 0), /asStrided: view outside its storage/);
    assert.throws(() => native.asStrided(base, [1], [-1], 0), /asStrided: negative size or stride/);
    assert.throws(() => native.asStrided(base, [], [], 3), /asStrided: view outside its storage/);
    assert.throws(() => native.fromBytes(new Uint8Array(5), 'float32'), /5 bytes are not a whole number of 4-byte elements/);
    assert.deepEqual(new Tensor(native.asStrided(base, [2], [2], 0)).toArray(), [1, 3]);
  });

  it('Python: every storage type, views sharing a storage, a scalar, empty tensors, a Parameter', function () {
    if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) return this.skip();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-dtypes-')), 'dtypes.pth');
    const r = spawnSync(PYTHON, [path.join(scripts, 'dtypes.py'), file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    const got = (load(file) as { values: Record<string, Tensor> }).values;
    const widened: Record<string, string> = { 'torch.int16': 'int32', 'torch.int8': 'int32', 'torch.float32': 'float32', 'torch.float64': 'float64', 'torch.float16': 'float16', 'torch.bfloat16': 'bfloat16', 'torch.int64': 'int64', 'torch.int32': 'int32', 'torch.uint8': 'uint8', 'torch.bool': 'bool' };
    assert.deepEqual(Object.keys(got), Object.keys(expected));
    for (const [k, e] of Object.entries(expected)) {
      const t = got[k];
      assert.equal(t.dtype, widened[e.dtype], k);
      assert.deepEqual(t.shape, e.shape, k);
      const values = (t.dtype === 'int64' ? (t.toArray() as unknown as Array<number | bigint>).map(Number) : t.toArray().map(Number)) as number[];
      assert.deepEqual(values, e.values, k);
    }
    assert.equal(native.dataPtr(got.base._h), native.dataPtr(got.transposed._h), 'w and w.t() share one storage');
    got.base.fill_(-1);
    assert.deepEqual(got.strided.toArray(), [-1, -1, -1, -1], 'the slice is a view of the same storage');
  });

  it('PyTorch 1.13 and 2.15 training checkpoints (committed corpus seeds) load with their structure and values', () => {
    for (const f of ['python-trainer.pth', 'python-torch2-trainer.pth']) {
      const ckpt = load(path.join(CORPUS, f)) as {
        net: Record<string, Tensor>;
        optimizer_state_dict: { state: Record<string, { momentum_buffer: Tensor }>; param_groups: Array<{ lr: number; momentum: number; params: number[] }> };
        epoch: number;
        acc: number;
        metrics: Record<string, number>;
      };
      assert.deepEqual(Object.keys(ckpt.net), ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked'], f);
      assert.deepEqual(ckpt.net['0.weight'].shape, [2, 3], f);
      assert.equal(ckpt.net['1.num_batches_tracked'].dtype, 'int64', f);
      assert.deepEqual(ckpt.net['1.num_batches_tracked'].toArray().map(Number), [1], f);
      // BatchNorm's weight starts at 1 and its gradient under a sum loss is ~0: one step keeps it ~1.
      ckpt.net['1.weight'].toArray().forEach((w) => assert.ok(Math.abs(w - 1) < 1e-6, `${f}: ${w}`));
      assert.deepEqual([ckpt.epoch, ckpt.acc, ckpt.metrics], [1, 0.5, { Accuracy: 0.5 }], f);
      assert.deepEqual(Object.keys(ckpt.optimizer_state_dict.state), ['0', '1', '2', '3'], f);
      assert.deepEqual(ckpt.optimizer_state_dict.param_groups.map((g) => [g.lr, g.momentum, g.params]), [[0.1, 0.9, [0, 1, 2, 3]]], f);
      // SGD's first momentum buffer is the gradient itself; the BatchNorm bias gradient is 4 (4 samples, sum loss).
      assert.deepEqual(ckpt.optimizer_state_dict.state['3'].momentum_buffer.toArray(), [4, 4], f);
    }
  });

  it('a file written by save loads through load with the same values (end to end through a file)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-e2e-')), 'x.pth');
    save({ w: sg.tensor([[1, 2], [3, 4]]) }, file);
    assert.deepEqual((load(file) as { w: Tensor }).w.toArray(), [1, 2, 3, 4]);
  });
});
