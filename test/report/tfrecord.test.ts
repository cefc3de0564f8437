import assert from 'node:assert/strict';

import { crc32c, frameRecord, maskedCrc32c, readRecords } from '../../lib/report/tfrecord';

const unmask = (masked: number) => {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
};

describe('report: TFRecord framing', () => {
  it('CRC-32C matches the standard check values (RFC 3720 B.4, the "123456789" check)', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
  });

  it("masks as TensorFlow's crc32c::Mask (rotate right 15, add 0xa282ead8)", () => {
    assert.equal(maskedCrc32c(Buffer.alloc(0)), 0xa282ead8, 'CRC of nothing is 0');
    const crc = crc32c(Buffer.from('123456789'));
    const masked = maskedCrc32c(Buffer.from('123456789'));
    assert.equal(masked, (((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8) >>> 0);
    assert.notEqual(masked, crc);
    assert.equal(unmask(masked), crc);
  });

  it('frames a record as length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = Buffer.from('hello, tensorboard');
    const rec = frameRecord(data);
    assert.equal(rec.length, 8 + 4 + data.length + 4);
    assert.equal(Number(rec.readBigUInt64LE(0)), data.length);
    assert.equal(rec.readUInt32LE(8), maskedCrc32c(rec.subarray(0, 8)));
    assert.deepEqual(rec.subarray(12, 12 + data.length), data);
    assert.equal(rec.readUInt32LE(12 + data.length), maskedCrc32c(data));
  });

  it('reads records back, stops at a truncated last one and rejects a corrupt one', () => {
    const records = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('third record')];
    const file = Buffer.concat(records.map(frameRecord));
    assert.deepEqual(readRecords(file), records);
    assert.deepEqual(readRecords(file.subarray(0, file.length - 3)), records.slice(0, 2));
    const bad = Buffer.from(file);
    bad[12] ^= 1;
    assert.throws(() => readRecords(bad), /bad data CRC in the record at byte 0/);
  });
});
