// Runs inside workerd: the codecs come from wrangler's CompiledWasm imports, never from compiling bytes.
import { describe, expect, it } from 'vitest';
import { ImageInputError, decodeImage, toModelInput } from '../../../src/model/image';
import { initWorkerImageCodecs } from '../../../src/model/image/codecs-worker';
import { fixtureImage, type FixtureImageName } from '../../fixtures/images/fixtures';
import { pixelBombPng } from '../../fixtures/images/png-builder';

initWorkerImageCodecs();

describe('decodeImage inside workerd', () => {
  it('cannot compile wasm from bytes here, which is why the codecs arrive precompiled', async () => {
    const emptyModule = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await expect(WebAssembly.compile(emptyModule)).rejects.toThrow(/disallowed/i);
  });

  it.each<[FixtureImageName, string]>([
    ['garment.png', 'png'],
    ['garment-cutout.png', 'png'],
    ['garment-baseline.jpg', 'jpeg'],
    ['garment-progressive.jpg', 'jpeg'],
    ['garment-lossy.webp', 'webp'],
    ['garment-lossless.webp', 'webp'],
    ['garment-cutout-lossy.webp', 'webp'],
  ])('decodes %s', async (name, type) => {
    const img = await decodeImage(fixtureImage(name));
    expect(img).toMatchObject({ type, width: 32, height: 24 });
    expect(img.data.length).toBe(32 * 24 * 4);
    const centre = (14 * 32 + 15) * 4;
    expect(img.data[centre]).toBeLessThan(60); // the dark garment (40, 60, 90)
    expect(img.data[centre + 3]).toBe(255);
  });

  it('turns every decoded format into the same model input, within lossy-codec noise', async () => {
    const spec = { width: 28, height: 28, channels: 1 as const, invertLightBackground: true };
    const reference = toModelInput(await decodeImage(fixtureImage('garment.png')), spec);
    for (const name of ['garment-baseline.jpg', 'garment-lossy.webp', 'garment-cutout-lossy.webp'] as const) {
      const input = toModelInput(await decodeImage(fixtureImage(name)), spec);
      const meanAbsDiff = input.reduce((s, v, i) => s + Math.abs(v - reference[i]), 0) / input.length;
      expect(meanAbsDiff, name).toBeLessThan(0.03);
    }
  });

  it('answers bad input with ImageInputError and keeps working', async () => {
    const kind = (bytes: Uint8Array) => decodeImage(bytes).then(() => 'decoded', (e: unknown) => (e instanceof ImageInputError ? e.kind : String(e)));
    const png = fixtureImage('garment.png');
    const jpeg = fixtureImage('garment-baseline.jpg');
    const webp = fixtureImage('garment-lossy.webp');
    expect(await kind(pixelBombPng())).toBe('pixel_limit');
    expect(await kind(new Uint8Array(0))).toBe('empty');
    expect(await kind(new TextEncoder().encode('hello, not an image'))).toBe('unsupported_type');
    expect(await kind(png.subarray(0, png.length - 30))).toBe('undecodable');
    expect(await kind(jpeg.subarray(0, 200))).toBe('undecodable');
    expect(await kind(webp.subarray(0, webp.length - 5))).toBe('undecodable');
    for (const good of [png, jpeg, webp]) expect((await decodeImage(good)).width).toBe(32);
  });
});
