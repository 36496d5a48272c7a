// A minimal binding to @jsquash/png's wasm decoder (squoosh's Rust `png` crate, built with wasm-bindgen 0.2).
// The package's own glue keeps one instance per JS module, forever; when the Rust code fails on a corrupt image it
// throws through the wasm stack without freeing the output buffer it already allocated (width×height×4 bytes, measured:
// +16 MB per corrupt 2000×2000 PNG). This binding makes an instance per codec lifetime so a failed one can be dropped.
import type { RgbaImage } from './codecs';

/** The exports of squoosh_png_bg.wasm that decoding uses. */
interface PngWasmExports {
  memory: WebAssembly.Memory;
  decode(ptr: number, len: number): number;
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
}

/** wasm-bindgen's first free slot of its JS object table: 0–127 are its stack, 128–131 hold undefined/null/true/false. */
const FIRST_HEAP_SLOT = 132;

/**
 * Instantiates the PNG decoder from its compiled module. The import names carry a hash per wasm-bindgen build, so they
 * are matched by prefix; an import this binding does not know fails here, at instantiation, not on a user's image.
 */
export function instantiatePngDecoder(module: WebAssembly.Module): (bytes: Uint8Array) => RgbaImage {
  const heap: unknown[] = new Array(128).fill(undefined);
  heap.push(undefined, null, true, false);
  let nextFree = heap.length;
  const addObject = (value: unknown): number => {
    if (nextFree === heap.length) heap.push(heap.length + 1);
    const index = nextFree;
    nextFree = heap[index] as number;
    heap[index] = value;
    return index;
  };
  const takeObject = (index: number): unknown => {
    const value = heap[index];
    if (index >= FIRST_HEAP_SLOT) {
      heap[index] = nextFree;
      nextFree = index;
    }
    return value;
  };

  let wasm: PngWasmExports | undefined;
  const memoryBytes = (ptr: number, len: number) => new Uint8Array(wasm!.memory.buffer, ptr >>> 0, len >>> 0);
  const handlers: Record<string, (...args: number[]) => unknown> = {
    __wbindgen_memory: () => addObject(wasm!.memory),
    __wbg_buffer_: (i) => addObject((heap[i] as WebAssembly.Memory).buffer),
    __wbg_newwithbyteoffsetandlength_: (buffer, offset, length) => addObject(new Uint16Array(heap[buffer] as ArrayBuffer, offset >>> 0, length >>> 0)),
    __wbindgen_object_drop_ref: (i) => void takeObject(i),
    __wbg_newwithownedu8clampedarrayandsh_: (ptr, len, width, height) => {
      const data = new Uint8ClampedArray(memoryBytes(ptr, len)); // copy out: the wasm memory is reused
      wasm!.__wbindgen_free(ptr, len, 1);
      return addObject({ width: width >>> 0, height: height >>> 0, data } satisfies RgbaImage);
    },
    __wbindgen_throw: (ptr, len) => {
      throw new Error(new TextDecoder().decode(memoryBytes(ptr, len)));
    },
  };
  const wbg: Record<string, (...args: number[]) => unknown> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    const handler = Object.entries(handlers).find(([prefix]) => name === prefix || (prefix.endsWith('_') && name.startsWith(prefix)));
    if (from !== 'wbg' || !handler) throw new Error(`unexpected import ${from}.${name} in the PNG codec; @jsquash/png changed its glue`);
    wbg[name] = handler[1];
  }
  wasm = new WebAssembly.Instance(module, { wbg }).exports as unknown as PngWasmExports;

  return (bytes) => {
    const ptr = wasm!.__wbindgen_malloc(bytes.length, 1) >>> 0;
    memoryBytes(ptr, bytes.length).set(bytes); // the Rust side owns and frees this buffer
    return takeObject(wasm!.decode(ptr, bytes.length)) as RgbaImage;
  };
}
