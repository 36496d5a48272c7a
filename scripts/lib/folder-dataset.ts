/**
 * A user's own images: `DIR/<class>/*.png|jpg|jpeg|webp`, one sub-folder per class (labels in sorted folder order),
 * decoded and resized with the Worker's image code (src/model/image) so training sees what inference will see.
 * Per class, a seeded `testFraction` is held out as the test split; validation is carved from the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { decodeImage, toModelInput } from '../../src/model/image/index.js';
import { initNodeImageCodecs } from '../../src/model/image/codecs-node.js';
import { splitClassFiles, type DatasetSplits } from './datasets.js';
import { createRandom, shuffleInPlace } from './random.js';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export interface FolderDatasetOptions {
  imageSize: number;
  channels: 1 | 3;
  validationFraction: number;
  testFraction: number;
  seed: number;
}

/** Class folders and their image files, sorted (the label order a manifest records). */
export function listFolderDataset(dir: string): { labels: string[]; files: string[][] } {
  const labels = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory())
    .sort();
  const files = labels.map((label) =>
    readdirSync(join(dir, label))
      .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(dir, label, f)),
  );
  if (labels.length < 2) throw new Error(`${dir}: a folder dataset needs at least two class sub-folders (DIR/<class>/*.png)`);
  files.forEach((list, i) => {
    if (!list.length) throw new Error(`${dir}/${labels[i]}: no .png/.jpg/.webp images`);
  });
  return { labels, files };
}

/**
 * @example const data = await loadFolderDataset('photos', {imageSize: 28, channels: 1, validationFraction: 0.1, testFraction: 0.2, seed: 42})
 */
export async function loadFolderDataset(dir: string, options: FolderDatasetOptions): Promise<DatasetSplits> {
  await initNodeImageCodecs();
  const { labels, files } = listFolderDataset(dir);
  const spec = { width: options.imageSize, height: options.imageSize, channels: options.channels, invertLightBackground: false };
  const random = createRandom(options.seed);
  const pool: Float32Array[][] = [];
  const heldOut: Float32Array[][] = [];
  for (const list of files) {
    const images: Float32Array[] = [];
    for (const file of list) {
      try {
        images.push(toModelInput(await decodeImage(new Uint8Array(readFileSync(file))), spec));
      } catch (error) {
        throw new Error(`${file}: ${error instanceof Error ? error.message : error}`);
      }
    }
    shuffleInPlace(images, random);
    const testCount = Math.round(images.length * options.testFraction);
    heldOut.push(images.slice(0, testCount));
    pool.push(images.slice(testCount));
  }
  const pixels = options.imageSize * options.imageSize * options.channels;
  const splits = splitClassFiles({ pool, heldOut }, options.validationFraction, options.seed, pixels);
  return { name: dir.replace(/[\\/]+$/, ''), labels, inputShape: [options.imageSize, options.imageSize, options.channels], ...splits };
}
