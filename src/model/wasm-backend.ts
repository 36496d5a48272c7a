import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// The Emscripten glue shared by the plain and SIMD binaries (the package's own loader imports the same file).
import * as wasmGlueImport from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';

type EmscriptenModule = {
  cwrap: (name: string, ret: string | null, args: string[]) => (...args: number[]) => number;
  tfjs?: Record<string, unknown>;
};
type GlueFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
const glueFactory = ((wasmGlueImport as { default?: unknown }).default ?? wasmGlueImport) as GlueFactory;

/**
 * Size of the indirect function table of each tfjs-backend-wasm 4.22.0 binary. The SIMD build carries the XNNPACK
 * SIMD micro-kernels, so its table is longer; a compiled module exposes no other trace of SIMD (same imports, same
 * exports, no custom sections), so this is how `simd` is read from the binary actually instantiated.
 * test/node/wasm-binary-fingerprint.test.ts checks both numbers against the files in node_modules.
 */
export const FUNCTION_TABLE_LENGTH = { plain: 266, simd: 296 } as const;

export interface WasmBackendInfo {
  backend: 'wasm';
  simd: boolean;
  functionTableLength: number;
}

let ready: Promise<WasmBackendInfo> | undefined;

/**
 * Instantiates a precompiled tfjs wasm binary and makes it the active tfjs backend. Workers forbid compiling wasm
 * from bytes (tfjs#8157), so the binary comes in as a `WebAssembly.Module` and reaches the glue through its
 * `instantiateWasm` hook. Threads are impossible in Workers: pass the non-threaded (SIMD) binary.
 * @example await initWasmBackend(simdModule) // { backend: 'wasm', simd: true, … }
 */
export function initWasmBackend(binary: WebAssembly.Module): Promise<WasmBackendInfo> {
  ready ??= instantiate(binary).catch((error) => {
    ready = undefined; // let a later request retry instead of caching the failure forever
    throw error;
  });
  return ready;
}

async function instantiate(binary: WebAssembly.Module): Promise<WasmBackendInfo> {
  let functionTableLength = 0;
  const config = {
    // Emscripten calls this instead of fetching or reading a .wasm file.
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      WebAssembly.instantiate(binary, imports).then((instance) => {
        functionTableLength = (instance.exports.__indirect_function_table as WebAssembly.Table).length;
        receive(instance, binary);
      });
      return {};
    },
  };
  const wasm = await withWebGlue(() => glueFactory(config));
  wasm.tfjs = {
    init: wasm.cwrap('init', null, []),
    initWithThreadsCount: wasm.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: wasm.cwrap('get_threads_count', 'number', []),
    registerTensor: wasm.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: wasm.cwrap('dispose_data', null, ['number']),
    dispose: wasm.cwrap('dispose', null, []),
  };
  // Importing the package registered a 'wasm' factory that fetches its binary; replace it with ours.
  if (tf.engine().registryFactory['wasm']) tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new BackendWasm(wasm as never), 3);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs refused to initialise the wasm backend');
  await tf.ready();
  return { backend: 'wasm', simd: functionTableLength === FUNCTION_TABLE_LENGTH.simd, functionTableLength };
}

/**
 * With `nodejs_compat` (always on in vitest-pool-workers) the glue sees `process.versions.node` and takes its Node
 * branch, which reads `__dirname` and requires `fs`. Hiding `process` for the synchronous factory call makes it take
 * the same web branch as production, in both runtimes.
 */
function withWebGlue<T>(create: () => T): T {
  const global = globalThis as { process?: unknown };
  const descriptor = Object.getOwnPropertyDescriptor(global, 'process');
  if (!descriptor) return create();
  Object.defineProperty(global, 'process', { value: undefined, configurable: true, writable: true });
  try {
    return create();
  } finally {
    Object.defineProperty(global, 'process', descriptor);
  }
}
