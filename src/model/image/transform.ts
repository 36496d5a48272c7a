import type { RgbaImage } from './codecs';

export interface ModelInputSpec {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Invert images whose background is light, so they look like Fashion-MNIST (light item on black). */
  invertLightBackground: boolean;
}

/** Downscales by this factor or more average every source pixel (area); smaller factors and upscales are bilinear. */
const AREA_AVERAGE_MIN_FACTOR = 2;
/** A border whose median luminance is above mid-grey is a light background (white studio backdrop, paper). */
const LIGHT_BACKGROUND_LUMA = 0.5;
/** Transparent pixels are shown over white, as a browser shows a cut-out product on a page. */
const ALPHA_BACKGROUND = 1;
const INV_255 = 1 / 255;

/** ITU-R BT.601 luma, the weights of PIL's "L" mode and tf.image.rgb_to_grayscale (inlined in rowReader). */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Pixel `i` (index into the RGBA bytes / 4) as r, g, b in [0,1], alpha composited over white. */
function compositeRgb(data: Uint8ClampedArray, i: number, out: number[], at: number): void {
  const s = i * 4;
  const a = data[s + 3] / 255;
  const under = ALPHA_BACKGROUND * (1 - a);
  out[at] = (data[s] / 255) * a + under;
  out[at + 1] = (data[s + 1] / 255) * a + under;
  out[at + 2] = (data[s + 2] / 255) * a + under;
}

/** Reads rows of an RGBA image as `channels` values in [0,1] per pixel, alpha composited over white. */
function rowReader(img: RgbaImage, channels: 1 | 3): (y: number, out: Float32Array) => void {
  const { width, data } = img;
  return (y, out) => {
    // Inlined rather than calling compositeRgb: this loop touches every source pixel.
    for (let x = 0, s = y * width * 4; x < width; x++, s += 4) {
      const a = data[s + 3] * INV_255;
      const under = ALPHA_BACKGROUND * (1 - a);
      const k = a * INV_255;
      const r = data[s] * k + under;
      const g = data[s + 1] * k + under;
      const b = data[s + 2] * k + under;
      if (channels === 1) out[x] = 0.299 * r + 0.587 * g + 0.114 * b;
      else {
        out[x * 3] = r;
        out[x * 3 + 1] = g;
        out[x * 3 + 2] = b;
      }
    }
  };
}

