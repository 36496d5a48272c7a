/**
 * A minimal protobuf wire-format reader: enough to walk TensorBoard's Event/Summary/TensorProto messages.
 * Every read is bounds-checked; a malformed message throws ProtobufError and never reads past its end.
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

const utf8 = new TextDecoder('utf-8');

/** Longest string read byte by byte: tags are short, and TextDecoder's per-call cost dominates for them. */
const MAX_SHORT_STRING = 64;

/**
 * Reads the fields of one message in place, one at a time: the current field's number, wire type and value (a
 * varint, or where its bytes are), with no object or view per field — an event file has hundreds of thousands.
 * @example for (const f = new FieldReader(bytes); f.next(); ) if (f.number === 1) tag = f.string()
 */
export class FieldReader {
  number = 0;
  wireType = 0;
  /** The value of a varint field (values above 2^53 lose precision: steps and enums never get there). */
  varint = 0;
  /** The bytes of any other field are `buf[start, end)`. */
  start = 0;
  end = 0;
  private pos: number;

  /** Reads the message in `buf[from, limit)`; `view` is a DataView of all of `buf` when the caller has one. */
  constructor(
    readonly buf: Uint8Array,
    from = 0,
    private limit = buf.length,
    private readonly view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
  ) {
    this.pos = from;
  }

  /** Moves to the next field; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.limit) return false;
    const key = this.readVarint();
    this.number = Math.floor(key / 8);
    this.wireType = key % 8;
    if (this.number === 0) throw new ProtobufError('field number 0');
    this.varint = 0;
    if (this.wireType === WIRE_VARINT) {
      this.varint = this.readVarint();
      this.start = this.end = this.pos;
    } else if (this.wireType === WIRE_FIXED64 || this.wireType === WIRE_FIXED32) {
      const size = this.wireType === WIRE_FIXED64 ? 8 : 4;
      if (this.pos + size > this.limit) throw new ProtobufError('fixed-size field runs past the end of the message');
      this.bound(size);
    } else if (this.wireType === WIRE_LENGTH_DELIMITED) {
      const length = this.readVarint();
      if (length > this.limit - this.pos) {
        throw new ProtobufError('length-delimited field runs past the end of the message');
      }
      this.bound(length);
    } else {
      throw new ProtobufError(`unsupported wire type ${this.wireType}`);
    }
    return true;
  }

  /** The current field's bytes, read as a message. */
  message(): FieldReader {
    return new FieldReader(this.buf, this.start, this.end, this.view);
  }

  /**
   * The current field's bytes, read as a message by `reader` (of the same buffer), which stops reading its own:
   * `message()` without an object per message, for the nested messages of every record of a long file.
   */
  messageIn(reader: FieldReader): FieldReader {
    return reader.read(this.start, this.end);
  }

  /** Reads the message in `buf[from, limit)` from now on. */
  read(from: number, limit: number): this {
    this.pos = from;
    this.limit = limit;
    return this;
  }

  /** The current `float` field (fixed32), little-endian. */
  float(): number {
    if (this.wireType !== WIRE_FIXED32) throw new ProtobufError(`field ${this.number} is not a float`);
    return this.view.getFloat32(this.start, true);
  }

  /** The current `double` field (fixed64), little-endian. */
  double(): number {
    if (this.wireType !== WIRE_FIXED64) throw new ProtobufError(`field ${this.number} is not a double`);
    return this.view.getFloat64(this.start, true);
  }

  /** The current field's repeated floats or doubles: packed, or a single unpacked one. */
  packedFloats(width: 4 | 8): number[] {
    const expected = width === 4 ? WIRE_FIXED32 : WIRE_FIXED64;
    if (this.wireType === expected) return [width === 4 ? this.float() : this.double()];
    if (this.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`field ${this.number} is not packed numbers`);
    return this.littleEndianFloats(width);
  }

  /** The current field's bytes as raw little-endian float32/float64 values (TensorProto.tensor_content). */
  littleEndianFloats(width: 4 | 8): number[] {
    if ((this.end - this.start) % width !== 0) throw new ProtobufError('packed numbers of a ragged length');
    const out: number[] = [];
    for (let i = this.start; i < this.end; i += width) {
      out.push(width === 4 ? this.view.getFloat32(i, true) : this.view.getFloat64(i, true));
    }
    return out;
  }

  /** The current `string` field. */
  string(): string {
    if (this.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`field ${this.number} is not a string`);
    return decodeString(this.buf.subarray(this.start, this.end));
  }

  private bound(size: number): void {
    this.start = this.pos;
    this.end = this.pos += size;
  }

  /** Reads a varint at the current position. */
  private readVarint(): number {
    const { buf } = this;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.limit) throw new ProtobufError('varint runs past the end of the message');
      const b = buf[this.pos++];
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }
}

/** The bytes of a `string` field as a string (UTF-8). */
export function decodeString(bytes: Uint8Array): string {
  if (bytes.length <= MAX_SHORT_STRING && bytes.every((b) => b < 0x80)) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]); // ASCII: one code unit per byte
  }
  return utf8.decode(bytes);
}
