import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  decodeHead,
  decodeText,
  parseMetricValue,
  PlainDecimalReader,
  RepeatedStrings,
  textChunks,
} from '../../../src/advisor/parse/text';
import { utf8 } from './fixtures/helpers';

/** Text from pieces that matter to line reading: line ends of every kind, multi-byte characters, byte order marks. */
const textOf = fc
  .array(fc.constantFrom('a', 'loss', '0.5', ',', '\n', '\r\n', '\r', '\n\n', 'é', '€', '😀', '\uFEFF', ' '), { maxLength: 60 })
  .map((parts) => parts.join(''));

const UTF16LE_BOM = [0xff, 0xfe];

describe('textChunks: the decoded text in pieces that end at line breaks', () => {
  it('gives decodeText in pieces, each ending just after a \\n but the last (any piece size)', () => {
    fc.assert(
      fc.property(textOf, fc.boolean(), fc.integer({ min: 1, max: 9 }), (text, bom, size) => {
        const bytes = utf8(bom ? `\uFEFF${text}` : text);
        const pieces = [...textChunks(bytes, size)];
        expect(pieces.join('')).toBe(decodeText(bytes));
        pieces.slice(0, -1).forEach((piece) => expect(piece.endsWith('\n')).toBe(true));
      }),
      { numRuns: 300 },
    );
  });

  it('handles CRLF, no trailing newline and empty lines: a piece is at least the size asked, up to a line end', () => {
    const bytes = utf8('epoch,loss\r\n0,0.9\r\n\r\n\n1,0.8');
    expect([...textChunks(bytes, 4)]).toEqual(['epoch,loss\r\n', '0,0.9\r\n', '\r\n\n1,0.8']);
    expect([...textChunks(bytes, 1)]).toEqual(['epoch,loss\r\n', '0,0.9\r\n', '\r\n', '\n', '1,0.8']);
  });

  it('drops byte order marks only at the very start, as decodeText does', () => {
    expect([...textChunks(utf8('\uFEFF\uFEFFa\n\uFEFFb\n'), 2)].join('')).toBe('a\n\uFEFFb\n');
  });

  it('reads UTF-16 (a byte order mark says so) as one piece, and gives nothing for no bytes', () => {
    const bytes = new Uint8Array([...UTF16LE_BOM, 0x61, 0, 0x0a, 0, 0x62, 0]);
    expect([...textChunks(bytes, 2)]).toEqual(['a\nb']);
    expect([...textChunks(new Uint8Array(0))]).toEqual([]);
  });

  it('can be read again', () => {
    const pieces = textChunks(utf8('a\nb\nc'), 1);
    expect([...pieces]).toEqual([...pieces]);
  });
});

describe('decodeHead: the start of the decoded text', () => {
  it('is all of a short upload', () => {
    expect(decodeHead(utf8('\uFEFFepoch,loss\n'))).toBe('epoch,loss\n');
  });

  it('is a prefix of the whole text, a character cut in two left out', () => {
    for (const filler of ['€', '😀', 'é', 'a']) {
      const bytes = utf8(`x${filler.repeat(CHUNK_BYTES)}`);
      const head = decodeHead(bytes);
      expect(head.length).toBeGreaterThan(CHUNK_BYTES / 4 - 1);
      expect(decodeText(bytes).startsWith(head)).toBe(true);
      expect(head).not.toContain('\uFFFD');
    }
  });
});

describe('PlainDecimalReader and parseMetricValue', () => {
  it('reads a plain decimal as the double Number() gives, and says where it stopped', () => {
    const reader = new PlainDecimalReader();
    expect(reader.read('a,-0.25,b', 2, 9)).toBe(-0.25);
    expect(reader.stop).toBe(7);
    expect(Object.is(reader.read('-0', 0, 2), -0)).toBe(true);
    expect(reader.read('5.', 0, 2)).toBe(5);
    expect(reader.read('.5', 0, 2)).toBe(0.5);
    expect(reader.read('1e-5', 0, 4)).toBe(1);
    expect(reader.stop).toBe(1);
    expect(reader.read('-.', 0, 2)).toBeNaN();
    expect(reader.read('1234567890123456', 0, 16)).toBeNaN(); // 16 digits: not exact, left to Number()
  });

  it('parses every decimal string exactly as Number() does', () => {
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,18}$/), fc.boolean(), fc.stringMatching(/^\d{0,18}$/))
      .filter(([, int, , frac]) => int.length + frac.length > 0)
      .map(([sign, int, dot, frac]) => `${sign}${int}${dot || frac ? '.' : ''}${frac}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(parseMetricValue(text)).toBe(Number(text));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(parseMetricValue(String(x))).toBe(Number(String(x)));
      }),
      { numRuns: 500 },
    );
  });

  it('still reads exponents, padding, nan, inf and missing values', () => {
    expect(parseMetricValue('1e-3')).toBe(0.001);
    expect(parseMetricValue(' 0.5 ')).toBe(0.5);
    expect(parseMetricValue('-inf')).toBe(-Infinity);
    expect(parseMetricValue('NaN')).toBeNaN();
    expect(parseMetricValue('')).toBeNull();
    expect(parseMetricValue('0.5x')).toBeUndefined();
  });
});

describe('RepeatedStrings', () => {
  const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

  it('decodes bytes once and gives the same string for the same bytes anywhere', () => {
    const strings = new RepeatedStrings();
    let decoded = 0;
    const decode = (bytes: Uint8Array): string => {
      decoded++;
      return ascii(bytes);
    };
    const bytes = utf8('loss,val_loss,loss,lossy');
    expect(strings.of(bytes, 0, 4, decode)).toBe('loss');
    expect(strings.of(bytes, 5, 13, decode)).toBe('val_loss');
    expect(strings.of(bytes, 14, 18, decode)).toBe('loss');
    expect(strings.of(bytes, 19, 24, decode)).toBe('lossy');
    expect(decoded).toBe(3);
  });

  it('stays right past its limit', () => {
    const strings = new RepeatedStrings(1);
    const bytes = utf8('ab');
    expect([strings.of(bytes, 0, 1, ascii), strings.of(bytes, 1, 2, ascii), strings.of(bytes, 1, 2, ascii)]).toEqual(['a', 'b', 'b']);
  });
});
