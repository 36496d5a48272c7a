import { describe, expect, it } from 'vitest';
import { FieldReader, ProtobufError, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../../../src/advisor/parse/protobuf';

/** Every field of a message as [number, wire type, value]: varints, floats of fixed32 fields, strings otherwise. */
function fieldsOf(bytes: number[]): Array<[number, number, unknown]> {
  const fields: Array<[number, number, unknown]> = [];
  for (const f = new FieldReader(new Uint8Array(bytes)); f.next(); ) {
    const value = f.wireType === WIRE_VARINT ? f.varint : f.wireType === WIRE_FIXED32 ? f.float() : f.string();
    fields.push([f.number, f.wireType, value]);
  }
  return fields;
}

describe('FieldReader', () => {
  it('reads varint, float, string and nested message fields in place', () => {
    const half = [0x00, 0x00, 0x00, 0x3f]; // 0.5f
    expect(fieldsOf([0x10, 0xac, 0x02, 0x15, ...half, 0x0a, 0x02, 0x68, 0x69])).toEqual([
      [2, WIRE_VARINT, 300],
      [2, WIRE_FIXED32, 0.5],
      [1, WIRE_LENGTH_DELIMITED, 'hi'],
    ]);
    const outer = new FieldReader(new Uint8Array([0x2a, 0x03, 0x08, 0x96, 0x01]));
    expect(outer.next()).toBe(true);
    const inner = outer.message();
    expect(inner.next() && [inner.number, inner.varint]).toEqual([1, 150]);
    expect(inner.next()).toBe(false);
  });

  it('reads nested messages in a reused reader as message() reads them', () => {
    // two nested messages (field 5), then a varint field of the outer message
    const bytes = new Uint8Array([0x2a, 0x03, 0x08, 0x96, 0x01, 0x2a, 0x02, 0x08, 0x07, 0x10, 0x01]);
    const outer = new FieldReader(bytes);
    const reused = new FieldReader(bytes, 0, 0);
    const read: number[][] = [];
    while (outer.next()) {
      if (outer.number !== 5) continue;
      const fields = (f: FieldReader) => (f.next() ? [f.number, f.varint, Number(f.next())] : []);
      read.push(fields(outer.messageIn(reused)), fields(outer.message()));
    }
    expect(read).toEqual([[1, 150, 0], [1, 150, 0], [1, 7, 0], [1, 7, 0]]);
  });

  it('reads packed floats and doubles, and refuses a ragged length', () => {
    const f = new FieldReader(new Uint8Array([0x2a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0x2a, 0x03, 1, 2, 3]));
    expect(f.next() && f.packedFloats(4)).toEqual([1, 2]);
    expect(f.next() && (() => f.packedFloats(4))).toThrow(ProtobufError);
  });

  it.each([
    ['field number 0', [0x02, 0x00]],
    ['a varint past the end', [0x08, 0x80]],
    ['a varint longer than 10 bytes', [0x08, ...new Array(10).fill(0x80), 0x01]],
    ['a fixed32 past the end', [0x0d, 0x00, 0x00]],
    ['a length past the end', [0x0a, 0x05, 0x61]],
    ['an unsupported wire type', [0x0b]],
  ])('throws ProtobufError on %s', (_, bytes) => {
    expect(() => fieldsOf(bytes)).toThrow(ProtobufError);
  });

  it('never reads past the end of its message', () => {
    const f = new FieldReader(new Uint8Array([0x0a, 0x01, 0x61, 0x08, 0x01]), 0, 3);
    expect(f.next() && f.string()).toBe('a');
    expect(f.next()).toBe(false);
  });
});
