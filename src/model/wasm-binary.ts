// Worker-only: wrangler's CompiledWasm rule turns this import into a WebAssembly.Module at deploy time.
import simdBinary from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm';

/** The non-threaded SIMD build: threads (SharedArrayBuffer workers) do not exist in Workers. */
export const tfjsWasmBinary: WebAssembly.Module = simdBinary;
