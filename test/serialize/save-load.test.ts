import assert from 'node:assert/strict';
import * as fs from 'fs';
// The module object itself (not the import-star copy, whose members are read-only getters) so a
// test can replace fs.writeSync the way lib/serialize sees it.
import nodeFs = require('fs');
import * as os from 'os';
import * as path from 'path';

import { load, save } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sg-save-'));

describe('sg.save / sg.load', () => {
  it('round-trips nested values: tensors of every dtype, numbers, strings, booleans, null, arrays, Maps', () => {
    const file = path.join(tmp(), 'v.pth');
    const value = {
      f32: sg.tensor([1.5, -2], { dtype: 'float32' }),
      f64: sg.tensor([[1, 2], [3, 4]], { dtype: 'float64' }),
      f16: sg.tensor([0.5], { dtype: 'float16' }),
      bf16: sg.tensor([2], { dtype: 'bfloat16' }),
      i64: sg.tensor(new BigInt64Array([2n ** 40n, -3n])),
      i32: sg.tensor(new Int32Array([7])),
      u8: sg.tensor(new Uint8Array([255])),
      b: sg.tensor([true, false]),
      n: 3,
      x: 0.25,
      s: 'text',
      yes: true,
      nothing: null,
      list: [1, 'a', [2, { deep: sg.ones([1]) }]],
      byIndex: new Map([[0, 'zero'], [7, 'seven']]),
    };
    save(value, file);
    const back = load(file) as Record<string, unknown>;
    for (const key of ['f32', 'f64', 'f16', 'bf16', 'i64', 'i32', 'u8', 'b']) {
      const a = (value as Record<string, unknown>)[key] as Tensor;
      const b = back[key] as Tensor;
      assert.equal(b.dtype, a.dtype, key);
      assert.deepEqual(b.shape, a.shape, key);
      assert.deepEqual(b.toArray(), a.toArray(), key);
    }
    assert.equal(back.n, 3);
    assert.equal(back.x, 0.25);
    assert.equal(back.s, 'text');
    assert.equal(back.yes, true);
    assert.equal(back.nothing, null);
    const list = back.list as unknown[];
    assert.equal(list[1], 'a');
    assert.deepEqual(((list[2] as unknown[])[1] as { deep: Tensor }).deep.toArray(), [1]);
    assert.deepEqual(back.byIndex, { 0: 'zero', 7: 'seven' });
  });

  const cases: Array<[string, (file: string) => void, RegExp]> = [
    ['a truncated file', (f) => fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100)), /is not a readable PyTorch checkpoint \(truncated or corrupted\?\)/],
    ['garbage bytes', (f) => fs.writeFileSync(f, Buffer.from('this is not a checkpoint')), /is not a readable PyTorch checkpoint/],
    [
      'flipped bytes in the middle',
      (f) => {
        const b = fs.readFileSync(f);
        for (let i = 40; i < 200; i++) b[i] ^= 0xff;
        fs.writeFileSync(f, b);
      },
      /is not a readable PyTorch checkpoint/,
    ],
    ['an empty file', (f) => fs.writeFileSync(f, Buffer.alloc(0)), /is not a readable PyTorch checkpoint/],
    ['a missing file', (f) => fs.rmSync(f), /could not read .*: ENOENT/],
  ];
  for (const [name, damage, message] of cases) {
    it(`BAD FILE: ${name} throws a clear error and leaves the file as it is`, () => {
      const file = path.join(tmp(), 'ckpt.pth');
      save({ net: { w: sg.randn([50, 50]) }, epoch: 3 }, file);
      damage(file);
      const before = fs.existsSync(file) ? fs.readFileSync(file) : null;
      assert.throws(() => load(file), message);
      assert.deepEqual(fs.existsSync(file) ? fs.readFileSync(file) : null, before);
    });
  }

  it('a missing folder, or a read-only one for non-root users, throws and keeps the previous file intact', () => {
    assert.throws(() => save({ a: 1 }, path.join(tmp(), 'no', 'such', 'dir', 'x.pth')), /could not write .*x\.pth: ENOENT.*the previous file \(if any\) is unchanged/);
    if (process.getuid && process.getuid() === 0) return; // root ignores folder permissions; the ENOSPC test below covers the overwrite.
    const dir = tmp();
    const file = path.join(dir, 'ckpt.pth');
    save({ epoch: 1 }, file);
    const before = fs.readFileSync(file);
    fs.chmodSync(dir, 0o500);
    try {
      assert.throws(() => save({ epoch: 2 }, file), /could not write .*ckpt\.pth: EACCES/);
    } finally {
      fs.chmodSync(dir, 0o700);
    }
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.pth'], 'no temporary file is left behind');
  });

  it('a disk that fills up while overwriting a checkpoint throws ENOSPC, keeps the old bytes and leaves no temporary file', () => {
    const dir = tmp();
    const file = path.join(dir, 'ckpt.pth');
    save({ net: { w: sg.randn([20, 20]) }, epoch: 1 }, file);
    const before = fs.readFileSync(file);
    const bigger = { net: { w: sg.randn([40, 40]) }, epoch: 2 };
    // writeFileAtomic writes the temporary file with fs.writeSync: let the first chunk land, then fail
    // as a full disk does, so a partial temporary file really exists when the error comes.
    const realWriteSync = nodeFs.writeSync;
    let writes = 0;
    nodeFs.writeSync = ((fd: number, data: Uint8Array, offset?: number, length?: number) => {
      writes += 1;
      if (writes === 1) return realWriteSync(fd, data, offset ?? 0, Math.min(length ?? data.length, 64));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }) as typeof nodeFs.writeSync;
    try {
      assert.throws(
        () => save(bigger, file),
        (err: Error) => {
          assert.equal(err.constructor, Error);
          assert.match(err.message, /^could not write .*ckpt\.pth: ENOSPC: no space left on device, write; the previous file \(if any\) is unchanged$/);
          return true;
        },
      );
    } finally {
      nodeFs.writeSync = realWriteSync;
    }
    assert.equal(writes, 2, 'the stub was reached: a first chunk was written, the second failed');
    assert.deepEqual(fs.readFileSync(file), before, 'the old checkpoint bytes are unchanged');
    assert.deepEqual(fs.readdirSync(dir), ['ckpt.pth'], 'no temporary file is left behind');
    assert.equal((load(file) as { epoch: number }).epoch, 1, 'the old checkpoint still loads');
    save(bigger, file); // with the stub gone, the same overwrite succeeds
    assert.equal((load(file) as { epoch: number }).epoch, 2);
  });

  it('values that cannot be saved are refused with the path named', () => {
    assert.throws(() => save({ a: { f: new Date() } }, path.join(tmp(), 'x.pth')), /cannot save value\.a\.f: only tensors, numbers, strings, booleans, null, arrays, Maps and plain objects/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => save(cyclic, path.join(tmp(), 'y.pth')), /nested deeper than 64 levels \(a cycle\?\)/);
  });
});
