/**
 * Long uploads are sniffed from their start and parsed piece by piece, never decoded into one string: on logs
 * longer than a piece, every answer must be the one the whole text gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKerasCsv } from '../../../src/advisor/parse/keras-csv';
import { parseKerasText } from '../../../src/advisor/parse/keras-text';
import { parseLightningCsv } from '../../../src/advisor/parse/lightning-csv';
import { sniffUpload } from '../../../src/advisor/parse/sniff';
import { CHUNK_BYTES, decodeText } from '../../../src/advisor/parse/text';
import { outcomeOf, utf8 } from './fixtures/helpers';

/** Lines long enough to span three pieces, with edits at random lines (a line-end style for the whole file). */
function longLog(header: string[], line: (i: number) => string, edits: string[]) {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...edits)), { maxLength: 6 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([at, newline, bom, trailing]) => {
      const lines = [...header];
      for (let i = 0, size = 0; size < 3 * CHUNK_BYTES; i++) size += lines[lines.push(line(i)) - 1].length + 1;
      for (const [k, edit] of at) lines.splice(1 + (k % (lines.length - 1)), 0, edit);
      return utf8(`${bom ? '\uFEFF' : ''}${lines.join(newline)}${trailing ? newline : ''}`);
    });
}

const EDITS = ['', '  ', '0,oops,0.5,0.5,0.5', '\r', '1,2', '0,0.1,0.2,0.3,0.4', 'epoch,loss', 'é,€'];

function expectSameAsWholeText(logs: fc.Arbitrary<Uint8Array>, parse: (bytes: Uint8Array, text?: string) => unknown) {
  fc.assert(
    fc.property(logs, (bytes) => {
      expect(outcomeOf(() => parse(bytes))).toEqual(outcomeOf(() => parse(bytes, decodeText(bytes))));
      expect(outcomeOf(() => sniffUpload({ bytes }).format)).toEqual(outcomeOf(() => sniffUpload({ bytes }, decodeText(bytes)).format));
    }),
    { numRuns: 25 },
  );
}

describe('piecewise reading gives what the whole text gives', () => {
  it('Keras CSVLogger files', () => {
    const logs = longLog(['epoch,accuracy,loss,val_accuracy,val_loss'], (i) => `${i},0.${i % 97},1.${i % 89},0.5,nan`, EDITS);
    expectSameAsWholeText(logs, parseKerasCsv);
  });

  it('Lightning metrics.csv files, in order and with epochs going back', () => {
    const logs = longLog(
      ['epoch,step,train_loss_step,train_loss_epoch,val_loss'],
      (i) => (i % 3 === 2 ? `${i >> 2},${i},,0.${i % 7},0.9` : `${i >> 2},${i},0.${i % 13},,`),
      [...EDITS, '0,1,0.5,,', '3,3,,0.2,0.1'],
    );
    expectSameAsWholeText(logs, parseLightningCsv);
  });

  it('Keras console output with progress bars', () => {
    const logs = longLog(
      [],
      (i) => (i % 2 === 0 ? `Epoch ${(i >> 1) + 1}/99999` : `1/9 [=>...] - loss: 2.0\b\b\b9/9 [===] - 1s - loss: 0.${i} - val_loss: 0.5`),
      ['', 'Epoch 1/3', 'Epoch 7/3', '\b\b', '- loss: nan', 'note: epoch 3 loss 0.5', '━━ 1s - accuracy: 0.5'],
    );
    expectSameAsWholeText(logs, parseKerasText);
  });
});
