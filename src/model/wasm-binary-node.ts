import { compileWasmFromPackage } from './image/codecs-node';

/** Node-only twin of ./wasm-binary.ts: the same non-threaded SIMD binary, compiled from node_modules. */
export const compileTfjsWasmBinary = (): Promise<WebAssembly.Module> =>
  compileWasmFromPackage('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm');
