/**
 * The zip container of torch.save (entries stored, not compressed): reads the central directory
 * and returns each entry's bytes without copying.
 */
import { crc32 } from 'zlib';

/** Checks every entry against its CRC-32 (catches corrupted files that would otherwise parse). */
export function verifyZip(data: Buffer): void {
  readZipEntries(data, true);
}

export function readZipEntries(data: Buffer, verify = false): Map<string, Buffer> {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  let count = data.readUInt16LE(eocd + 10);
  let cdOffset = data.readUInt32LE(eocd + 16);
  // zip64: the real values live in the zip64 end-of-central-directory record.
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || data.readUInt32LE(locator) !== 0x07064b50) throw new Error('truncated zip64 archive');
    const z64 = Number(data.readBigUInt64LE(locator + 8));
    count = Number(data.readBigUInt64LE(z64 + 32));
    cdOffset = Number(data.readBigUInt64LE(z64 + 48));
  }
  const entries = new Map<string, Buffer>();
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupted zip central directory');
    const method = data.readUInt16LE(p + 10);
    const crc = data.readUInt32LE(p + 16);
    let compressed = data.readUInt32LE(p + 20);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    let local = data.readUInt32LE(p + 42);
    const name = data.toString('utf8', p + 46, p + 46 + nameLen);
    // zip64 extra field (id 1): sizes and offset that did not fit in 32 bits.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = data.readUInt16LE(e);
      const size = data.readUInt16LE(e + 2);
      if (id === 1) {
        let q = e + 4;
        if (data.readUInt32LE(p + 24) === 0xffffffff) q += 8;
        if (compressed === 0xffffffff) {
          compressed = Number(data.readBigUInt64LE(q));
          q += 8;
        }
        if (local === 0xffffffff) local = Number(data.readBigUInt64LE(q));
      }
      e += 4 + size;
    }
    if (method !== 0) throw new Error(`zip entry ${name} is compressed (method ${method}); torch.save writes stored entries`);
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) throw new Error(`corrupted zip entry ${name}`);
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    if (start + compressed > data.length) throw new Error(`truncated zip entry ${name}`);
    const bytes = data.subarray(start, start + compressed);
    if (verify && crc32(bytes) >>> 0 !== crc) throw new Error(`zip entry ${name} fails its CRC-32 check (corrupted file)`);
    entries.set(name, bytes);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
