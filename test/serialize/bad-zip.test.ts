/**
 * The zip layer refuses every structure torch.save does not write: each test builds the bad file
 * itself (from a real sg.save checkpoint or from scratch) and checks the error names the file and
 * the fault. A good file built the same way loads, so every builder is shown able to pass too.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deflateRawSync } from 'zlib';

import { load, save, serialize } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { f32, pickle, tensorOps, unzip, zip } from './craft';
import { refuses } from './refuses';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-badzip-'));

const goodPkl = pickle(tensorOps({ numel: 2, size: [2], stride: [1] }));
const goodEntries = (): Array<[string, Buffer]> => [['archive/data.pkl', goodPkl], ['archive/data/0', f32([1, 2])], ['archive/version', Buffer.from('3\n')]];

describe('sg.load: the zip container is checked strictly', () => {
  it('the crafted archive used below loads (so each refusal is caused by its one fault)', () => {
    const file = path.join(dir, 'good.pth');
    fs.writeFileSync(file, zip(goodEntries()));
    assert.deepEqual((load(file) as sg.Tensor).toArray(), [1, 2]);
  });

  it('BAD FILE: bytes before the first local header (a real checkpoint with a prefix)', () => {
    const real = serialize({ w: sg.ones([4]) });
    refuses(Buffer.concat([Buffer.from('junk'), real]), /does not start with a zip local header/);
    // Starting with a local header signature of its own, every offset consistent past the prefix.
    const prefix = Buffer.alloc(40);
    prefix.writeUInt32LE(0x04034b50, 0);
    refuses(zip(goodEntries(), { prefix }), /zip entry archive\/data\.pkl starts at byte 40, expected 0/);
  });

  it('BAD FILE: a legacy (pre-1.6, not zip) torch.save file: a bare pickle, refused before any opcode runs', () => {
    // The legacy format starts with a pickled magic number; LibTorch would unpickle it directly.
    refuses(Buffer.concat([Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]), goodPkl]), /not a zip-format PyTorch checkpoint \(the file does not start with a zip local header\)/);
  });

  it('BAD FILE: a deflated entry (method 8), even one that would inflate 1000×', () => {
    const big = Buffer.alloc(100000);
    const deflated = deflateRawSync(big);
    assert.ok(deflated.length * 100 < big.length, 'the entry really compresses');
    refuses(zip([['archive/data.pkl', goodPkl], ['archive/data/0', deflated]], { method: 8 }), /compressed \(method 8\); torch\.save writes stored entries only/);
  });

  it('BAD FILE: a declared size larger than the file', () => {
    const b = zip(goodEntries());
    const cd = b.readUInt32LE(b.length - 6);
    b.writeUInt32LE(0x7fffffff, cd + 20);
    b.writeUInt32LE(0x7fffffff, cd + 24);
    refuses(b, /declares 2147483647 bytes, more than the file's/);
  });

  it('BAD FILE: two entries with one name', () => {
    refuses(zip([...goodEntries(), ['archive/data/0', f32([3, 4])]]), /zip entry archive\/data\/0 appears twice/);
  });

  it('BAD FILE: a central directory that disagrees with the local header (name, size, CRC)', () => {
    const b = zip(goodEntries());
    const renamed = Buffer.from(b);
    renamed[30 + 'archive/'.length] = 'X'.charCodeAt(0); // local name archive/Xata.pkl
    refuses(renamed, /local header names another file/);
    const resized = Buffer.from(b);
    resized.writeUInt32LE(goodPkl.length + 1, 18);
    refuses(resized, /local header disagrees with the central directory \(CRC or size\)/);
  });

  it('BAD FILE: a corrupted entry (CRC-32 mismatch)', () => {
    const b = zip(goodEntries());
    b[30 + 'archive/data.pkl'.length + 3] ^= 0x01;
    refuses(b, /zip entry archive\/data\.pkl fails its CRC-32 check/);
  });

  it('BAD FILE: bytes hidden between entries, after the last entry, or after the end record', () => {
    const entries = goodEntries();
    const b = zip(entries);
    const cdOffset = b.readUInt32LE(b.length - 6);
    const withGap = Buffer.concat([b.subarray(0, cdOffset), Buffer.alloc(7), b.subarray(cdOffset)]);
    withGap.writeUInt32LE(cdOffset + 7, withGap.length - 6);
    refuses(withGap, /7 bytes between the last zip entry and the central directory/);
    refuses(Buffer.concat([b, Buffer.from('trailing')]), /no end-of-central-directory record at the end/);
  });

  it('BAD FILE: no data.pkl, two of them, or an entry outside the archive folder', () => {
    refuses(zip([['archive/data/0', f32([1])]]), /no data\.pkl in the archive/);
    refuses(zip([['a/data.pkl', goodPkl], ['b/data.pkl', goodPkl]]), /holds 2 data\.pkl files/);
    refuses(zip([...goodEntries(), ['other/x', Buffer.from('x')]]), /zip entry other\/x is outside the archive's folder archive\//);
  });

  it('BAD FILE: a checkpoint whose byteorder entry says big-endian (PyTorch ≥ 2.1 records it); little loads', () => {
    refuses(zip([...goodEntries(), ['archive/byteorder', Buffer.from('big')]]), /storages are stored 'big'-endian; only little-endian checkpoints are read/);
    const file = path.join(dir, 'little.pth');
    fs.writeFileSync(file, zip([...goodEntries(), ['archive/byteorder', Buffer.from('little')]]));
    assert.deepEqual((load(file) as sg.Tensor).toArray(), [1, 2]);
  });

  it('BAD FILE: an end record whose counts exceed its central directory', () => {
    const b = zip(goodEntries());
    b.writeUInt16LE(60000, b.length - 14);
    b.writeUInt16LE(60000, b.length - 12);
    refuses(b, /declares 60000 entries, more than its central directory can hold/);
  });

  it("our own save's layout (zip64 end record, data descriptors, alignment padding) passes the same checks", () => {
    const file = path.join(dir, 'ours.pth');
    save({ w: sg.tensor([1, 2, 3]) }, file);
    const names = unzip(fs.readFileSync(file)).map(([name]) => name);
    // LibTorch 1.13 writes these three; 2.x's writer adds the byteorder record and a serialization id.
    const extra = sg.torchVersion.startsWith('1.') ? [] : ['archive/byteorder', 'archive/.data/serialization_id'];
    assert.deepEqual(names, ['archive/data/0', 'archive/data.pkl', 'archive/version', ...extra]);
    assert.deepEqual(((load(file) as { w: sg.Tensor }).w).toArray(), [1, 2, 3]);
  });

  it('a strict reader of any archive: rebuilding a real checkpoint entry by entry loads the same value', () => {
    const rebuilt = zip(unzip(serialize({ a: sg.tensor([5, 6]), b: 'x' })));
    const file = path.join(dir, 'rebuilt.pth');
    fs.writeFileSync(file, rebuilt);
    const v = load(file) as { a: sg.Tensor; b: string };
    assert.deepEqual([v.a.toArray(), v.b], [[5, 6], 'x']);
  });
});
