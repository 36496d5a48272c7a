import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { imageCodecsInitialised, initImageCodecs, type ImageCodecModules } from './codecs';

/** The decoders' wasm files inside the @jsquash packages (they have no `exports` map, so deep paths resolve). */
export const IMAGE_CODEC_WASM_PATHS: Record<keyof ImageCodecModules, string> = {
  png: '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
  jpeg: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  webp: '@jsquash/webp/codec/dec/webp_dec.wasm',
};

/** Compiles a wasm file of an installed package; Node, unlike workerd, may compile from bytes. */
export async function compileWasmFromPackage(specifier: string): Promise<WebAssembly.Module> {
  const path = createRequire(import.meta.url).resolve(specifier);
  return WebAssembly.compile(await readFile(path));
}

/**
 * Compiles the codec wasm files and registers them, once per process.
 *
 * @example
 * await initNodeImageCodecs(); const img = await decodeImage(await readFile('shirt.jpg'));
 */
export async function initNodeImageCodecs(): Promise<void> {
  if (imageCodecsInitialised()) return;
  const [png, jpeg, webp] = await Promise.all([
    compileWasmFromPackage(IMAGE_CODEC_WASM_PATHS.png),
    compileWasmFromPackage(IMAGE_CODEC_WASM_PATHS.jpeg),
    compileWasmFromPackage(IMAGE_CODEC_WASM_PATHS.webp),
  ]);
  initImageCodecs({ png, jpeg, webp });
}
