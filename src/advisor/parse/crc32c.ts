/** CRC-32C (Castagnoli), the checksum TFRecord framing uses for TensorBoard event files. */

/** Reflected Castagnoli polynomial. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

/**
 * Slicing-by-8 tables: `TABLES[k * 256 + b]` is the CRC of byte `b` followed by `k` zero bytes. Table 0 is the
 * classic byte-at-a-time table; with all eight, eight bytes cost eight lookups and no per-byte shift chain, which
 * made checking every record of a long event file several times faster.
 */
const TABLES: Uint32Array = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI_REFLECTED : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + n];
      tables[k * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
})();

/**
 * CRC-32C of `bytes[start, end)`.
 * @example crc32c(new TextEncoder().encode('123456789')) // 0xe3069283
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    const high = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    crc =
      t[7 * 256 + (low & 0xff)] ^
      t[6 * 256 + ((low >>> 8) & 0xff)] ^
      t[5 * 256 + ((low >>> 16) & 0xff)] ^
      t[4 * 256 + (low >>> 24)] ^
      t[3 * 256 + (high & 0xff)] ^
      t[2 * 256 + ((high >>> 8) & 0xff)] ^
      t[256 + ((high >>> 16) & 0xff)] ^
      t[high >>> 24];
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 bits and add a constant, so CRCs of CRCs stay well distributed. */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Masked CRC-32C of `bytes[start, end)` as stored in a TFRecord. */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}
