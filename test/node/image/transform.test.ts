import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { borderBackground, decodeImage, luma, toModelInput, type RgbaImage } from '../../../src/model/image';
import { initNodeImageCodecs } from '../../../src/model/image/codecs-node';

/** An opaque image from a function giving [r, g, b] (0–255) per pixel. */
function image(width: number, height: number, rgb: (x: number, y: number) => number[], alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...rgb(x, y), alpha], (y * width + x) * 4);
  return { width, height, data };
}
const grey = (width: number, height: number, v: (x: number, y: number) => number) => image(width, height, (x, y) => [v(x, y), v(x, y), v(x, y)]);
const plain = { channels: 1 as const, invertLightBackground: false };

function expectClose(got: Float32Array, want: number[], digits = 5): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i], `index ${i}`).toBeCloseTo(w, digits));
}

describe('toModelInput: resizing', () => {
  it('area-averages 2×2 blocks when halving', () => {
    const values = [
      [0, 255, 40, 40],
      [255, 255, 80, 80],
      [10, 10, 0, 0],
      [30, 30, 0, 200],
    ];
    const out = toModelInput(grey(4, 4, (x, y) => values[y][x]), { ...plain, width: 2, height: 2 });
    expectClose(out, [765 / 4 / 255, 240 / 4 / 255, 80 / 4 / 255, 200 / 4 / 255]);
  });

  it('area-averages with fractional coverage at a non-integer factor (5 → 2)', () => {
    // columns 0,50,100,150,200; output column 0 covers pixels 0,1 and half of 2
    const out = toModelInput(grey(5, 5, (x) => x * 50), { ...plain, width: 2, height: 2 });
    expectClose(out, [40, 160, 40, 160].map((v) => v / 255));
  });

  it('interpolates a gradient bilinearly when upscaling, with half-pixel centres and edge clamping', () => {
    const out = toModelInput(grey(14, 14, (x) => x * 15), { ...plain, width: 28, height: 28 });
    const expectedRow = Array.from({ length: 28 }, (_, j) => (15 * Math.min(13, Math.max(0, j / 2 - 0.25))) / 255);
    for (let i = 0; i < 28; i++) expectClose(out.subarray(i * 28, (i + 1) * 28), expectedRow);
  });

  it('passes a 28×28 image through unchanged', () => {
    const src = grey(28, 28, (x, y) => (x * 9 + y * 7) % 256);
    const out = toModelInput(src, { ...plain, width: 28, height: 28 });
    expectClose(out, Array.from({ length: 28 * 28 }, (_, i) => ((i % 28) * 9 + Math.floor(i / 28) * 7) % 256 / 255));
  });

  it('pads a wide image to a square with its border colour, keeping it centred and unsquashed', () => {
    // 40×20 mid-grey with a white 10×10 square in the middle → canvas 40×40, image rows 10–29
    const src = grey(40, 20, (x, y) => (x >= 15 && x < 25 && y >= 5 && y < 15 ? 255 : 100));
    const out = toModelInput(src, { ...plain, width: 4, height: 4 }); // factor 10: area averaging
    const at = (i: number, j: number) => out[i * 4 + j];
    for (const j of [0, 1, 2, 3]) expect(at(0, j)).toBeCloseTo(100 / 255, 5); // padding rows take the border grey
    for (const j of [0, 1, 2, 3]) expect(at(3, j)).toBeCloseTo(100 / 255, 5);
    expect(at(1, 1)).toBeCloseTo(at(1, 2), 5); // symmetric about the centre
    expect(at(1, 1)).toBeGreaterThan(100 / 255);
    expect(at(1, 0)).toBeCloseTo(100 / 255, 5);
  });
});

describe('toModelInput: colour', () => {
  it('converts to BT.601 luma for one channel and keeps RGB (HWC order) for three', () => {
    const src = image(2, 1, (x) => (x === 0 ? [255, 0, 0] : [0, 0, 255]));
    expectClose(toModelInput(src, { ...plain, width: 2, height: 1 }), [0.299, 0.114]);
    expectClose(toModelInput(src, { width: 2, height: 1, channels: 3, invertLightBackground: false }), [1, 0, 0, 0, 0, 1]);
    expect(luma(1, 1, 1)).toBeCloseTo(1, 6);
  });

  it('shows transparent pixels over white', () => {
    expectClose(toModelInput(image(1, 1, () => [0, 0, 0], 0), { ...plain, width: 1, height: 1 }), [1]);
    expectClose(toModelInput(image(1, 1, () => [0, 0, 0], 51), { ...plain, width: 1, height: 1 }), [0.8]);
  });
});

describe('toModelInput: light backgrounds', () => {
  // A light-grey "garment" (200) on white, and the same on black.
  const onWhite = grey(56, 56, (x, y) => (x >= 16 && x < 40 && y >= 8 && y < 48 ? 200 : 255));
  const onBlack = grey(56, 56, (x, y) => (x >= 16 && x < 40 && y >= 8 && y < 48 ? 200 : 0));

  it('detects the background from the border', () => {
    expect(borderBackground(onWhite, 1)).toEqual({ colour: [1], light: true });
    expect(borderBackground(onBlack, 1)).toEqual({ colour: [0], light: false });
  });

  it('inverts a light background so the item is light on black, like Fashion-MNIST', () => {
    const out = toModelInput(onWhite, { width: 28, height: 28, channels: 1, invertLightBackground: true });
    expect(out[0]).toBeCloseTo(0, 5); // corner: background
    expect(out[14 * 28 + 14]).toBeCloseTo(1 - 200 / 255, 5); // centre: the garment
  });

  it('leaves a dark background alone, and does not invert unless asked', () => {
    const dark = toModelInput(onBlack, { width: 28, height: 28, channels: 1, invertLightBackground: true });
    expect(dark[0]).toBeCloseTo(0, 5);
    expect(dark[14 * 28 + 14]).toBeCloseTo(200 / 255, 5);
    expect(toModelInput(onWhite, { ...plain, width: 28, height: 28 })[0]).toBeCloseTo(1, 5);
  });

  describe('on decoded fixtures', () => {
    beforeAll(async () => {
      await initNodeImageCodecs();
    });

    it('turns a cut-out PNG and a JPEG of the same garment into nearly the same input', async () => {
      const read = async (name: string) =>
        decodeImage(new Uint8Array(await readFile(path.join(import.meta.dirname, '../../fixtures/images', name))));
      const spec = { width: 28, height: 28, channels: 1 as const, invertLightBackground: true };
      const cutout = toModelInput(await read('garment-cutout.png'), spec);
      const jpeg = toModelInput(await read('garment-baseline.jpg'), spec);
      expect(cutout[0]).toBeCloseTo(0, 5);
      const meanAbsDiff = cutout.reduce((s, v, i) => s + Math.abs(v - jpeg[i]), 0) / cutout.length;
      expect(meanAbsDiff).toBeLessThan(0.02);
    });
  });
});
