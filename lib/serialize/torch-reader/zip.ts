/**
 * The zip container of torch.save, read strictly. PyTorch's writer (Python and LibTorch alike)
 * emits one layout only: stored (uncompressed) entries, back to back from byte 0, each with an
 * optional data descriptor, then the central directory, then the end record. Anything else is
 * refused, so no declared size or offset is trusted before it is checked against the file, no
 * entry is ever inflated, and no bytes hide before, between or after the entries.
 */
import { crc32 } from 'zlib';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const DESCRIPTOR = 0x08074b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
// Bits we accept: bit 3 (data descriptor) and bit 11 (UTF-8 names), which PyTorch's writer sets.
const FLAGS_KNOWN = FLAG_DESCRIPTOR | 0x0800;

/** Whether `data` starts with a zip local header, as every torch.save file since PyTorch 1.6 does. */
function isTorchZip(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === LOCAL;
}

interface CentralEntry {
  name: string;
  flags: number;
  crc: number;
  size: number;
  local: number;
}

/** Reads an unsigned 64-bit field, refusing values past the file (no sizes beyond what exists). */
function u64(data: Buffer, at: number, what: string): number {
  const v = data.readBigUInt64LE(at);
  if (v > BigInt(data.length)) throw new Error(`${what} (${v}) is larger than the file (${data.length} bytes)`);
  return Number(v);
}

function need(data: Buffer, from: number, n: number, what: string): void {
  if (from < 0 || n < 0 || from + n > data.length) throw new Error(`${what} runs past the end of the file`);
}

/** The end-of-central-directory record: it must end the file exactly (its comment included). */
function findEnd(data: Buffer): { count: number; cdOffset: number; cdEnd: number } {
  const last = data.length - 22;
  if (last < 0) throw new Error(`not a zip archive (${data.length} bytes, too short for an end record)`);
  let eocd = -1;
  for (let i = last; i >= Math.max(0, last - 0xffff); i--) {
    if (data.readUInt32LE(i) === EOCD && i + 22 + data.readUInt16LE(i + 20) === data.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record at the end of the file)');
  if (data.readUInt16LE(eocd + 4) !== 0 || data.readUInt16LE(eocd + 6) !== 0) throw new Error('multi-disk zip archives are not checkpoints');
  let count = data.readUInt16LE(eocd + 10);
  if (data.readUInt16LE(eocd + 8) !== count) throw new Error('zip end record: entry counts disagree');
  let cdSize = data.readUInt32LE(eocd + 12);
  let cdOffset = data.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  // zip64 (PyTorch's writer always adds it): the real values live in the zip64 end record, found
  // through the locator just before the classic one; the classic fields must agree or be maxed.
  const locator = eocd - 20;
  if (locator >= 0 && data.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const z64 = u64(data, locator + 8, 'zip64 end record offset');
    need(data, z64, 56, 'zip64 end record');
    if (data.readUInt32LE(z64) !== ZIP64_EOCD) throw new Error('zip64 end record has a wrong signature');
    if (z64 + 56 !== locator) throw new Error('bytes between the zip64 end record and its locator');
    const count64 = u64(data, z64 + 32, 'zip64 entry count');
    if (u64(data, z64 + 24, 'zip64 entry count') !== count64) throw new Error('zip64 end record: entry counts disagree');
    const size64 = u64(data, z64 + 40, 'zip64 central directory size');
    const offset64 = u64(data, z64 + 48, 'zip64 central directory offset');
    const agrees = (classic: number, real: number, max: number) => classic === real || classic === max;
    if (!agrees(count, count64, 0xffff) || !agrees(cdSize, size64, 0xffffffff) || !agrees(cdOffset, offset64, 0xffffffff)) {
      throw new Error('zip end record and zip64 end record disagree');
    }
    [count, cdSize, cdOffset, cdEnd] = [count64, size64, offset64, z64];
  } else if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new Error('zip64 archive without its end-record locator');
  }
  if (cdOffset + cdSize !== cdEnd) throw new Error(`zip central directory (offset ${cdOffset}, ${cdSize} bytes) does not end where the end record starts (${cdEnd})`);
  if (count * 46 > cdSize) throw new Error(`zip end record declares ${count} entries, more than its central directory can hold`);
  return { count, cdOffset, cdEnd };
}

