import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { bundledModels, defaultModelId } from '../models/index';
import { loadBundledModel, type LoadedModel } from '../src/model/loaded-model';
import { ModelManifestSchema } from '../src/model/manifest';
import { ensureBackend } from '../src/model/service';

const loaded = new Map<string, Promise<LoadedModel>>();

/** The default model loaded on one backend; each backend keeps its own copy of the weights. */
function modelOn(backend: 'wasm' | 'cpu'): Promise<LoadedModel> {
  let model = loaded.get(backend);
  if (!model) {
    model = (async () => {
      await ensureBackend();
      await tf.setBackend(backend);
      const bundles = bundledModels.map((bundle) => ({ bundle, manifest: ModelManifestSchema.parse(bundle.manifest) }));
      const { bundle, manifest } = bundles.find((b) => b.manifest.id === defaultModelId) ?? bundles[0];
      return loadBundledModel(manifest, bundle);
    })();
    loaded.set(backend, model);
  }
  return model;
}

/** GET /infer?backend=wasm|cpu&n=N runs N predictions of the default model on a fixed input. */
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const backend = url.searchParams.get('backend') === 'cpu' ? 'cpu' : 'wasm';
    const n = Math.min(Number(url.searchParams.get('n') ?? 1) || 1, 10_000);
    const model = await modelOn(backend);
    await tf.setBackend(backend);
    const [h, w, c] = model.manifest.inputShape;
    const input = new Float32Array(h * w * c).map((_, i) => (i % 7) / 7);
    let checksum = 0;
    for (let i = 0; i < n; i++) checksum += model.predict(input)[0];
    return Response.json({ backend: tf.getBackend(), n, checksum });
  },
};
