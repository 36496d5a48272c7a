import { bundledModels, defaultModelId } from '../../models/index';
import { initWorkerImageCodecs } from './image/codecs-worker';
import { ModelRegistry } from './registry';
import { tfjsWasmBinary } from './wasm-binary';
import { initWasmBackend } from './wasm-backend';

/** The wasm-SIMD backend of this isolate (instantiated once, on first use), and the image codecs (registered once). */
export const ensureBackend = () => {
  initWorkerImageCodecs();
  return initWasmBackend(tfjsWasmBinary);
};

/** The models this Worker serves; nothing loads at module top level (start-up time counts). */
export const models = new ModelRegistry(bundledModels, defaultModelId, ensureBackend);
