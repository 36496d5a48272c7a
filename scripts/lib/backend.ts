/**
 * Backend selection for the training scripts: `wasm` (default, XNNPACK SIMD with the gradient kernels of
 * ./wasm-gradients.ts), `tensorflow` (tfjs-node-gpu or tfjs-node when the user installed one), `cpu` (pure JS).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' Node bundle is what registers core's gradient functions (tfjs-core's own Node bundle has none).
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installFastTrainingOps } from './training-ops.js';
import { registerWasmTrainingKernels } from './wasm-gradients.js';

export type BackendName = 'wasm' | 'tensorflow' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'tensorflow', 'cpu'];

const require = createRequire(import.meta.url);

/** Folder of the tfjs wasm binaries inside node_modules (loaded from disk, no fetch). */
function wasmBinaryFolder(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

/** What `initBackend` ended up with, for logs and run records. */
export interface BackendInfo {
  name: string;
  simd?: boolean;
}

/**
 * Activates a backend and returns its description.
 * @example await initBackend('wasm') // {name: 'wasm', simd: true}
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<BackendInfo> {
  registerWasmTrainingKernels();
  installFastTrainingOps();
  if (name === 'tensorflow') return initTensorflowBackend();
  if (name === 'wasm') {
    // The threaded binary needs browser workers (Blob URLs); Node gets the single-threaded SIMD one.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(wasmBinaryFolder());
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend '${name}' failed to initialize`);
  await tf.ready();
  const simd = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : undefined;
  return { name, simd };
}

async function initTensorflowBackend(): Promise<BackendInfo> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      await tf.setBackend('tensorflow');
      await tf.ready();
      return { name: `tensorflow (${pkg})` };
    } catch (error) {
      if (!isModuleNotFound(error)) throw error;
    }
  }
  throw new Error(
    "backend 'tensorflow' needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node installed: " +
      'npm install --no-save @tensorflow/tfjs-node@4.22.0 — or use --backend wasm',
  );
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
