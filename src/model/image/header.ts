import { ImageInputError } from './errors';

export type ImageType = 'png' | 'jpeg' | 'webp';

/** How messages name each format. */
export const IMAGE_FORMAT_NAME: Record<ImageType, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };

export interface ImageHeader {
  type: ImageType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>, offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');

/**
 * The image format from its magic bytes, or null when it is none we decode.
 *
 * @example
 * sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // 'jpeg'
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'webp';
  return null;
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
function u32be(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function u16le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u24le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
}

/**
 * Width and height from a PNG's IHDR chunk (always the first chunk), or null when it is missing or cut off.
 *
 * @example
 * readPngHeader(bytes) // { width: 28, height: 28 }
 */
function readPngHeader(bytes: Uint8Array): { width: number; height: number } | null {
  // signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4)
  if (bytes.length < 24 || !startsWith(bytes, PNG_SIGNATURE)) return null;
  if (u32be(bytes, 8) !== 13 || !startsWith(bytes, ascii('IHDR'), 12)) return null;
  return { width: u32be(bytes, 16), height: u32be(bytes, 20) };
}

/** SOFn markers (frame headers) carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Width and height from a JPEG's first SOFn segment, skipping APPn, DQT, DHT and other segments before it.
 * Null when the data ends, or the scan starts, before a frame header.
 *
 * @example
 * readJpegHeader(bytes) // { width: 256, height: 256 }
 */
function readJpegHeader(bytes: Uint8Array): { width: number; height: number } | null {
  if (!startsWith(bytes, [0xff, 0xd8])) return null;
  let o = 2;
  while (o < bytes.length) {
    if (bytes[o] !== 0xff) return null; // segments must be back to back
    while (o < bytes.length && bytes[o] === 0xff) o++; // fill bytes
    if (o >= bytes.length) return null;
    const marker = bytes[o++];
    // Standalone markers have no length field: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or start of scan before any frame header
    if (o + 2 > bytes.length) return null;
    const length = u16be(bytes, o);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      // length (2), precision (1), height (2), width (2)
      if (length < 7 || o + 7 > bytes.length) return null;
      return { width: u16be(bytes, o + 5), height: u16be(bytes, o + 3) };
    }
    o += length;
  }
  return null;
}

/**
 * Width and height from a WebP's first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended, canvas size).
 *
 * @example
 * readWebpHeader(bytes) // { width: 64, height: 48 }
 */
function readWebpHeader(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 30 || !startsWith(bytes, RIFF) || !startsWith(bytes, WEBP, 8)) return null;
  const chunk = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  const d = 20; // chunk payload after fourcc (4) and size (4)
  if (chunk === 'VP8 ') {
    // 3-byte frame tag, then the key-frame start code 9d 01 2a, then 14-bit sizes (top 2 bits are a scale hint)
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], d + 3)) return null;
    return { width: u16le(bytes, d + 6) & 0x3fff, height: u16le(bytes, d + 8) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[d] !== 0x2f) return null;
    const bits = (bytes[d + 1] | (bytes[d + 2] << 8) | (bytes[d + 3] << 16) | (bytes[d + 4] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    // flags (1), reserved (3), canvas width - 1 (24-bit), canvas height - 1 (24-bit)
    return { width: u24le(bytes, d + 4) + 1, height: u24le(bytes, d + 7) + 1 };
  }
  return null;
}

/**
 * Type, width and height read from the header alone, without decoding pixels.
 * Throws `ImageInputError`: `empty` for no bytes, `unsupported_type` for an unknown format,
 * `undecodable` for a known format whose header is missing or cut off.
 *
 * @example
 * readImageHeader(bytes) // { type: 'png', width: 30000, height: 30000 }
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new ImageInputError('empty', 'the image is empty (0 bytes)');
  const type = sniffImageType(bytes);
  if (type === null) throw new ImageInputError('unsupported_type', 'not a PNG, JPEG or WebP image');
  const size = type === 'png' ? readPngHeader(bytes) : type === 'jpeg' ? readJpegHeader(bytes) : readWebpHeader(bytes);
  if (size === null) throw new ImageInputError('undecodable', `the ${IMAGE_FORMAT_NAME[type]} header is missing or cut off`);
  return { type, ...size };
}

/**
 * True when a PNG's chunks lie back to back inside the data up to IEND, with image data before it. Catches truncated
 * uploads before the codec sees them: the codec allocates the whole output buffer first and leaks it when it fails.
 *
 * @example
 * isCompletePng(bytes.subarray(0, bytes.length - 12)) // false: IEND cut off
 */
export function isCompletePng(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, PNG_SIGNATURE)) return false;
  let o = PNG_SIGNATURE.length;
  let sawImageData = false;
  while (o + 12 <= bytes.length) {
    const length = u32be(bytes, o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    const end = o + 12 + length; // length (4) + type (4) + data + CRC (4)
    if (end > bytes.length) return false;
    if (type === 'IDAT') sawImageData = true;
    if (type === 'IEND') return sawImageData;
    o = end;
  }
  return false;
}
