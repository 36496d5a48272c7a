import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageInputError, isCompletePng, readImageHeader, sniffImageType } from '../../../src/model/image';
import { buildPng, pixelBombPng } from '../../fixtures/images/png-builder';

const fixture = async (name: string) => new Uint8Array(await readFile(path.join(import.meta.dirname, '../../fixtures/images', name)));

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof ImageInputError ? e.kind : `not an ImageInputError: ${e}`;
  }
  return 'no error';
}

describe('readImageHeader', () => {
  it.each([
    ['garment.png', 'png'],
    ['garment-progressive.jpg', 'jpeg'],
    ['garment-baseline.jpg', 'jpeg'],
    ['garment-lossy.webp', 'webp'],
    ['garment-lossless.webp', 'webp'],
    ['garment-cutout-lossy.webp', 'webp'],
  ])('reads type and 32×24 from %s', async (name, type) => {
    expect(readImageHeader(await fixture(name))).toEqual({ type, width: 32, height: 24 });
  });

  it('finds the frame header of baseline (SOF0) and progressive (SOF2) JPEGs', async () => {
    const sofOf = (b: Uint8Array) => [0xc0, 0xc2].find((m) => b.some((v, i) => v === 0xff && b[i + 1] === m));
    expect(sofOf(await fixture('garment-baseline.jpg'))).toBe(0xc0);
    expect(sofOf(await fixture('garment-progressive.jpg'))).toBe(0xc2);
  });

  it('skips an EXIF APP1 segment and fill bytes before the frame header', async () => {
    const jpeg = await fixture('garment-baseline.jpg');
    const exif = new Uint8Array(2 + 2 + 300);
    exif.set([0xff, 0xe1, (302 >> 8) & 0xff, 302 & 0xff]);
    exif.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4); // "Exif\0\0", then zeros, some of them 0xff-free padding
    const withExif = new Uint8Array([...jpeg.subarray(0, 2), ...exif, 0xff, ...jpeg.subarray(2)]);
    expect(readImageHeader(withExif)).toEqual({ type: 'jpeg', width: 32, height: 24 });
  });

  it('reads a 30000×30000 declaration from a 50 KB PNG', () => {
    const bomb = pixelBombPng();
    expect(bomb.length).toBeGreaterThan(49_000);
    expect(bomb.length).toBeLessThan(51_000);
    expect(readImageHeader(bomb)).toEqual({ type: 'png', width: 30_000, height: 30_000 });
  });

  it('reads sizes up to 16383 from VP8 and VP8L and 16M from VP8X headers', () => {
    const riff = (fourcc: string, payload: number[]) => {
      const b = new Uint8Array(40);
      b.set([...'RIFF'].map((c) => c.charCodeAt(0)));
      b.set([...'WEBP'].map((c) => c.charCodeAt(0)), 8);
      b.set([...fourcc].map((c) => c.charCodeAt(0)), 12);
      b.set(payload, 20);
      return b;
    };
    // VP8: frame tag, start code, 14-bit width/height with 2 scale bits set (ignored)
    expect(readImageHeader(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0xff, 0xff, 0x01, 0xc0]))).toMatchObject({ width: 16383, height: 1 });
    // VP8L: 0x2f, then (width-1) in 14 bits and (height-1) in the next 14
    const bits = 999 | (1999 << 14);
    expect(readImageHeader(riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >>> 24]))).toMatchObject({
      width: 1000,
      height: 2000,
    });
    // VP8X: flags + 3 reserved, then 24-bit (width-1) and (height-1)
    expect(readImageHeader(riff('VP8X', [0, 0, 0, 0, 0x2f, 0x75, 0, 0x2f, 0x75, 0]))).toMatchObject({ width: 30_000, height: 30_000 });
  });

  it('tells unsupported formats, empty input and cut-off headers apart', async () => {
    const png = await fixture('garment.png');
    const jpeg = await fixture('garment-baseline.jpg');
    expect(kindOf(() => readImageHeader(new Uint8Array(0)))).toBe('empty');
    expect(kindOf(() => readImageHeader(new TextEncoder().encode('GIF89a……')))).toBe('unsupported_type');
    expect(kindOf(() => readImageHeader(new TextEncoder().encode('{"not":"an image"}')))).toBe('unsupported_type');
    expect(kindOf(() => readImageHeader(png.subarray(0, 20)))).toBe('undecodable');
    expect(kindOf(() => readImageHeader(jpeg.subarray(0, 30)))).toBe('undecodable');
    // a JPEG whose scan starts before any frame header
    expect(kindOf(() => readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2])))).toBe('undecodable');
  });
});

describe('sniffImageType', () => {
  it('knows the three formats by their magic bytes only', async () => {
    expect(sniffImageType(await fixture('garment.png'))).toBe('png');
    expect(sniffImageType(await fixture('garment-progressive.jpg'))).toBe('jpeg');
    expect(sniffImageType(await fixture('garment-lossless.webp'))).toBe('webp');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeNull();
  });
});

describe('isCompletePng', () => {
  it('accepts whole PNGs and rejects cut-off ones', async () => {
    const png = await fixture('garment.png');
    expect(isCompletePng(png)).toBe(true);
    expect(isCompletePng(pixelBombPng())).toBe(true);
    for (const cut of [png.length - 1, png.length - 12, 60, 33]) expect(isCompletePng(png.subarray(0, cut))).toBe(false);
    expect(isCompletePng(buildPng({ width: 1, height: 1, idat: new Uint8Array(0) }).subarray(0, 33))).toBe(false);
  });
});
