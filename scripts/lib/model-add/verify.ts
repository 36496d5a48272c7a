/**
 * Loads a written model folder the way the Worker does (src/model/loaded-model.ts, from memory: model.json + the
 * shards in manifest order) on tfjs' pure-JS cpu backend, and runs one all-zero input through it. tfjs is imported
 * here, lazily, so the command's input errors come back before tfjs has loaded.
 */
import type { ModelManifest } from '../../../src/model/manifest';
import { readModelFiles } from '../model-folder';

/**
 * The model's raw output for a zero input (softmax is not applied, whatever `manifest.outputs` says).
 * @example await runZeroInput('models/.tmp-abc', manifest) // Float32Array(1001)
 */
export async function runZeroInput(dir: string, manifest: ModelManifest): Promise<Float32Array> {
  const tf = await import('@tensorflow/tfjs-core');
  // Silences the cpu backend's "install tfjs-node" banner (tfjs-layers makes tensors as it loads); a one-off check.
  tf.env().set('PROD', true);
  await import('@tensorflow/tfjs-backend-cpu');
  const { loadBundledModel } = await import('../../../src/model/loaded-model');
  if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialize');
  const { modelJson, weights } = readModelFiles(dir);
  const loaded = await loadBundledModel({ ...manifest, outputs: 'probabilities' }, { manifest, modelJson, weights });
  const [h, w, c] = manifest.inputShape;
  return loaded.predict(new Float32Array(h * w * c));
}