/** One central directory record at `p`; returns it and where the next one starts. */
function readCentral(data: Buffer, p: number, cdEnd: number): [CentralEntry, number] {
  if (p + 46 > cdEnd || data.readUInt32LE(p) !== CENTRAL) throw new Error(`corrupted zip central directory at byte ${p}`);
  const flags = data.readUInt16LE(p + 8);
  const method = data.readUInt16LE(p + 10);
  const crc = data.readUInt32LE(p + 16);
  let compressed = data.readUInt32LE(p + 20);
  let size = data.readUInt32LE(p + 24);
  const nameLen = data.readUInt16LE(p + 28);
  const extraLen = data.readUInt16LE(p + 30);
  const commentLen = data.readUInt16LE(p + 32);
  let local = data.readUInt32LE(p + 42);
  const next = p + 46 + nameLen + extraLen + commentLen;
  if (next > cdEnd) throw new Error(`zip central directory record at byte ${p} runs past the directory`);
  if (data.readUInt16LE(p + 34) !== 0) throw new Error(`zip central directory record at byte ${p} names another disk`);
  const name = data.toString('utf8', p + 46, p + 46 + nameLen);
  if (nameLen === 0 || name.includes('\0') || name.includes('\uFFFD')) throw new Error(`zip entry at byte ${p} has an empty or invalid name`);
  if (flags & FLAG_ENCRYPTED) throw new Error(`zip entry ${name} is encrypted`);
  if (flags & ~FLAGS_KNOWN) throw new Error(`zip entry ${name} has unsupported flags 0x${flags.toString(16)}`);
  if (method !== 0) throw new Error(`zip entry ${name} is compressed (method ${method}); torch.save writes stored entries only`);
  // zip64 extra field (id 1): the sizes and offset that did not fit in 32 bits, in this order.
  for (let e = p + 46 + nameLen, end = e + extraLen; e < end; ) {
    if (e + 4 > end) throw new Error(`zip entry ${name}: truncated extra field`);
    const id = data.readUInt16LE(e);
    const len = data.readUInt16LE(e + 2);
    if (e + 4 + len > end) throw new Error(`zip entry ${name}: extra field runs past its record`);
    if (id === 1) {
      let q = e + 4;
      const take = (what: string): number => {
        if (q + 8 > e + 4 + len) throw new Error(`zip entry ${name}: zip64 field too short for its ${what}`);
        const v = u64(data, q, `zip entry ${name}: ${what}`);
        q += 8;
        return v;
      };
      if (size === 0xffffffff) size = take('size');
      if (compressed === 0xffffffff) compressed = take('stored size');
      if (local === 0xffffffff) local = take('offset');
    }
    e += 4 + len;
  }
  if (compressed !== size) throw new Error(`zip entry ${name}: stored size ${compressed} differs from its size ${size}`);
  if (size > data.length) throw new Error(`zip entry ${name} declares ${size} bytes, more than the file's ${data.length}`);
  return [{ name, flags, crc, size, local }, next];
}

/**
 * The entry's local header must repeat the central record (name, method, flags, and the CRC and
 * sizes unless a data descriptor carries them); returns where the entry's bytes start and where
 * the entry (descriptor included) ends.
 */
