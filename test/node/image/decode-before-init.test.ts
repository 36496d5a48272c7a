// Rejections that must happen from the header alone: this file never initialises the codecs, so any attempt to decode
// would fail with "not initialised" instead of the expected ImageInputError.
import { describe, expect, it } from 'vitest';
import { ImageCodecUnavailableError, ImageInputError, decodeImage, imageCodecsInitialised } from '../../../src/model/image';
import { buildPng, pixelBombPng } from '../../fixtures/images/png-builder';

async function rejection(bytes: Uint8Array, opts?: { maxPixels?: number }): Promise<ImageInputError> {
  const error = await decodeImage(bytes, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageInputError);
  return error as ImageInputError;
}

describe('decodeImage before any codec exists', () => {
  it('has no codecs in this file', () => {
    expect(imageCodecsInitialised()).toBe(false);
  });

  it('rejects a 50 KB PNG declaring 30000×30000 as pixel_limit, from the header alone', async () => {
    const error = await rejection(pixelBombPng());
    expect(error).toMatchObject({ kind: 'pixel_limit', width: 30_000, height: 30_000 });
    expect(error.message).toContain('30000×30000');
  });

  it('applies a caller-chosen pixel cap', async () => {
    const png = buildPng({ width: 100, height: 100, idat: new Uint8Array(10) });
    expect(await rejection(png, { maxPixels: 9_999 })).toMatchObject({ kind: 'pixel_limit' });
  });

  it('rejects a 0×0 PNG as empty, and zero bytes as empty', async () => {
    expect(await rejection(buildPng({ width: 0, height: 0, idat: new Uint8Array(10) }))).toMatchObject({ kind: 'empty', width: 0, height: 0 });
    expect(await rejection(buildPng({ width: 5, height: 0, idat: new Uint8Array(10) }))).toMatchObject({ kind: 'empty' });
    expect(await rejection(new Uint8Array(0))).toMatchObject({ kind: 'empty' });
  });

  it('rejects garbage as unsupported_type and a truncated PNG as undecodable', async () => {
    expect(await rejection(crypto.getRandomValues(new Uint8Array(2048)).fill(0, 0, 4))).toMatchObject({ kind: 'unsupported_type' });
    const png = buildPng({ width: 8, height: 8, idat: new Uint8Array(40) });
    expect(await rejection(png.subarray(0, png.length - 20))).toMatchObject({ kind: 'undecodable' });
  });

  it('reports a missing codec init as a programming error, not as a bad image', async () => {
    const error = await decodeImage(buildPng({ width: 2, height: 2, idat: new Uint8Array(10) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageCodecUnavailableError);
    expect(String(error)).toContain('not initialised');
  });
});
