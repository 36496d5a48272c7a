import path from 'node:path';
import encodeJpeg, { init as initJpegEncoder } from '@jsquash/jpeg/encode.js';
import encodePng, { init as initPngEncoder } from '@jsquash/png/encode.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHeldOutSplit } from '../../scripts/lib/datasets';
import { readModelFolder } from '../../scripts/lib/model-folder';
import { classifyImage } from '../../src/model/classify';
import { compileWasmFromPackage, initNodeImageCodecs } from '../../src/model/image/codecs-node';
import { loadBundledModel, type LoadedModel } from '../../src/model/loaded-model';
import { initWasmBackend } from '../../src/model/wasm-backend';
import { compileTfjsWasmBinary } from '../../src/model/wasm-binary-node';

/** Every 10th held-out image: 1 000 images across all classes (the split is stored class by class). */
const STRIDE = 10;
const SIDE = 28;
const PHOTO_SIDE = 256;

let model: LoadedModel;

async function loadDefaultModel(): Promise<LoadedModel> {
  const folder = readModelFolder(path.join(import.meta.dirname, '../../models/fashion-mnist'));
  return loadBundledModel(folder.manifest, folder);
}

/** The image as a product photo: dark garment on white, upscaled to 256×256 (bilinear), RGBA. */
function asProductPhoto(pixels: Float32Array): ImageData {
  const data = new Uint8ClampedArray(PHOTO_SIDE * PHOTO_SIDE * 4);
  const scale = SIDE / PHOTO_SIDE;
  for (let y = 0; y < PHOTO_SIDE; y++) {
    for (let x = 0; x < PHOTO_SIDE; x++) {
      const sx = Math.min(SIDE - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const sy = Math.min(SIDE - 1, Math.max(0, (y + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx), y0 = Math.floor(sy), x1 = Math.min(SIDE - 1, x0 + 1), y1 = Math.min(SIDE - 1, y0 + 1);
      const fx = sx - x0, fy = sy - y0;
      const at = (xx: number, yy: number) => pixels[yy * SIDE + xx];
      const v = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
      const ink = Math.round((1 - v) * 255);
      data.set([ink, ink, ink, 255], (y * PHOTO_SIDE + x) * 4);
    }
  }
  return { width: PHOTO_SIDE, height: PHOTO_SIDE, data, colorSpace: 'srgb' } as ImageData;
}

function asOriginal(pixels: Float32Array): ImageData {
  const data = new Uint8ClampedArray(SIDE * SIDE * 4);
  pixels.forEach((v, i) => data.set([Math.round(v * 255), Math.round(v * 255), Math.round(v * 255), 255], i * 4));
  return { width: SIDE, height: SIDE, data, colorSpace: 'srgb' } as ImageData;
}

beforeAll(async () => {
  await initWasmBackend(await compileTfjsWasmBinary());
  await initNodeImageCodecs();
  await initPngEncoder(await compileWasmFromPackage('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'));
  await (initJpegEncoder as unknown as (m: WebAssembly.Module) => Promise<unknown>)(await compileWasmFromPackage('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'));
  model = await loadDefaultModel();
}, 120_000);

describe('the default model on product photos (dark garment on white, 256×256 JPEG)', () => {
  it('scores within 5 points of the original held-out images, through the Worker’s decode and preprocessing', async () => {
    const heldOut = loadHeldOutSplit('fashion-mnist');
    let originalRight = 0;
    let photoRight = 0;
    let n = 0;
    for (let i = 0; i < heldOut.n; i += STRIDE) {
      const pixels = heldOut.images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
      const label = heldOut.labels[i];
      const png = new Uint8Array(await encodePng(asOriginal(pixels)));
      const jpeg = new Uint8Array(await encodeJpeg(asProductPhoto(pixels), { quality: 90 }));
      if ((await classifyImage(model, png, 1)).predictions[0].index === label) originalRight++;
      if ((await classifyImage(model, jpeg, 1)).predictions[0].index === label) photoRight++;
      n++;
    }
    const original = (100 * originalRight) / n;
    const photo = (100 * photoRight) / n;
    console.log(`light-background check on ${n} held-out images: original ${original.toFixed(1)} %, dark-on-white 256×256 JPEG ${photo.toFixed(1)} %`);
    expect(n).toBe(1000);
    expect(original - photo).toBeLessThanOrEqual(5);
  }, 300_000);
});
