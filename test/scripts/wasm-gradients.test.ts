// The composed wasm training kernels agree with the cpu backend's reference gradients and leak no tensors.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/lib/backend';
import { buildModel, DEFAULT_ARCHITECTURE } from '../../scripts/lib/model';
import { crossEntropy } from '../../scripts/lib/trainer';

/** What tfjs-layers calls: tfjs-core's CommonJS exports, where the training-speed rewrites are installed. */
const core = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof tf;

/** Issue 3: max|a−b| / max|b| ≤ 1e-4 against the cpu backend. */
const TOLERANCE = 1e-4;

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0] / tf.max(tf.abs(expected)).dataSync()[0]);
}

/** Gradients of sum(f(x, w) · r) for a fixed random r, on one backend, copied out as plain arrays. */
function gradientsOn(backend: string, f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, w: tf.Tensor4D) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = f(a as tf.Tensor4D, b as tf.Tensor4D);
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 7)));
    })([x, w]);
    return grads.map((g) => ({ shape: g.shape, values: g.dataSync().slice() }));
  });
}

function expectSameGradients(f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, xShape: number[], wShape: number[]) {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as unknown as tf.Tensor4D;
  const w = tf.randomNormal(wShape, 0, 1, 'float32', 2) as unknown as tf.Tensor4D;
  const wasm = gradientsOn('wasm', f, x, w);
  const cpu = gradientsOn('cpu', f, x, w);
  ['dx', 'dW'].forEach((_, i) => {
    expect(wasm[i].shape).toEqual(cpu[i].shape);
    const err = relativeError(tf.tensor(wasm[i].values, wasm[i].shape), tf.tensor(cpu[i].values, cpu[i].shape));
    expect(err, `${['dx', 'dW'][i]} ${JSON.stringify({ xShape, wShape })}`).toBeLessThanOrEqual(TOLERANCE);
  });
  x.dispose();
  w.dispose();
}

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});

describe('conv2d gradients on wasm', () => {
  const cases: Array<{ x: number[]; w: number[]; stride: number; pad: 'same' | 'valid' }> = [
    { x: [2, 7, 7, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [2, 7, 7, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
    { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
    { x: [2, 8, 9, 3], w: [3, 2, 3, 5], stride: 2, pad: 'valid' },
    { x: [3, 9, 9, 2], w: [5, 5, 2, 3], stride: 1, pad: 'valid' },
    { x: [1, 10, 6, 1], w: [1, 1, 1, 6], stride: 1, pad: 'same' },
    { x: [4, 12, 12, 8], w: [3, 3, 8, 16], stride: 3, pad: 'same' },
  ];
  for (const c of cases) {
    it(`x ${c.x} w ${c.w} stride ${c.stride} ${c.pad}`, () => {
      expectSameGradients((x, w) => tf.conv2d(x, w, c.stride, c.pad), c.x, c.w);
    });
  }
});

describe('depthwise conv2d gradients on wasm', () => {
  for (const c of [
    { x: [2, 7, 7, 3], w: [3, 3, 3, 2], stride: 1, pad: 'same' as const },
    { x: [2, 8, 8, 3], w: [3, 3, 3, 1], stride: 2, pad: 'valid' as const },
    { x: [2, 9, 9, 4], w: [5, 5, 4, 1], stride: 2, pad: 'same' as const },
  ]) {
    it(`x ${c.x} w ${c.w} stride ${c.stride} ${c.pad}`, () => {
      expectSameGradients((x, w) => tf.depthwiseConv2d(x, w, c.stride, c.pad), c.x, c.w);
    });
  }
});

describe('batch-norm training gradient', () => {
  it('matches the textbook formula computed with plain ops on cpu', () => {
    // The layer path (moments + batchNorm, both rewritten for speed) against an independent reference.
    const x = tf.randomNormal([4, 5, 5, 3], 0.5, 2, 'float32', 3) as tf.Tensor4D;
    const gamma = tf.tensor1d([1.5, -0.5, 2]);
    const beta = tf.tensor1d([0.1, 0.2, -0.3]);
    const r = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 4);
    const viaLayerOps = (backend: string) => {
      tf.setBackend(backend);
      return tf.grads((a: tf.Tensor, g: tf.Tensor) => {
        // tfjs-layers' BatchNormalization in training: moments over N,H,W, then batchNorm.
        const { mean, variance } = core.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, beta, g, 1e-3), r));
      })([x, gamma]).map((t) => tf.clone(t));
    };
    tf.setBackend('cpu');
    const reference = tf.grads((a: tf.Tensor, g: tf.Tensor) => {
      const mean = tf.div(tf.sum(a, [0, 1, 2]), 100);
      const variance = tf.div(tf.sum(tf.square(tf.sub(a, mean)), [0, 1, 2]), 100);
      const normalized = tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-3)));
      return tf.sum(tf.mul(tf.add(tf.mul(normalized, g), beta), r));
    })([x, gamma]);
    for (const backend of ['wasm', 'cpu']) {
      const grads = viaLayerOps(backend);
      tf.setBackend('cpu');
      grads.forEach((g, i) => expect(relativeError(g, reference[i]), `${backend} grad ${i}`).toBeLessThanOrEqual(TOLERANCE));
    }
  });
});

describe('training on wasm', () => {
  it('keeps the tensor count flat over many steps', () => {
    tf.setBackend('wasm');
    // The default architecture (batch norm, dropout), shrunk.
    const model = buildModel(
      {
        ...DEFAULT_ARCHITECTURE,
        conv: [
          { filters: 8, kernelSize: 3, strides: 1, padding: 'same', pool: 'max' },
          { filters: 8, kernelSize: 3, strides: 2, padding: 'valid' },
        ],
        dense: [16],
      },
      [28, 28, 1],
      10,
    );
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 7); // seeded: the loss must fall on this batch
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32'), 10);
    const step = () => tf.tidy(() => optimizer.minimize(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y), true)!.dataSync()[0]);
    const first = step();
    step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
  });
});
