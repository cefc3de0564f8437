/**
 * The pickle layer, with crafted data.pkl files of the kinds that crash or exhaust LibTorch 1.13's
 * own unpickler: opcodes against an empty stack, deep nesting, huge or negative lengths, globals
 * outside the allowlist (sparse tensors, code), cycles, and a memo that must not outlive a load.
 * Each is a clear Error naming the file, reached without allocating anything near the claims.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { native } from '../../lib/native';
import { deserialize, load, serialize } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { refuses } from './refuses';
import { archive, f32, P, pickle, tensorOps } from './craft';

const raw = (...bytes: Array<Buffer | number[]>) => archive(Buffer.concat(bytes.map((b) => Buffer.from(b))));

describe('sg.load: the pickle is read strictly by our own VM', () => {
  it("LibTorch's unpickler is not reachable from JavaScript at all", () => {
    assert.equal(Reflect.get(native, 'unpickle'), undefined);
    assert.equal(typeof native.pickle, 'function', 'saving still goes through LibTorch');
  });

  it('a crafted pickle of every supported value loads with the exact values (the builders are sound)', () => {
    const v = deserialize(archive(pickle(P.emptyDict, P.mark, P.str('a'), P.int(-7), P.str('b'), P.mark, P.none, P.newtrue, P.tuple, P.setitems))) as Record<string, unknown>;
    assert.deepEqual(v, { a: -7, b: [null, true] });
  });

  const cases: Array<[string, Buffer, RegExp]> = [
    ['REDUCE on an empty stack', raw([0x80, 0x02, 0x52, 0x2e]), /pickle: stack underflow \(opcode 0x52 at byte 2\)/],
    ['APPEND on an empty stack', raw([0x80, 0x02, 0x61, 0x2e]), /pickle: stack underflow \(opcode 0x61/],
    ['SETITEM on an empty stack', raw([0x80, 0x02, 0x73, 0x2e]), /pickle: stack underflow \(opcode 0x73/],
    ['TUPLE3 with one item', raw([0x80, 0x02, 0x4e, 0x87, 0x2e]), /pickle: stack underflow \(opcode 0x87/],
    ['BUILD on an empty stack', raw([0x80, 0x02, 0x62, 0x2e]), /pickle: stack underflow \(opcode 0x62/],
    ['BINPERSID on an empty stack', raw([0x80, 0x02, 0x51, 0x2e]), /pickle: stack underflow \(opcode 0x51/],
    ['STOP on an empty stack', raw([0x80, 0x02, 0x2e]), /0 values on the stack at STOP/],
    ['TUPLE without a MARK', raw([0x80, 0x02, 0x4e, 0x74, 0x2e]), /no MARK to pop to/],
    ['a pop below the open MARK', raw([0x80, 0x02, 0x4e, 0x28, 0x85, 0x2e]), /stack underflow \(opcode 0x85/],
    ['no STOP at all', raw([0x80, 0x02, 0x4e]), /runs past the end of the pickle/],
    ['bytes after STOP', raw([0x80, 0x02, 0x4e, 0x2e, 0x4e]), /1 bytes after STOP/],
    ['a string claiming 4 GB (12-byte file)', raw([0x80, 0x02, 0x58, 0xf0, 0xff, 0xff, 0xff, 0x61, 0x62, 0x63, 0x2e]), /length 4294967280 runs past the end of the pickle \(4 bytes left\)/],
    ['a BINUNICODE8 claiming 2^40 bytes', raw([0x80, 0x04, 0x8d, 0, 0, 0, 0, 0, 1, 0, 0, 0x2e]), /string length 1099511627776 larger than the data/],
    ['a negative BINSTRING length', raw([0x80, 0x02, 0x54, 0xff, 0xff, 0xff, 0xff, 0x2e]), /invalid length -1/],
    ['a LONG4 of 2^31 bytes', raw([0x80, 0x02, 0x8b, 0xff, 0xff, 0xff, 0x7f, 0x2e]), /integer of 2147483647 bytes/],
    ['an integer wider than int64', raw([0x80, 0x02, 0x8a, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x2e]), /integer of 9 bytes \(wider than int64\)/],
    ['a memo read before any write', raw([0x80, 0x02, 0x68, 0x05, 0x2e]), /memo 5 was never stored/],
    ['an unknown opcode', raw([0x80, 0x02, 0x49, 0x31, 0x0a, 0x2e]), /unsupported opcode \(opcode 0x49 at byte 2\)/],
    ['protocol 9', raw([0x80, 0x09, 0x4e, 0x2e]), /unsupported pickle protocol 9/],
    ['an APPEND to a tuple', raw([0x80, 0x02, 0x29, 0x4e, 0x61, 0x2e]), /APPEND to something that is not a list/],
    ['a SETITEM on a list', raw([0x80, 0x02, 0x5d, 0x4e, 0x4e, 0x73, 0x2e]), /SETITEM on something that is not a dict/],
    ['a list as a dict key', raw([0x80, 0x02, 0x7d, 0x5d, 0x4e, 0x73, 0x2e]), /dict key of type object/],
    ['a list that contains itself', raw([0x80, 0x02, 0x5d, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2e]), /a container that contains itself \(a cycle\)/],
    ['a REDUCE of a plain string', raw(P.proto, P.str('os.system'), P.emptyTuple, P.reduce, P.stop), /call of something that is not an allowed function \(string\)/],
    ['a REDUCE with a list (not a tuple) of arguments', raw(P.proto, P.global('collections', 'OrderedDict'), P.emptyList, P.reduce, P.stop), /arguments of collections\.OrderedDict are not a tuple/],
    ['BUILD on a plain dict', raw(P.proto, P.emptyDict, P.emptyDict, P.build, P.stop), /BUILD of an object that takes no state/],
    ['a bare storage class as the value', raw(P.proto, P.global('torch', 'FloatStorage'), P.stop), /holds a value that is not data \(torch\.FloatStorage\)/],
  ];
  for (const [name, bytes, why] of cases) it(`BAD FILE: ${name}`, () => refuses(bytes, why));

  it('BAD FILE: 100 000 nested MARKs, 5 000 nested tuples, 5 000 nested lists: refused without deep recursion', () => {
    refuses(raw([0x80, 0x02], Buffer.alloc(100000, 0x28), [0x2e]), /MARKs nested deeper than 512/);
    refuses(raw([0x80, 0x02, 0x4e], Buffer.alloc(5000, 0x85), [0x2e]), /values nested deeper than 100 levels/);
    // Lists nested through the memo: each new list gets the previous one appended (] h0 a q0).
    const lists = [0x80, 0x02, 0x28, 0x5d, 0x71, 0x00];
    for (let i = 0; i < 5000; i++) lists.push(0x5d, 0x68, 0x00, 0x61, 0x71, 0x00);
    refuses(raw(lists, [0x6c, 0x2e]), /values nested deeper than 100 levels/);
    // A legal depth loads: 90 nested tuples.
    assert.equal(JSON.stringify(deserialize(raw([0x80, 0x02, 0x4e], Buffer.alloc(90, 0x85), [0x2e]))), '['.repeat(90) + 'null' + ']'.repeat(90));
  });

  it('BAD FILE: 300 000 empty dicts cost more memory than the budget (32 bytes per pickle byte + 1 MiB): refused', () => {
    refuses(raw([0x80, 0x02, 0x28], Buffer.alloc(300000, 0x7d), [0x6c, 0x2e]), /would take more than \d+ bytes of memory/);
    // The same shape, smaller, loads: the refusal above is the budget, not the shape.
    assert.equal((deserialize(raw([0x80, 0x02, 0x28], Buffer.alloc(3000, 0x7d), [0x6c, 0x2e])) as unknown[]).length, 3000);
  });

  const forbidden: Array<[string, string]> = [
    ['torch._utils', '_rebuild_sparse_tensor'],
    ['torch._utils', '_rebuild_qtensor'],
    ['torch._utils', '_rebuild_sparse_csr_tensor'],
    ['torch._utils', '_rebuild_meta_tensor_no_storage'],
    ['torch', 'ComplexFloatStorage'],
    ['torch', 'QInt8Storage'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['builtins', 'getattr'],
    ['torch', 'load'],
  ];
  for (const [module, name] of forbidden) {
    it(`BAD FILE: the global ${module}.${name} is refused, naming it`, () => {
      refuses(raw(P.proto, P.global(module, name), P.emptyTuple, P.reduce, P.stop), new RegExp(`refers to ${module.replace(/\./g, '\\.')}\\.${name}, which sg\\.load does not allow`));
    });
  }

  it('BAD FILE: a sparse tensor built the way torch.save writes one is refused before any index is read', () => {
    const indices = tensorOps({ kind: 'LongStorage', key: '0', numel: 2, size: [1, 2], stride: [2, 1] });
    const values = tensorOps({ key: '1', numel: 2, size: [2], stride: [1] });
    const pkl = pickle(P.global('torch._utils', '_rebuild_sparse_tensor'), P.mark, P.global('torch', 'sparse_coo'), P.mark, indices, values, P.ints([4]), P.tuple, P.tuple, P.reduce);
    refuses(archive(pkl, { 0: Buffer.from(new BigInt64Array([1000000n, 3n]).buffer), 1: f32([1, 2]) }), /torch\._utils\._rebuild_sparse_tensor, which sg\.load does not allow/);
  });

  it('a key named __proto__ is an ordinary entry; Object.prototype is untouched', () => {
    const v = deserialize(archive(pickle(P.emptyDict, P.str('__proto__'), P.emptyDict, P.str('polluted'), P.newtrue, P.setitem, P.setitem))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(v, '__proto__')!.value, { polluted: true });
  });

  it('no state is shared between loads: a memo written by one file is unknown to the next', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-memo-'));
    const writer = path.join(dir, 'writer.pth');
    const reader = path.join(dir, 'reader.pth');
    fs.writeFileSync(writer, archive(pickle(P.str('secret'), P.put(0))));
    fs.writeFileSync(reader, archive(pickle(P.get(0))));
    assert.equal(load(writer), 'secret');
    assert.throws(() => load(reader), /reader\.pth is not a readable PyTorch checkpoint.*memo 0 was never stored/);
    assert.equal(load(writer), 'secret', 'and the first file still reads the same afterwards');
  });

  it('tuples and lists both come back as arrays, sizes as numbers, int64 beyond 2^53 as BigInt (exactly)', () => {
    const v = deserialize(archive(pickle(P.mark, P.int(1), P.emptyList, Buffer.from([0x8a, 8, 1, 0, 0, 0, 0, 0, 0, 0x10]), P.tuple))) as unknown[];
    assert.deepEqual(v, [1, [], (1n << 60n) + 1n]);
    const saved = deserialize(serialize({ big: 2n ** 60n + 1n, neg: -(2n ** 62n), small: 2 ** 53 - 1 })) as Record<string, unknown>;
    assert.deepEqual(saved, { big: 2n ** 60n + 1n, neg: -(2n ** 62n), small: 2 ** 53 - 1 });
  });

  it('sg tensors are what tensors load as (sanity for the builders)', () => {
    assert.ok(deserialize(archive(pickle(tensorOps({ numel: 1, size: [], stride: [] })), { 0: f32([3]) })) instanceof sg.Tensor);
  });
});