function median(values: Float32Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The image's background as seen on its outermost ring of pixels: the per-channel median colour, and whether its
 * median luminance is light.
 *
 * @example
 * borderBackground(productPhotoOnWhite, 1) // { colour: [1], light: true }
 */
export function borderBackground(img: RgbaImage, channels: 1 | 3): { colour: number[]; light: boolean } {
  const { width: w, height: h, data } = img;
  const ring: number[] = []; // r, g, b of each pixel on the outermost ring
  const add = (x: number, y: number) => compositeRgb(data, y * w + x, ring, ring.length);
  for (let x = 0; x < w; x++) add(x, 0);
  if (h > 1) for (let x = 0; x < w; x++) add(x, h - 1);
  for (let y = 1; y < h - 1; y++) {
    add(0, y);
    if (w > 1) add(w - 1, y);
  }
  const n = ring.length / 3;
  const channel = (c: number) => Float32Array.from({ length: n }, (_, i) => ring[i * 3 + c]);
  const lumaMedian = median(Float32Array.from({ length: n }, (_, i) => luma(ring[i * 3], ring[i * 3 + 1], ring[i * 3 + 2])));
  const colour = channels === 1 ? [lumaMedian] : [median(channel(0)), median(channel(1)), median(channel(2))];
  return { colour, light: lumaMedian > LIGHT_BACKGROUND_LUMA };
}

/** Source pixels [start, start + weights.length) covering one output pixel, with their coverage, plus the padding's. */
interface Footprint {
  start: number;
  weights: Float64Array;
  padding: number;
  total: number;
}

/** Splits output pixel k's span on the padded canvas into image pixels (with fractional coverage) and padding. */
function areaFootprints(outSize: number, scale: number, offset: number, imageSize: number): Footprint[] {
  return Array.from({ length: outSize }, (_, k) => {
    const lo = k * scale - offset;
    const hi = (k + 1) * scale - offset;
    const start = Math.max(0, Math.floor(lo));
    const end = Math.min(imageSize, Math.ceil(hi));
    const weights = new Float64Array(Math.max(0, end - start));
    let covered = 0;
    for (let p = start; p < end; p++) {
      const wgt = Math.max(0, Math.min(p + 1, hi) - Math.max(p, lo));
      weights[p - start] = wgt;
      covered += wgt;
    }
    return { start, weights, padding: Math.max(0, scale - covered), total: scale };
  });
}

/** Bilinear taps for output pixel k (half-pixel centres); taps outside the image read the padding colour. */
function bilinearTaps(outSize: number, scale: number, offset: number, imageSize: number): { i0: number; t: number }[] {
  // Clamp to the canvas, so an image touching the canvas edge repeats its edge instead of fading into padding.
  const min = -offset;
  const max = imageSize - 1 + offset;
  return Array.from({ length: outSize }, (_, k) => {
    const x = Math.min(max, Math.max(min, (k + 0.5) * scale - 0.5 - offset));
    const i0 = Math.floor(x);
    return { i0, t: x - i0 };
  });
}

/**
 * Turns a decoded image into a model input of `height × width × channels` values in [0,1] (row-major, HWC), ready for
 * the manifest's normalization. The image is centred on a canvas of the model's aspect ratio padded with its own
 * border colour (Fashion-MNIST items are centred and not squashed), then resized: area averaging for downscales by
 * `AREA_AVERAGE_MIN_FACTOR` or more, bilinear otherwise. Values are sRGB-encoded, like the training images.
 *
 * @example
 * const x = toModelInput(await decodeImage(bytes), { width: 28, height: 28, channels: 1, invertLightBackground: true });
 */
export function toModelInput(img: RgbaImage, spec: ModelInputSpec): Float32Array {
  const { width: W, height: H, channels: C } = spec;
  const { width: w, height: h } = img;
  if (w < 1 || h < 1) throw new RangeError(`cannot resize a ${w}×${h} image`);
  const background = borderBackground(img, C);
  const bg = background.colour;

  // Canvas: the smallest rectangle of the model's aspect ratio that holds the image, image centred.
  const canvasW = Math.max(w, (h * W) / H);
  const canvasH = (canvasW * H) / W;
  const ox = (canvasW - w) / 2;
  const oy = (canvasH - h) / 2;
  const sx = canvasW / W;
  const sy = canvasH / H;

  const out = new Float32Array(W * H * C);
  const read = rowReader(img, C);
  if (Math.min(sx, sy) >= AREA_AVERAGE_MIN_FACTOR) resizeByAreaAverage();
  else resizeBilinear();

  if (spec.invertLightBackground && background.light) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  return out;

  function resizeByAreaAverage(): void {
    const cols = areaFootprints(W, sx, ox, w);
    const rows = areaFootprints(H, sy, oy, h);
    // Pass 1: average each image row over every output column's span (h × W × C values, small).
    const rowMeans = new Float32Array(h * W * C);
    const row = new Float32Array(w * C);
    for (let y = 0; y < h; y++) {
      read(y, row);
      for (let j = 0; j < W; j++) {
        const { start, weights, padding, total } = cols[j];
        for (let c = 0; c < C; c++) {
          let sum = padding * bg[c];
          for (let k = 0; k < weights.length; k++) sum += weights[k] * row[(start + k) * C + c];
          rowMeans[(y * W + j) * C + c] = sum / total;
        }
      }
    }
    // Pass 2: average those row means over every output row's span.
    for (let i = 0; i < H; i++) {
      const { start, weights, padding, total } = rows[i];
      for (let j = 0; j < W; j++) {
        for (let c = 0; c < C; c++) {
          let sum = padding * bg[c];
          for (let k = 0; k < weights.length; k++) sum += weights[k] * rowMeans[((start + k) * W + j) * C + c];
          out[(i * W + j) * C + c] = sum / total;
        }
      }
    }
  }

  function resizeBilinear(): void {
    const cols = bilinearTaps(W, sx, ox, w);
    const rows = bilinearTaps(H, sy, oy, h);
    const rowA = new Float32Array(w * C);
    const rowB = new Float32Array(w * C);
    const padded = new Float32Array(w * C);
    for (let x = 0; x < w; x++) for (let c = 0; c < C; c++) padded[x * C + c] = bg[c];
    const rowAt = (y: number, buffer: Float32Array): Float32Array => {
      if (y < 0 || y >= h) return padded;
      read(y, buffer);
      return buffer;
    };
    const at = (r: Float32Array, x: number, c: number): number => (x < 0 || x >= w ? bg[c] : r[x * C + c]);
    for (let i = 0; i < H; i++) {
      const { i0: y0, t: ty } = rows[i];
      const top = rowAt(y0, rowA);
      const bottom = rowAt(y0 + 1, rowB);
      for (let j = 0; j < W; j++) {
        const { i0: x0, t: tx } = cols[j];
        for (let c = 0; c < C; c++) {
          const upper = at(top, x0, c) * (1 - tx) + at(top, x0 + 1, c) * tx;
          const lower = at(bottom, x0, c) * (1 - tx) + at(bottom, x0 + 1, c) * tx;
          out[(i * W + j) * C + c] = upper * (1 - ty) + lower * ty;
        }
      }
    }
  }
}
