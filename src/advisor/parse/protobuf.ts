/**
 * A minimal protobuf wire-format reader: enough to walk TensorBoard's Event/Summary/TensorProto messages.
 * Every read is bounds-checked; a malformed message throws ProtobufError and never reads past its slice.
 */

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** One field of a message: `varint` for varint fields, `bytes` (a view, not a copy) for the others. */
export interface ProtobufField {
  number: number;
  wireType: number;
  varint: number;
  bytes: Uint8Array;
}

/** The `bytes` of a varint field. */
const NO_BYTES = new Uint8Array(0);

/** Reads a varint at `pos`; values above 2^53 lose precision (steps and enums never get there). */
export function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError('varint runs past the end of the message');
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new ProtobufError('varint longer than 10 bytes');
}

/**
 * Splits a message into its fields, in order.
 * @example for (const f of readFields(bytes)) if (f.number === 1) tag = decodeUtf8(f.bytes)
 */
export function readFields(buf: Uint8Array): ProtobufField[] {
  const fields: ProtobufField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (number === 0) throw new ProtobufError('field number 0');
    if (wireType === WIRE_VARINT) {
      const [v, next] = readVarint(buf, pos);
      fields.push({ number, wireType, varint: v, bytes: NO_BYTES });
      pos = next;
    } else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      const size = wireType === WIRE_FIXED64 ? 8 : 4;
      if (pos + size > buf.length) throw new ProtobufError('fixed-size field runs past the end of the message');
      fields.push({ number, wireType, varint: 0, bytes: buf.subarray(pos, pos + size) });
      pos += size;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const [len, next] = readVarint(buf, pos);
      if (len > buf.length - next) throw new ProtobufError('length-delimited field runs past the end of the message');
      fields.push({ number, wireType, varint: 0, bytes: buf.subarray(next, next + len) });
      pos = next + len;
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Eight bytes to read a float or double through, rather than a DataView per field (an event file has 100 000s). */
const scratch = new DataView(new ArrayBuffer(8));

function scratchOf(bytes: Uint8Array): DataView {
  for (let i = 0; i < bytes.length; i++) scratch.setUint8(i, bytes[i]);
  return scratch;
}

/** A `float` field (fixed32), little-endian. */
export function fieldFloat(f: ProtobufField): number {
  if (f.wireType !== WIRE_FIXED32) throw new ProtobufError(`field ${f.number} is not a float`);
  return scratchOf(f.bytes).getFloat32(0, true);
}

/** A `double` field (fixed64), little-endian. */
export function fieldDouble(f: ProtobufField): number {
  if (f.wireType !== WIRE_FIXED64) throw new ProtobufError(`field ${f.number} is not a double`);
  return scratchOf(f.bytes).getFloat64(0, true);
}

/** Packed (or a single unpacked) repeated float/double values. */
export function packedFloats(f: ProtobufField, width: 4 | 8): number[] {
  const expected = width === 4 ? WIRE_FIXED32 : WIRE_FIXED64;
  if (f.wireType === expected) return [width === 4 ? fieldFloat(f) : fieldDouble(f)];
  if (f.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`field ${f.number} is not packed numbers`);
  return littleEndianFloats(f.bytes, width);
}

/** Raw little-endian float32/float64 values (TensorProto.tensor_content). */
export function littleEndianFloats(bytes: Uint8Array, width: 4 | 8): number[] {
  if (bytes.length % width !== 0) throw new ProtobufError('packed numbers of a ragged length');
  const view = viewOf(bytes);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += width) {
    out.push(width === 4 ? view.getFloat32(i, true) : view.getFloat64(i, true));
  }
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Longest string read byte by byte: tags are short, and TextDecoder's per-call cost dominates for them. */
const MAX_SHORT_STRING = 64;

/** A `string` field. */
export function fieldString(f: ProtobufField): string {
  if (f.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`field ${f.number} is not a string`);
  const { bytes } = f;
  if (bytes.length <= MAX_SHORT_STRING && bytes.every((b) => b < 0x80)) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]); // ASCII: one code unit per byte
  }
  return utf8.decode(bytes);
}
