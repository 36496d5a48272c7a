/**
 * npm run bench:fold — what folding batch norms and activations into the conv/dense ops
 * (src/model/folded-layers.ts) saves per inference of the default model, on the Worker's wasm-SIMD backend
 * run in Node: LayersModel.predict against the folded chain, in one run, with the kernel count of each.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { readModelFolder } from '../scripts/lib/model-folder';
import { foldLayersModel } from '../src/model/folded-layers';
import { initWasmBackend } from '../src/model/wasm-backend';
import { compileTfjsWasmBinary } from '../src/model/wasm-binary-node';

const RUNS = 2000;

async function msPerInference(run: () => void): Promise<{ ms: number; kernels: number }> {
  for (let i = 0; i < 200; i++) run();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) run();
  const ms = (performance.now() - t0) / RUNS;
  const { kernels } = await tf.profile(run);
  return { ms, kernels: kernels.filter((k) => !k.name.endsWith('__op')).length };
}

async function main() {
  await initWasmBackend(await compileTfjsWasmBinary());
  const { modelJson, weights } = readModelFolder('models/fashion-mnist');
  const json = modelJson as unknown as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const model = await loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: weights[0] }),
  );
  const folded = foldLayersModel(model)!;
  const input = tf.tensor4d(new Float32Array(28 * 28).map((_, i) => (i % 7) / 7), [1, 28, 28, 1]);
  const layers = await msPerInference(() => tf.tidy(() => void (model.predict(input) as tf.Tensor).dataSync()));
  const plan = await msPerInference(() => tf.tidy(() => void folded.run(input).dataSync()));
  console.log(`fashion-mnist, one 28×28 image on wasm-SIMD (Node), mean of ${RUNS}:`);
  console.log(`  LayersModel.predict  ${layers.ms.toFixed(3)} ms  ${layers.kernels} kernels`);
  console.log(`  folded chain         ${plan.ms.toFixed(3)} ms  ${plan.kernels} kernels  (${(layers.ms / plan.ms).toFixed(1)}× faster)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
