import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { buildPng } from '../fixtures/images/png-builder';

const require = createRequire(import.meta.url);

export const FASHION_MNIST_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** CONTRACT.md: images at index ≥ 6000 of every class file (after dropping entries that are not 784 long) are held out. */
const FASHION_TEST_START = 6000;
const SIDE = 28;

/** A held-out Fashion-MNIST image as the 28×28 greyscale PNG a person would upload. */
export function fashionMnistTestPng(classIndex: number, heldOutIndex = 0): Uint8Array<ArrayBuffer> {
  const images = (require(`fashion-mnist/src/clothes/${classIndex}.json`).data as number[][]).filter((img) => img.length === SIDE * SIDE);
  const pixels = images[FASHION_TEST_START + heldOutIndex];
  // Each scanline starts with filter byte 0 (None).
  const raw = new Uint8Array(SIDE * (SIDE + 1));
  for (let y = 0; y < SIDE; y++) raw.set(pixels.slice(y * SIDE, (y + 1) * SIDE), y * (SIDE + 1) + 1);
  return buildPng({ width: SIDE, height: SIDE, colorType: 0, idat: deflateSync(raw) });
}

/**
 * A Keras CSVLogger file of a run that overfits: training loss keeps falling while val_loss bottoms out at epoch 9
 * and climbs for the remaining 20 epochs.
 */
export function overfittingKerasCsv(epochs = 30): string {
  const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
  for (const e of overfittingEpochs(epochs)) {
    rows.push([e.epoch, e.metrics.accuracy, e.metrics.loss, e.metrics.val_accuracy, e.metrics.val_loss].map((v) => Number(v.toFixed(5))).join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The same overfitting curves as epoch records for `POST /runs/:id/epochs`. */
export function overfittingEpochs(epochs = 30) {
  return Array.from({ length: epochs }, (_, epoch) => {
    const loss = 0.04 + 0.9 * Math.exp(-epoch / 6);
    const valLoss = epoch <= 9 ? 0.3 + 0.6 * Math.exp(-epoch / 3) - 0.6 * Math.exp(-3) : 0.33 + 0.012 * (epoch - 9) ** 1.2;
    return {
      epoch,
      metrics: { loss, val_loss: valLoss, accuracy: 1 - loss / 2, val_accuracy: 0.92 - valLoss / 5 },
      layers: [],
      seconds: 2.5,
    };
  });
}
