import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FUNCTION_TABLE_LENGTH, initWasmBackend } from '../../src/model/wasm-backend';

const wasmOut = (file: string) =>
  createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${file}`);

describe('SIMD is read from the binary actually instantiated', () => {
  it('the fingerprints match the binaries of the installed tfjs-backend-wasm', () => {
    for (const [file, expected] of [
      ['tfjs-backend-wasm.wasm', FUNCTION_TABLE_LENGTH.plain],
      ['tfjs-backend-wasm-simd.wasm', FUNCTION_TABLE_LENGTH.simd],
    ] as const) {
      const module = new WebAssembly.Module(readFileSync(wasmOut(file)));
      const instance = new WebAssembly.Instance(module, {
        env: { abort() {}, emscripten_memcpy_big() {}, emscripten_get_heap_max: () => 2 ** 31, emscripten_resize_heap: () => 0 },
        wasi_snapshot_preview1: { fd_close() {}, fd_write() {}, fd_seek() {} },
      });
      expect((instance.exports.__indirect_function_table as WebAssembly.Table).length).toBe(expected);
    }
  });

  it('loading the non-SIMD binary through the Worker loader reports simd: false and still computes', async () => {
    const plain = await WebAssembly.compile(readFileSync(wasmOut('tfjs-backend-wasm.wasm')));
    const info = await initWasmBackend(plain);
    expect(info).toMatchObject({ backend: 'wasm', simd: false });
    expect(tf.getBackend()).toBe('wasm');
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(await product.data()).toEqual(new Float32Array([11]));
  });
});
