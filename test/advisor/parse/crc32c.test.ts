import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c, maskCrc } from '../../../src/advisor/parse/crc32c';
import { utf8 } from './fixtures/helpers';

/** The textbook bit-at-a-time CRC-32C, to check the table-driven one against. */
function bitwiseCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i];
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('CRC-32C (slicing-by-8)', () => {
  it('matches the standard check value and the RFC 3720 test vectors', () => {
    expect(crc32c(utf8('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('equals the bit-at-a-time CRC on any range of any bytes (whole 8-byte steps and the bytes left over)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32c(bytes, start, end)).toBe(bitwiseCrc32c(bytes, start, end));
      }),
      { numRuns: 500 },
    );
  });

  it('masks as TFRecord does', () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    const bytes = utf8('an event');
    expect(maskedCrc32c(bytes)).toBe(maskCrc(bitwiseCrc32c(bytes)));
  });
});
