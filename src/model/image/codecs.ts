import mozjpegDecoderFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import webpDecoderFactory from '@jsquash/webp/codec/dec/webp_dec.js';
import type { ImageType } from './header';
import { instantiatePngDecoder } from './png-codec';

/** The decoders' wasm binaries, already compiled: a Worker gets them from its module imports, Node compiles the files. */
export interface ImageCodecModules {
  png: WebAssembly.Module;
  jpeg: WebAssembly.Module;
  webp: WebAssembly.Module;
}

/** Straight RGBA, 8 bits per channel, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

type Decoder = (bytes: Uint8Array) => RgbaImage | null;

/** What the squoosh Emscripten decoders (mozjpeg, libwebp) expose after instantiation. */
interface EmscriptenDecoder {
  decode(data: Uint8Array, preserveOrientation?: boolean): RgbaImage | null;
}
type EmscriptenDecoderFactory = (options: Record<string, unknown>) => Promise<EmscriptenDecoder>;

/** A codec could not be set up (not initialised, or an incompatible binary): our fault, never the image's. */
export class ImageCodecUnavailableError extends Error {
  override readonly name = 'ImageCodecUnavailableError';
}

let modules: ImageCodecModules | undefined;
const decoders: Partial<Record<ImageType, Promise<Decoder>>> = {};

/**
 * Registers the compiled codec modules; each codec is instantiated on its first use, once per isolate.
 *
 * @example
 * initImageCodecs({ png: pngModule, jpeg: jpegModule, webp: webpModule })
 */
export function initImageCodecs(compiled: ImageCodecModules): void {
  if (modules && modules.png === compiled.png && modules.jpeg === compiled.jpeg && modules.webp === compiled.webp) return;
  modules = compiled;
  for (const type of Object.keys(decoders) as ImageType[]) delete decoders[type];
}

/** True once `initImageCodecs` has run in this isolate. */
export function imageCodecsInitialised(): boolean {
  return modules !== undefined;
}

/**
 * Decodes with the codec for `type`; throws whatever the codec throws (the caller turns it into an ImageInputError).
 * Returns null when the codec reports failure without throwing.
 */
export async function decodeWithCodec(type: ImageType, bytes: Uint8Array): Promise<RgbaImage | null> {
  if (!modules) throw new ImageCodecUnavailableError('image codecs are not initialised: call initWorkerImageCodecs() or initNodeImageCodecs() first');
  const pending = (decoders[type] ??= instantiateDecoder(type, modules));
  let decode: Decoder;
  try {
    decode = await pending;
  } catch (error) {
    if (decoders[type] === pending) delete decoders[type];
    throw new ImageCodecUnavailableError(`the ${type} codec failed to instantiate`, { cause: error });
  }
  try {
    return decode(bytes);
  } catch (error) {
    // A codec that failed mid-image may have leaked its buffers (PNG) or left its heap inconsistent (libjpeg exit()s):
    // drop the instance and its memory, and start the next image on a fresh one (instantiating a compiled module is cheap).
    if (decoders[type] === pending) delete decoders[type];
    throw error;
  }
}

async function instantiateDecoder(type: ImageType, compiled: ImageCodecModules): Promise<Decoder> {
  if (type === 'png') return instantiatePngDecoder(compiled.png);
  const factory = (type === 'jpeg' ? mozjpegDecoderFactory : webpDecoderFactory) as unknown as EmscriptenDecoderFactory;
  const instance = await instantiateEmscripten(factory, type === 'jpeg' ? compiled.jpeg : compiled.webp);
  // preserveOrientation=false: mozjpeg applies the EXIF rotation, so phone photos arrive upright.
  return type === 'jpeg' ? (bytes) => instance.decode(bytes, false) : (bytes) => instance.decode(bytes);
}

/**
 * The squoosh Emscripten glue is built for web and worker only (no Node branch), and every branch that would fetch or
 * read the .wasm file is bypassed by `instantiateWasm`, so the same call works in workerd with or without nodejs_compat
 * and in Node.
 */
function instantiateEmscripten(factory: EmscriptenDecoderFactory, module: WebAssembly.Module): Promise<EmscriptenDecoder> {
  return factory({
    noInitialRun: true,
    // Never resolve the .wasm URL from import.meta.url (undefined in some bundles); instantiateWasm makes it unused.
    locateFile: (path: string) => path,
    instantiateWasm(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(module, imports);
      receiveInstance(instance);
      return instance.exports;
    },
    // libjpeg reports corrupt input on stderr; the caller reports it to the user instead.
    print: () => {},
    printErr: () => {},
  });
}
