import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ImageInputError, decodeImage } from '../../../src/model/image';
import { initNodeImageCodecs } from '../../../src/model/image/codecs-node';
import { buildPng, pngChunk } from '../../fixtures/images/png-builder';

const fixture = async (name: string) => new Uint8Array(await readFile(path.join(import.meta.dirname, '../../fixtures/images', name)));

async function rejection(bytes: Uint8Array): Promise<ImageInputError> {
  const error = await decodeImage(bytes).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImageInputError);
  return error as ImageInputError;
}

/** Pixel (x, y) of the fixture garment: dark (40, 60, 90) T-shape on white. */
function rgbaAt(img: { width: number; data: Uint8ClampedArray }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(i, i + 4));
}

beforeAll(async () => {
  await initNodeImageCodecs();
});

describe('decodeImage in Node (the training script path)', () => {
  it.each(['garment.png', 'garment-baseline.jpg', 'garment-progressive.jpg', 'garment-lossy.webp', 'garment-lossless.webp'])(
    'decodes %s to 32×24 RGBA',
    async (name) => {
      const img = await decodeImage(await fixture(name));
      expect(img).toMatchObject({ width: 32, height: 24 });
      expect(img.data).toBeInstanceOf(Uint8ClampedArray);
      expect(img.data.length).toBe(32 * 24 * 4);
      const lossy = !name.endsWith('.png') && name !== 'garment-lossless.webp';
      const tolerance = lossy ? 12 : 0;
      const near = (got: number[], want: number[]) => got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tolerance));
      near(rgbaAt(img, 0, 0), [255, 255, 255, 255]);
      near(rgbaAt(img, 15, 14), [40, 60, 90, 255]);
    },
  );

  it('keeps alpha from PNG and WebP cut-outs', async () => {
    for (const name of ['garment-cutout.png', 'garment-cutout-lossy.webp']) {
      const img = await decodeImage(await fixture(name));
      expect(rgbaAt(img, 0, 0)[3]).toBe(0);
      expect(rgbaAt(img, 15, 14)[3]).toBe(255);
    }
  });

  it('expands a hand-made 8-bit greyscale PNG to RGBA', async () => {
    const rows = [0, 128, 255].map((v) => [0, v, v]); // filter byte 0, two pixels
    const png = buildPng({ width: 2, height: 3, colorType: 0, idat: deflateSync(Uint8Array.from(rows.flat())) });
    const img = await decodeImage(png);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('reduces 16-bit PNGs to 8 bits and applies palette transparency', async () => {
    const grey16 = buildPng({ width: 2, height: 1, bitDepth: 16, colorType: 0, idat: deflateSync(Uint8Array.from([0, 0x12, 0x34, 0xff, 0xff])) });
    expect(Array.from((await decodeImage(grey16)).data)).toEqual([18, 18, 18, 255, 255, 255, 255, 255]);
    const palette = buildPng({
      width: 2,
      height: 1,
      colorType: 3,
      idat: deflateSync(Uint8Array.from([0, 0, 1])),
      extraChunks: [pngChunk('PLTE', Uint8Array.from([255, 0, 0, 0, 0, 255])), pngChunk('tRNS', Uint8Array.from([128]))],
    });
    expect(Array.from((await decodeImage(palette)).data)).toEqual([255, 0, 0, 128, 0, 0, 255, 255]);
  });

  it('turns codec failures on corrupt data into undecodable, and keeps decoding afterwards', async () => {
    const png = await fixture('garment.png');
    const jpeg = await fixture('garment-baseline.jpg');
    const webp = await fixture('garment-lossy.webp');
    // Whole chunk structure, but the zlib stream inside IDAT is garbage: only the codec can tell.
    const badZlib = buildPng({ width: 32, height: 24, idat: new Uint8Array(64).fill(0x5a) });
    // Readable size, but zero colour components in the frame header: libjpeg exit()s.
    const corruptJpeg = jpeg.slice();
    const sof = corruptJpeg.findIndex((v, i) => v === 0xff && corruptJpeg[i + 1] === 0xc0);
    corruptJpeg[sof + 9] = 0;
    const cutWebp = webp.subarray(0, webp.length - 5);
    for (const bad of [badZlib, png.subarray(0, png.length - 12), corruptJpeg, jpeg.subarray(0, 200), cutWebp, webp.subarray(0, 40)]) {
      expect((await rejection(bad)).kind).toBe('undecodable');
    }
    for (const good of [png, jpeg, webp]) expect((await decodeImage(good)).width).toBe(32);
  });

  it('rejects a PNG whose IHDR lies about its size relative to the pixel data', async () => {
    const png = buildPng({
      width: 4,
      height: 4,
      colorType: 0,
      idat: deflateSync(new Uint8Array(3)), // one row of a 2-pixel image
      extraChunks: [pngChunk('tEXt', new TextEncoder().encode('Comment\0hello'))],
    });
    expect((await rejection(png)).kind).toBe('undecodable');
  });

  it('still rejects a pixel bomb before decoding once codecs exist', async () => {
    const huge = buildPng({ width: 5000, height: 5000, idat: deflateSync(new Uint8Array(1000)) });
    expect(await rejection(huge)).toMatchObject({ kind: 'pixel_limit', width: 5000, height: 5000 });
  });
});

describe('PNG codec memory', () => {
  it('does not accumulate the buffers a corrupt PNG leaks: each failure drops its codec instance', async () => {
    const memories = new Set<WebAssembly.Memory>();
    const Instance = WebAssembly.Instance;
    const spy = vi.spyOn(WebAssembly, 'Instance').mockImplementation(function (m: WebAssembly.Module, imports?: WebAssembly.Imports) {
      const instance = new Instance(m, imports);
      memories.add(instance.exports.memory as WebAssembly.Memory);
      return instance;
    } as unknown as typeof WebAssembly.Instance);
    try {
      // Each leaks its 4 MB output buffer inside the instance that failed.
      const corrupt = buildPng({ width: 1000, height: 1000, idat: new Uint8Array(64).fill(0x5a) });
      for (let i = 0; i < 3; i++) expect((await rejection(corrupt)).kind).toBe('undecodable');
      expect((await decodeImage(await fixture('garment.png'))).width).toBe(32);
    } finally {
      spy.mockRestore();
    }
    expect(memories.size).toBeGreaterThanOrEqual(3);
    for (const memory of memories) expect(memory.buffer.byteLength).toBeLessThan(8 * 1024 * 1024);
  });
});
