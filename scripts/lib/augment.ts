/** Light training-time augmentation on NHWC float batches, driven by the run's seeded RNG. */
import type { Random } from './random.js';

export interface AugmentOptions {
  /** Maximum shift in pixels along each axis (0 disables); the uncovered border is filled with 0. */
  shift: number;
  /** Random horizontal flip with probability 1/2. */
  flip: boolean;
  /** Maximum brightness change as a fraction of the range (0 disables); values stay in [0, 1]. */
  brightness: number;
}

export const NO_AUGMENTATION: AugmentOptions = { shift: 0, flip: false, brightness: 0 };

export function isAugmenting(options: AugmentOptions): boolean {
  return options.shift > 0 || options.flip || options.brightness > 0;
}

/**
 * Writes an augmented copy of `count` images of `source` (starting at image `from`, in `order`) into `target`.
 * @example augmentInto(batch, train.images, order, 0, 64, [28, 28, 1], {shift: 2, flip: true, brightness: 0}, random)
 */
export function augmentInto(
  target: Float32Array,
  source: Float32Array,
  order: ArrayLike<number>,
  from: number,
  count: number,
  [height, width, channels]: [number, number, number],
  options: AugmentOptions,
  random: Random,
): void {
  const pixels = height * width * channels;
  for (let b = 0; b < count; b++) {
    const src = order[from + b] * pixels;
    const dst = b * pixels;
    const dy = options.shift ? random.int(2 * options.shift + 1) - options.shift : 0;
    const dx = options.shift ? random.int(2 * options.shift + 1) - options.shift : 0;
    const flip = options.flip && random.next() < 0.5;
    const gain = options.brightness ? 1 + (random.next() * 2 - 1) * options.brightness : 1;
    for (let y = 0; y < height; y++) {
      const sy = y - dy;
      for (let x = 0; x < width; x++) {
        const sx0 = x - dx;
        const sx = flip ? width - 1 - sx0 : sx0;
        const out = dst + (y * width + x) * channels;
        if (sy < 0 || sy >= height || sx0 < 0 || sx0 >= width) {
          for (let c = 0; c < channels; c++) target[out + c] = 0;
          continue;
        }
        const inp = src + (sy * width + sx) * channels;
        for (let c = 0; c < channels; c++) target[out + c] = Math.min(1, source[inp + c] * gain);
      }
    }
  }
}
