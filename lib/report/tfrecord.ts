/**
 * TFRecord framing, as TensorFlow's record writer and TensorBoard's reader use it: each record is
 *
 * ```
 * uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
 * ```
 *
 * The CRC-32C (Castagnoli) comes from SheetJS's `crc-32` package (`crc-32/crc32c`): pure
 * JavaScript, no install script, no dependency, tested against the standard check values.
 */
import * as CRC32C from 'crc-32/crc32c';

/** CRC-32C of `data` as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array): number {
  return CRC32C.buf(data, 0) >>> 0;
}

/** TensorFlow's masked CRC-32C (`crc32c::Mask`): rotate right by 15 bits, add 0xa282ead8. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One record, framed. */
export function frameRecord(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}

/**
 * The records of a TFRecord file's bytes, checking both CRCs. A truncated last record (a writer
 * still appending) ends the list; a CRC mismatch is an error naming the record's offset.
 */
export function readRecords(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  let at = 0;
  while (at + 12 <= buf.length) {
    const lengthBytes = buf.subarray(at, at + 8);
    if (buf.readUInt32LE(at + 8) !== maskedCrc32c(lengthBytes)) throw new Error(`TFRecord: bad length CRC at byte ${at}`);
    const length = Number(buf.readBigUInt64LE(at));
    if (at + 12 + length + 4 > buf.length) break;
    const data = buf.subarray(at + 12, at + 12 + length);
    if (buf.readUInt32LE(at + 12 + length) !== maskedCrc32c(data)) throw new Error(`TFRecord: bad data CRC in the record at byte ${at}`);
    out.push(data);
    at += 12 + length + 4;
  }
  return out;
}
