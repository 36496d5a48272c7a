/**
 * The byte-level fast paths (Keras console lines read from the bytes, numbers without strings) against
 * the text paths they stand in for: handing a parser the decoded text makes it read the text, so every answer on
 * the bytes must be the one the text gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKerasText } from '../../../src/advisor/parse/keras-text';
import { epochLineAt, KerasPairs } from '../../../src/advisor/parse/keras-text-bytes';
import { ByteDecimalReader, decodeText, parseMetricValue } from '../../../src/advisor/parse/text';
import { outcomeOf, utf8 } from './fixtures/helpers';

/** Number spellings the readers must agree on, and what is nearly one. */
const NUMBERS = [
  '0', '-0', '+0', '1', '+3', '-7', '.5', '5.', '-.5', '0.1', '0.30000000000000004', '1e-7', '1E5', '2.5e+3', '-1e-320',
  '1e308', '1e400', '1e22', '1e23', '123456789012345', '1234567890123456', '12345678901234567890', '0.000001234567890123',
  '9007199254740993', '1e0005', '1e', '1e+', 'e5', '.', '-', '+', '1.2.3', '--1', 'NaN', 'nan', '-nan', 'inf', '+inf',
  '-Infinity', 'Infinity', 'infinity', 'INF', 'nanx', '0x10', '1_000', ' 0.5', '0.5 ', '', 'null', 'None', 'n/a', '1%',
];

const decimal = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.stringMatching(/^\d{0,18}$/),
    fc.boolean(),
    fc.stringMatching(/^\d{0,18}$/),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{1,4}$/))),
  )
  .map(([sign, int, dot, frac, exp]) => `${sign}${int}${dot ? '.' : ''}${frac}${exp ? exp.join('') : ''}`);

describe('ByteDecimalReader', () => {
  const reader = new ByteDecimalReader();
  /** The reader's value of the whole text, or undefined when it leaves the text to Number(). */
  const readWhole = (text: string): number | undefined => {
    const bytes = utf8(text);
    const value = reader.read(bytes, 0, bytes.length);
    return Number.isNaN(value) || reader.stop !== bytes.length ? undefined : value;
  };

  it('gives the double Number() gives, or leaves the text to it', () => {
    for (const text of NUMBERS) {
      const value = readWhole(text);
      if (value !== undefined) expect(Object.is(value, Number(text)), text).toBe(true);
    }
    expect(readWhole('-0')).toBe(-0);
    expect(readWhole('1e-7')).toBe(1e-7);
    expect(readWhole('2.5e+3')).toBe(2500);
    expect(readWhole('1234567890123456')).toBeUndefined(); // 16 digits: not exact
    expect(readWhole('1e23')).toBeUndefined(); // 10^23 is not a double
    expect(readWhole('1e0005')).toBeUndefined();
    fc.assert(
      fc.property(decimal, (text) => {
        const value = readWhole(text);
        if (value !== undefined) expect(Object.is(value, Number(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const value = readWhole(String(x));
        if (value !== undefined) expect(Object.is(value, Number(String(x)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('says where it stopped', () => {
    const bytes = utf8('a,-2.5e-3,b');
    expect(reader.read(bytes, 2, bytes.length)).toBe(-0.0025);
    expect(reader.stop).toBe(9);
  });
});

/** Keras console lines, mostly as Keras prints them, with the ways a line can be nearly one. */
const KERAS_LINES = [
  'Epoch 1/3', 'Epoch 2/3', 'Epoch 10/3', 'Epoch 1/', 'Epoch /3', 'Epoch  2/3', '  Epoch 3/3', 'Epoch 2/3 ', 'Epoch 0002/3',
  'Epoch 12345678901234567890/3', 'epoch 2/3', 'Epoch 2/3\r', 'Epochs 2/3',
  '1875/1875 - 5s - loss: 0.3 - val_loss: 0.4',
  '1875/1875 [==============================] - 5s 3ms/step - loss: 0.2 - accuracy: 0.9',
  '- loss: nan - acc: -inf', '- loss: Infinity - val_loss: 1e-7', '- loss: 1e - x: 2', '- loss: 0.5.1 - b: .5',
  '-  loss:\t0.25 -\tval/loss: 5.', ' - __proto__: 1 - loss: 2', '- loss: 1 - loss: 2', '- loss:0.5 - a: 1x',
  '-loss: 1 - b: 2', '- Loss: 1e400 - lr: 12345678901234567890', '- 5s - eta: 0s - loss: 0.1',
  '1/9 [=>...] - loss: 2.0\b\b\b9/9 [===] - 1s - loss: 0.7', '━━━━ 1s - loss: 0.3', '- lossé: 0.1 - loss: 0.2',
  '- loss: 0.3\u00a0- acc: 0.5', '- loss: +.5e-3 - b: -0', '', '   ', 'note: epoch 3 loss 0.5',
];

const kerasLog = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom(...KERAS_LINES), decimal.map((d) => `- loss: ${d} - val_loss: ${d}`)), {
      maxLength: 20,
    }),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
  )
  .map(([lines, newline, trailing]) => utf8(`${lines.join(newline)}${trailing ? newline : ''}`));

function expectKerasSameAsText(bytes: Uint8Array): void {
  expect(outcomeOf(() => parseKerasText(bytes))).toEqual(outcomeOf(() => parseKerasText(bytes, decodeText(bytes))));
}

describe('Keras console output read from bytes', () => {
  it('finds the epoch lines and metric pairs the regexes find', () => {
    const line = utf8('12/12 - 1s - eta: 0s - loss: -1.5e-3 - val/acc: NaN - bad: 1x');
    const pairs = new KerasPairs();
    const metrics = new Map<string, number | null>();
    pairs.readAll(line, 0, line.length, metrics);
    expect([...metrics]).toEqual([
      ['loss', -0.0015],
      ['val/acc', NaN],
    ]);
    expect(epochLineAt(utf8('Epoch 3/20'), 0, 10)).toBe(3);
    expect(epochLineAt(utf8('Epoch 3/20 '), 0, 11)).toBeNull();
    expect(parseMetricValue('-1.5e-3')).toBe(-0.0015);
  });

  it('gives what the text gives, on edge cases', () => {
    for (const line of KERAS_LINES) expectKerasSameAsText(utf8(`Epoch 1/2\n${line}\nEpoch 2/2\n- loss: 1\n${line}`));
    expectKerasSameAsText(utf8('Epoch 1/1\n\uFEFF- loss: 0.5\n'));
    expectKerasSameAsText(utf8('\uFEFFEpoch 1/1\n- loss: 0.5\n'));
    expectKerasSameAsText(utf8(`Epoch 1/1\n- loss: 0.5 ${'x'.repeat(10_000)}\n`)); // overlong lines are left out
  });

  it('gives what the text gives, on generated logs', () => {
    fc.assert(fc.property(kerasLog, expectKerasSameAsText), { numRuns: 500 });
  });
});
