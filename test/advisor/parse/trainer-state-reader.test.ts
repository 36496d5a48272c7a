/**
 * The usual trainer_state.json is read straight from its bytes; anything else is left to the general reading of
 * the whole text. Either way the answer must be the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHfTrainerState, readTrainerState } from '../../../src/advisor/parse/hf-trainer-state';
import { decodeText } from '../../../src/advisor/parse/text';
import { outcomeOf, utf8 } from './fixtures/helpers';

/** The same answer from the bytes (the fast reading when it applies) and from the whole text (the general one). */
function expectSameAnswers(bytes: Uint8Array): void {
  expect(outcomeOf(() => parseHfTrainerState(bytes))).toEqual(outcomeOf(() => parseHfTrainerState(bytes, decodeText(bytes))));
}

const ENTRIES = [
  { epoch: 0.5, grad_norm: 1.5, learning_rate: 2e-5, loss: 0.7, step: 10 },
  { epoch: 1.0, eval_loss: 0.55, eval_runtime: 3.2, step: 20 },
  { epoch: 1.0, step: 20, total_flos: 1e12, train_loss: 0.6, train_runtime: 10 },
];
const doc = (entries: unknown[], indent?: number): string =>
  JSON.stringify({ best_metric: null, epoch: 1.0, log_history: entries, num_train_epochs: 1, train_batch_size: 8 }, null, indent);

describe('readTrainerState', () => {
  it.each([
    ['compact', doc(ENTRIES)],
    ['indented', doc(ENTRIES, 2)],
    ['with a byte order mark and CRLF', `\uFEFF${doc(ENTRIES, 1).replace(/\n/g, '\r\n')}\r\n`],
    ['with bare NaN and Infinity', doc(ENTRIES).replace('0.55', 'NaN').replace('1.5', '-Infinity')],
    ['with Python words', doc(ENTRIES).replace('0.55', 'nan').replace('null', 'None').replace('1.5', '-inf')],
    ['with long and exponent numbers', doc(ENTRIES).replace('0.7', '0.12345678901234567').replace('2e-5', '2E-05')],
    ['with string and boolean values', doc([{ ...ENTRIES[0], note: 'ok ✓', done: true }])],
    ['with an empty history', doc([])],
  ])('reads the usual file (%s) from its bytes, as the whole text reads it', (_, text) => {
    const bytes = utf8(text);
    expect(readTrainerState(bytes)).not.toBeNull();
    expectSameAnswers(bytes);
  });

  it.each([
    ['an escaped string', doc([{ ...ENTRIES[0], note: 'a\\nb' }])],
    ['an escaped marker string', doc([{ ...ENTRIES[0], note: '\u0000edgetune:NaN' }])],
    ['a nested value in an entry', doc([{ ...ENTRIES[0], extra: { a: 1 } }])],
    ['an index-like key', doc([{ ...ENTRIES[0], 0: 1 }])],
    ['a repeated key', doc(ENTRIES).replace('"loss":0.7', '"loss":0.7,"loss":0.8')],
    ['a Python string', doc(ENTRIES).replace('"best_metric":null', "'best_metric':'x'")],
    ['an escaped log_history key', doc(ENTRIES).replace('"epoch":1,', '"log\\u005fhistory":[],')],
    ['two log_history keys', doc(ENTRIES).replace('"epoch":1,', '"log_history":[],')],
    ['a leading zero', doc(ENTRIES).replace('0.7', '00.7')],
    ['a trailing comma', doc(ENTRIES).replace('"step":10}', '"step":10,}')],
    ['something after the document', `${doc(ENTRIES)} x`],
    ['a bare log_history array', JSON.stringify(ENTRIES)],
  ])('leaves a file with %s to the general reading, which answers the same', (_, text) => {
    const bytes = utf8(text);
    expect(readTrainerState(bytes)).toBeNull();
    expectSameAnswers(bytes);
  });

  it('answers as the general reading on random histories', () => {
    const value = fc.oneof(
      fc.constantFrom(0, 1, 0.5, -0, 1e-5, 3e21, 12345678901234567, null, true, 'x'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -2, max: 30 }),
    );
    const key = fc.constantFrom('epoch', 'step', 'loss', 'eval_loss', 'grad_norm', 'eval_runtime', 'train_runtime', 'total_flos', '__proto__', 'x');
    const entry = fc.oneof(
      fc.record({ epoch: fc.integer({ min: 0, max: 4 }), step: fc.nat(40), loss: value }, { requiredKeys: ['loss'] }),
      fc.record({ epoch: fc.integer({ min: 0, max: 4 }), eval_loss: value, step: fc.nat(40) }, { requiredKeys: [] }),
      fc.dictionary(key, value, { maxKeys: 5 }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 10 }), fc.constantFrom(undefined, 2), fc.constantFrom('', 'NaN', 'Infinity', 'None'), (entries, indent, word) => {
        const text = doc(entries, indent);
        expectSameAnswers(utf8(word && text.includes(':0.5') ? text.replace(':0.5', `:${word}`) : text));
      }),
      { numRuns: 300 },
    );
  });
});
