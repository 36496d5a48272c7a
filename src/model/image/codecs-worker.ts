// Workers forbid compiling wasm from bytes at run time; wrangler's CompiledWasm rule turns these imports into
// WebAssembly.Module objects at deploy time. Only the Worker imports this file (Node cannot import .wasm).
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm';
import jpegWasm from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
import webpWasm from '@jsquash/webp/codec/dec/webp_dec.wasm';
import { initImageCodecs } from './codecs';

/**
 * Registers the codec modules bundled with the Worker. Cheap: instantiation waits for the first image of each type.
 *
 * @example
 * initWorkerImageCodecs(); const img = await decodeImage(bytes);
 */
export function initWorkerImageCodecs(): void {
  initImageCodecs({ png: pngWasm, jpeg: jpegWasm, webp: webpWasm });
}
