/**
 * Builders for crafted checkpoints: a stored-entry zip writer laid out as torch.save lays it out,
 * and pickle opcodes by name, so each test spells out the exact bytes it feeds sg.load.
 */
import { crc32 } from 'zlib';

/** A zip of stored entries, local headers back to back from byte 0, then the central directory. */
export function zip(entries: Array<[string, Buffer]>, opts: { method?: number; prefix?: Buffer } = {}): Buffer {
  // `prefix`: bytes before the first entry, with every offset shifted past them (a consistent zip otherwise).
  const locals: Buffer[] = opts.prefix ? [opts.prefix] : [];
  const centrals: Buffer[] = [];
  let offset = opts.prefix?.length ?? 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(opts.method ?? 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(opts.method ?? 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The entries of a zip written by zip() or by torch.save, in order (for rebuilding mutants). */
export function unzip(data: Buffer): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  const eocd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = data.readUInt32LE(eocd + 16);
  for (let k = 0; k < data.readUInt16LE(eocd + 10); k++) {
    const size = data.readUInt32LE(p + 20);
    const nameLen = data.readUInt16LE(p + 28);
    const name = data.toString('utf8', p + 46, p + 46 + nameLen);
    const local = data.readUInt32LE(p + 42);
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    out.push([name, Buffer.from(data.subarray(start, start + size))]);
    p += 46 + nameLen + data.readUInt16LE(p + 30) + data.readUInt16LE(p + 32);
  }
  return out;
}

/** Pickle opcodes (protocol 2) as bytes; `P.str('a')` etc. build the ones with arguments. */
export const P = {
  proto: Buffer.from([0x80, 0x02]),
  stop: Buffer.from('.'),
  mark: Buffer.from('('),
  emptyDict: Buffer.from('}'),
  emptyList: Buffer.from(']'),
  emptyTuple: Buffer.from(')'),
  tuple: Buffer.from('t'),
  tuple1: Buffer.from([0x85]),
  tuple2: Buffer.from([0x86]),
  tuple3: Buffer.from([0x87]),
  list: Buffer.from('l'),
  dict: Buffer.from('d'),
  append: Buffer.from('a'),
  appends: Buffer.from('e'),
  setitem: Buffer.from('s'),
  setitems: Buffer.from('u'),
  reduce: Buffer.from('R'),
  build: Buffer.from('b'),
  binpersid: Buffer.from('Q'),
  none: Buffer.from('N'),
  newfalse: Buffer.from([0x89]),
  newtrue: Buffer.from([0x88]),
  str(s: string): Buffer {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(5);
    n[0] = 0x58;
    n.writeUInt32LE(b.length, 1);
    return Buffer.concat([n, b]);
  },
  int(v: number): Buffer {
    if (v !== (v | 0)) {
      const long = Buffer.from([0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0]); // LONG1, 8 bytes
      long.writeBigInt64LE(BigInt(v), 2);
      return long;
    }
    const b = Buffer.alloc(5);
    b[0] = 0x4a;
    b.writeInt32LE(v, 1);
    return b;
  },
  global(module: string, name: string): Buffer {
    return Buffer.from(`c${module}\n${name}\n`, 'latin1');
  },
  put(i: number): Buffer {
    return Buffer.from([0x71, i]);
  },
  get(i: number): Buffer {
    return Buffer.from([0x68, i]);
  },
  ints(values: number[]): Buffer {
    return Buffer.concat([P.mark, ...values.map(P.int), P.tuple]);
  },
};

export const pickle = (...parts: Buffer[]): Buffer => Buffer.concat([P.proto, ...parts, P.stop]);

/** torch.save's tensor: _rebuild_tensor_v2(('storage', torch.<kind>, key, 'cpu', numel), offset, size, stride, False, OrderedDict()). */
export function tensorOps(o: { kind?: string; key?: string; numel: number; offset?: number; size: number[]; stride: number[]; rebuild?: [string, string] }): Buffer {
  const [module, name] = o.rebuild ?? ['torch._utils', '_rebuild_tensor_v2'];
  return Buffer.concat([
    P.global(module, name),
    P.mark,
    P.mark, P.str('storage'), P.global('torch', o.kind ?? 'FloatStorage'), P.str(o.key ?? '0'), P.str('cpu'), P.int(o.numel), P.tuple,
    P.binpersid,
    P.int(o.offset ?? 0),
    P.ints(o.size),
    P.ints(o.stride),
    P.newfalse,
    P.global('collections', 'OrderedDict'), P.emptyTuple, P.reduce,
    P.tuple,
    P.reduce,
  ]);
}

/** A one-entry-per-storage archive 'archive/' with `pkl` as its data.pkl. */
export function archive(pkl: Buffer, storages: Record<string, Buffer> = {}): Buffer {
  return zip([['archive/data.pkl', pkl], ...Object.entries(storages).map(([k, v]): [string, Buffer] => [`archive/data/${k}`, v]), ['archive/version', Buffer.from('3\n')]]);
}

/** float32 values as little-endian bytes. */
export function f32(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}
