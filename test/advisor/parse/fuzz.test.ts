/**
 * Property-based fuzzing of every parser: random bytes, mutated valid uploads and token soups must either parse
 * or throw AdvisorInputError — never another exception, never hang.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseUpload, sniffFormat } from '../../../src/advisor/parse/index';
import { FORMATS, type Format } from '../../../src/advisor/types';
import { encodeEventFile, kerasEventFile } from './fixtures/tfevents';
import { onlyInputErrors, utf8 } from './fixtures/helpers';

const NUM_RUNS = 100;

const VALID: Record<Format, Uint8Array> = {
  json: utf8(JSON.stringify({ run: { name: 'r', batchSize: 32 }, metrics: { loss: [0.9, null, 0.5], val_acc: [0.1, 0.2, 0.3] }, layers: [{ name: 'c1', deadFraction: [0, 0.1, 0.2] }], model: { class_name: 'Sequential', config: { layers: [] } } })),
  'keras-history': utf8('{"loss": [2.3, 1.1, NaN], "acc": [0.1, 0.6, 0.8], "val_loss": [2.2, 1.2, 0.9]}'),
  'keras-csv': utf8('epoch,acc,loss,val_acc,val_loss\n0,0.5,0.9,0.4,1.0\n1,0.6,nan,0.5,inf\n0,0.55,0.8,,0.95\n'),
  'lightning-csv': utf8('epoch,step,train_loss_step,train_loss_epoch,val_loss\n0,10,0.9,,\n0,20,0.7,,\n0,20,,0.8,0.75\n1,30,0.5,,\n1,30,,,0.6\n'),
  'hf-trainer-state': utf8('{"log_history": [{"epoch": 0.5, "loss": 0.7, "step": 10}, {"epoch": 1.0, "eval_loss": NaN, "step": 20}, {"train_runtime": 3, "epoch": 1.0}]}'),
  tensorboard: encodeEventFile([
    { step: 0, scalars: { epoch_loss: 0.9, epoch_accuracy: 0.5 }, encoding: 'tensor-content' },
    { step: 1, scalars: { epoch_loss: 0.6 }, encoding: 'tensor-double', histogram: 'w' },
    { step: 2, scalars: { 'train/loss': 0.4 } },
  ]),
  'keras-text': utf8('Epoch 1/3\n 1/9 [..] - ETA: 2s - loss: 2.3\n9/9 [====] - 1s 3ms/step - loss: 1.2 - accuracy: 0.5 - val_loss: nan\nEpoch 2/3\n9/9 - loss: 0.9\nEpoch 1/3\n9/9 - loss: 1.1\nEpoch [4/9] TrainLoss=0.5 ValAcc=50%\n'),
  'tfjs-model': utf8(JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 2 } }] } }, weightsManifest: [] })),
};

/** Byte-level mutations of a valid upload: flips, truncation, insertion, duplication. */
const mutation = (base: Uint8Array) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const out = base.slice();
      for (const [i, v] of edits) out[i] = v;
      return out;
    }),
    fc.nat(base.length).map((n) => base.slice(0, n)),
    fc.tuple(fc.nat(base.length), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, ins]) => {
      const out = new Uint8Array(base.length + ins.length);
      out.set(base.subarray(0, at));
      out.set(ins, at);
      out.set(base.subarray(at), at + ins.length);
      return out;
    }),
    fc.nat(base.length).map((n) => {
      const out = new Uint8Array(base.length + n);
      out.set(base);
      out.set(base.subarray(0, n), base.length);
      return out;
    }),
  );

/** Text assembled from tokens that matter to the text parsers, to reach deeper branches than random bytes. */
const TOKENS = ['epoch', 'Epoch 1/3', 'Epoch [2/9]', 'step', 'loss', 'val_loss', 'acc', '_step', '_epoch', 'lr-Adam', ',', ';', '\t', '\n', '\r', '"', "'", ':', '=', ' - ', '{', '}', '[', ']', 'NaN', 'nan', 'inf', '-Infinity', 'null', 'True', '0', '1.5', '-2e-3', '%', 'log_history', 'metrics', 'modelTopology', 'class_name', 'config', 'history', '━━', '\\'];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => utf8(t.join('')));

const tryParse = (bytes: Uint8Array, format?: Format): void => onlyInputErrors(() => parseUpload([{ name: 'f', bytes }], format));

describe('fuzz: every parser returns or throws AdvisorInputError only', () => {
  for (const format of FORMATS) {
    it(`${format}: random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => tryParse(bytes, format)), { numRuns: NUM_RUNS });
    });

    it(`${format}: mutated valid input (forced and sniffed)`, () => {
      fc.assert(
        fc.property(mutation(VALID[format]), (bytes) => {
          tryParse(bytes, format);
          tryParse(bytes);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it(`${format}: token soup`, () => {
      fc.assert(fc.property(tokenSoup, (bytes) => tryParse(bytes, format)), { numRuns: NUM_RUNS });
    });
  }

  it('sniffing: random bytes, token soup and JSON values', () => {
    const sniff = (bytes: Uint8Array) => onlyInputErrors(() => sniffFormat({ bytes }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), sniff), { numRuns: NUM_RUNS });
    fc.assert(fc.property(tokenSoup, sniff), { numRuns: NUM_RUNS });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => tryParse(utf8(JSON.stringify(v)))), { numRuns: NUM_RUNS });
  });

  it('a valid event file with random scalar values round-trips', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noDefaultInfinity: false }), { minLength: 1, maxLength: 20 }), (values) => {
        const { runs } = parseUpload([{ bytes: kerasEventFile({ loss: values }) }]);
        const got = runs[0].metrics.loss;
        return got.length === values.length && got.every((v, i) => Object.is(v, Math.fround(values[i])) || (Number.isNaN(v) && Number.isNaN(values[i])));
      }),
      { numRuns: 100 },
    );
  });
});

describe('hostile inputs', () => {
  const hostile: Array<[string, Uint8Array]> = [
    ['deep JSON nesting', utf8(`{"metrics":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)],
    ['deep nesting with NaN', utf8(`{"log_history":[${'['.repeat(100_000)}NaN${']'.repeat(100_000)}]}`)],
    ['unbalanced braces in text', utf8(`'loss': 1 'epoch': 2 ${'{'.repeat(300_000)}`)],
    ['one enormous CSV line', utf8(`epoch,loss\n0,${'9'.repeat(2_000_000)}\n`)],
    ['a huge varint length', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
  ];
  it.each(hostile)('%s: answers quickly with AdvisorInputError or a result', (_, bytes) => {
    const start = Date.now();
    onlyInputErrors(() => parseUpload([{ bytes }]));
    for (const format of FORMATS) onlyInputErrors(() => parseUpload([{ bytes }], format));
    if (Date.now() - start > 8000) throw new Error(`took ${Date.now() - start} ms`);
  });
});