function checkLocal(data: Buffer, c: CentralEntry, limit: number): { start: number; end: number } {
  const at = c.local;
  need(data, at, 30, `zip entry ${c.name}: local header`);
  if (data.readUInt32LE(at) !== LOCAL) throw new Error(`zip entry ${c.name}: no local header at byte ${at}`);
  const flags = data.readUInt16LE(at + 6);
  const nameLen = data.readUInt16LE(at + 26);
  const extraLen = data.readUInt16LE(at + 28);
  need(data, at + 30, nameLen + extraLen, `zip entry ${c.name}: local header`);
  if (data.toString('utf8', at + 30, at + 30 + nameLen) !== c.name) throw new Error(`zip entry ${c.name}: local header names another file`);
  if (flags !== c.flags || data.readUInt16LE(at + 8) !== 0) throw new Error(`zip entry ${c.name}: local header disagrees with the central directory (flags or method)`);
  const start = at + 30 + nameLen + extraLen;
  let end = start + c.size;
  if (end > limit) throw new Error(`zip entry ${c.name}: its ${c.size} bytes run past the entries' area`);
  const localCrc = data.readUInt32LE(at + 14);
  const localStored = data.readUInt32LE(at + 18);
  const localSize = data.readUInt32LE(at + 22);
  if (flags & FLAG_DESCRIPTOR) {
    if (localCrc !== 0 && localCrc !== c.crc) throw new Error(`zip entry ${c.name}: local CRC disagrees with the central directory`);
    end += descriptorLength(data, end, c, limit);
  } else {
    const sizesMatch = (localStored === c.size && localSize === c.size) || (localStored === 0xffffffff && localSize === 0xffffffff);
    if (localCrc !== c.crc || !sizesMatch) throw new Error(`zip entry ${c.name}: local header disagrees with the central directory (CRC or size)`);
  }
  return { start, end };
}

/** The data descriptor after an entry: signature optional, sizes 32- or 64-bit; all must match. */
function descriptorLength(data: Buffer, at: number, c: CentralEntry, limit: number): number {
  const forms: Array<[boolean, 4 | 8]> = [[true, 8], [true, 4], [false, 8], [false, 4]];
  for (const [signed, width] of forms) {
    const len = (signed ? 4 : 0) + 4 + 2 * width;
    if (at + len > limit) continue;
    let q = at;
    if (signed) {
      if (data.readUInt32LE(q) !== DESCRIPTOR) continue;
      q += 4;
    }
    if (data.readUInt32LE(q) !== c.crc) continue;
    const read = (o: number) => (width === 8 ? data.readBigUInt64LE(o) : BigInt(data.readUInt32LE(o)));
    if (read(q + 4) === BigInt(c.size) && read(q + 4 + width) === BigInt(c.size)) return len;
  }
  throw new Error(`zip entry ${c.name}: missing or wrong data descriptor after its bytes`);
}

/**
 * Every entry of a torch.save archive, by name, as views of `data` (no copies). Checks the whole
 * structure and every entry's CRC-32 before returning anything.
 */
export function readZipEntries(data: Buffer): Map<string, Buffer> {
  if (!isTorchZip(data)) throw new Error('not a zip-format PyTorch checkpoint (the file does not start with a zip local header)');
  const { count, cdOffset, cdEnd } = findEnd(data);
  const central: CentralEntry[] = [];
  const names = new Set<string>();
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    const [entry, next] = readCentral(data, p, cdEnd);
    if (names.has(entry.name)) throw new Error(`zip entry ${entry.name} appears twice`);
    names.add(entry.name);
    central.push(entry);
    p = next;
  }
  if (p !== cdEnd) throw new Error(`zip central directory has ${cdEnd - p} bytes after its ${count} records`);
  // In file order the entries must tile bytes 0..cdOffset exactly: nothing before, between or after.
  const entries = new Map<string, Buffer>();
  let expected = 0;
  for (const c of [...central].sort((a, b) => a.local - b.local)) {
    if (c.local !== expected) throw new Error(`zip entry ${c.name} starts at byte ${c.local}, expected ${expected} (bytes outside any entry, or overlapping entries)`);
    const { start, end } = checkLocal(data, c, cdOffset);
    const bytes = data.subarray(start, start + c.size);
    if (crc32(bytes) >>> 0 !== c.crc) throw new Error(`zip entry ${c.name} fails its CRC-32 check (corrupted file)`);
    entries.set(c.name, bytes);
    expected = end;
  }
  if (expected !== cdOffset) throw new Error(`${cdOffset - expected} bytes between the last zip entry and the central directory`);
  // Central directory order (the writer's order) for callers that list entries.
  return new Map(central.map((c) => [c.name, entries.get(c.name)!]));
}
