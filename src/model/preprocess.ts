import type { ModelManifest } from './manifest';

/**
 * Maps pixels in [0,1] (HWC, as the image pipeline returns them) onto the range or statistics the model was trained
 * with. In place, returns the same array.
 * @example normalizePixels(px, { channels: 3, scale: [-1, 1], invertLightBackground: false })
 */
export function normalizePixels(pixels: Float32Array, preprocessing: ModelManifest['preprocessing']): Float32Array {
  const { scale, channels } = preprocessing;
  if (Array.isArray(scale)) {
    const [min, max] = scale;
    if (min === 0 && max === 1) return pixels;
    const span = max - min;
    for (let i = 0; i < pixels.length; i++) pixels[i] = min + pixels[i] * span;
    return pixels;
  }
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    const mean = scale.mean[c] ?? scale.mean[0];
    const std = scale.std[c] ?? scale.std[0];
    pixels[i] = (pixels[i] * 255 - mean) / std;
  }
  return pixels;
}

/** Softmax for models whose manifest says they output logits. */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

/** The k most probable labels, most probable first (ties keep label order). */
export function topK(probabilities: Float32Array, labels: string[], k: number): Prediction[] {
  return Array.from(probabilities, (probability, index) => ({ label: labels[index] ?? String(index), index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}
