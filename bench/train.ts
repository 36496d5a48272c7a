/**
 * Training throughput of the default architecture on the wasm backend (with the composed gradient kernels) against
 * the pure-JS cpu backend, measured in one run: `npx tsx bench/train.ts [--batch-size 64] [--seconds 20]`.
 * Prints images/s for both, the ratio, and the per-kernel profile of one wasm training step.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../scripts/lib/backend.js';
import { buildModel, DEFAULT_ARCHITECTURE } from '../scripts/lib/model.js';
import { crossEntropy } from '../scripts/lib/trainer.js';

const { values } = parseArgs({ options: { 'batch-size': { type: 'string' }, seconds: { type: 'string' }, 'cpu-seconds': { type: 'string' } } });
const batchSize = Number(values['batch-size'] ?? 64);
const budget = Number(values.seconds ?? 20);
/** The cpu backend needs seconds per image: it gets at least one timed step. */
const cpuBudget = Number(values['cpu-seconds'] ?? 30);

async function imagesPerSecond(backend: 'wasm' | 'cpu', seconds: number, minSteps: number) {
  await initBackend(backend);
  const model = buildModel(DEFAULT_ARCHITECTURE, [28, 28, 1], 10);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batchSize, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32'), 10);
  const step = () => tf.tidy(() => void optimizer.minimize(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y), true)!.dataSync());
  step(); // warm-up: XNNPACK operator creation, kernel setup
  const start = performance.now();
  let steps = 0;
  while (steps < minSteps || (performance.now() - start) / 1000 < seconds) {
    step();
    steps++;
  }
  const rate = (steps * batchSize) / ((performance.now() - start) / 1000);
  let profile: Array<[string, number]> = [];
  if (backend === 'wasm') {
    const info = await tf.profile(() => step());
    const byKernel = new Map<string, number>();
    for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    profile = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12);
  }
  tf.dispose([x, y]);
  model.dispose();
  return { rate, steps, profile, params: model.countParams() };
}

const wasm = await imagesPerSecond('wasm', budget, 3);
console.log(`default architecture (${wasm.params} params), batch ${batchSize}, one training step = forward + backward + adam`);
console.log(`wasm (SIMD, composed gradients): ${wasm.rate.toFixed(1)} images/s (${wasm.steps} steps)`);
console.log('wasm per-kernel profile of one step (nested kernels counted inside their composed parent too):');
for (const [name, ms] of wasm.profile) console.log(`  ${name.padEnd(28)} ${ms.toFixed(1)} ms`);
const cpu = await imagesPerSecond('cpu', cpuBudget, 1);
console.log(`cpu (pure JS):                   ${cpu.rate.toFixed(2)} images/s (${cpu.steps} steps)`);
console.log(`ratio wasm/cpu: ${(wasm.rate / cpu.rate).toFixed(1)}×`);

// The backend's own Conv2DBackpropInput (scalar loop) against the composed one, on the default net's shapes.
{
  const { originalWasmConv2DBackpropInput } = await import('../scripts/lib/wasm-gradients.js');
  await initBackend('wasm');
  const backend = tf.backend();
  // It was unregistered before the backend started, so its wasm binding was never set up.
  originalWasmConv2DBackpropInput!.setupFunc?.(backend);
  console.log('Conv2DBackpropInput, batch 64 (ms per call): backend loop vs composed forward conv');
  for (const [h, inC, outC] of [[28, 32, 32], [14, 32, 64], [14, 64, 64]]) {
    const dy = tf.randomNormal([64, h, h, outC]);
    const filter = tf.randomNormal([3, 3, inC, outC]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [64, h, h, inC] };
    const time = (f: () => void) => {
      f();
      const t = performance.now();
      for (let i = 0; i < 3; i++) f();
      return (performance.now() - t) / 3;
    };
    const loop = time(() => {
      const out = originalWasmConv2DBackpropInput!.kernelFunc({ inputs: { dy, filter }, attrs, backend } as never) as tf.TensorInfo;
      backend.disposeData(out.dataId);
    });
    const composed = time(() => tf.tidy(() => void tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, [64, h, h, inC], 1, 'same').dataSync()));
    console.log(`  ${h}×${h} ${inC}←${outC}: ${loop.toFixed(1)} vs ${composed.toFixed(1)} (${(loop / composed).toFixed(1)}×)`);
    tf.dispose([dy, filter]);
  }
}
