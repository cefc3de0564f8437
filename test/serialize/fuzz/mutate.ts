/**
 * Deterministic mutations of real checkpoints for fuzzing sg.load. A mutant is a pure function of
 * (seed file, iteration), so any failure is replayed from its number alone. Three layers: raw
 * bytes of the file (the zip parser sees them), the data.pkl re-zipped with valid CRCs (so the
 * pickle VM sees deep mutations rather than CRC failures), and storage records and entries.
 */
import { mulberry32 } from '../../../lib/data/random';
import { unzip, zip } from '../craft';

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x28, 0x2e, 0x52, 0x85, 0x5d, 0x7d, 0x68, 0x71, 0x58];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 64, 4096];
// Opcodes and fragments a pickle mutant may splice in (MARK, STOP, REDUCE, BUILD, APPEND, memo ops, a global...).
const FRAGMENTS = ['(', '.', 'R', 'b', 'a', 'e', 's', 'u', 't', 'l', 'd', 'Q', ')', ']', '}', '\x85', '\x86', '\x87', 'h\x00', 'q\x00', 'N', '\x88', 'ctorch\nFloatStorage\n', 'ccollections\nOrderedDict\n', 'J\xff\xff\xff\xff', 'K\x00', '\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f'].map((s) => Buffer.from(s, 'latin1'));

type Pick = <T>(xs: readonly T[]) => T;

/** One random edit of `b` (returns a new buffer). */
function mutateBytes(b: Buffer, r: () => number, pick: Pick): Buffer {
  if (b.length === 0) return Buffer.from(pick(FRAGMENTS));
  const at = Math.floor(r() * b.length);
  const out = Buffer.from(b);
  switch (Math.floor(r() * 8)) {
    case 0: out[at] ^= 1 << Math.floor(r() * 8); return out;
    case 1: out[at] = pick(INTERESTING_8); return out;
    case 2: if (at + 4 <= out.length) out.writeUInt32LE(pick(INTERESTING_32), at); return out;
    case 3: if (at + 2 <= out.length) out.writeUInt16LE(pick(INTERESTING_32) & 0xffff, at); return out;
    case 4: return out.subarray(0, at);
    case 5: return Buffer.concat([out.subarray(0, at), pick(FRAGMENTS), out.subarray(at)]);
    case 6: return Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + Math.floor(r() * 16)))]);
    default: {
      const len = 1 + Math.floor(r() * 32);
      return Buffer.concat([out.subarray(0, at), out.subarray(at, at + len), out.subarray(at)]);
    }
  }
}

/** The mutant number `iteration` of `seed` (a torch.save zip archive). */
export function mutant(seed: Buffer, iteration: number): Buffer {
  const r = mulberry32(iteration * 2654435761 + seed.length);
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)];
  const edits = 1 + Math.floor(r() * 3);
  const layer = Math.floor(r() * 4);
  if (layer === 0) {
    let b = seed;
    for (let i = 0; i < edits; i++) b = mutateBytes(b, r, pick);
    return b;
  }
  const entries = unzip(seed);
  const pkl = entries.findIndex(([name]) => name.endsWith('/data.pkl'));
  if (layer === 1 || layer === 2) {
    // The pickle (twice as likely: it is the largest attack surface), re-zipped with fresh CRCs.
    let b = entries[pkl][1];
    for (let i = 0; i < edits; i++) b = mutateBytes(b, r, pick);
    entries[pkl] = [entries[pkl][0], b];
    return zip(entries);
  }
  // Entries: resize a storage record, drop or duplicate an entry, or rename one.
  const k = Math.floor(r() * entries.length);
  switch (Math.floor(r() * 4)) {
    case 0: entries[k] = [entries[k][0], mutateBytes(entries[k][1], r, pick)]; break;
    case 1: entries.splice(k, 1); break;
    case 2: entries.push(entries[k]); break;
    default: entries[k] = [entries[k][0].replace(/\/data\//, '/data/x').replace(/\d$/, '9'), entries[k][1]];
  }
  return zip(entries);
}
