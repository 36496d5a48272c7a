/**
 * `npm run eval -- --model ID [--json] [--backend wasm|cpu|tensorflow] [--models-dir models]`: top-1 of models/ID on
 * its dataset's held-out split (CONTRACT.md). `--json` prints `{model, dataset, split, n, top1, params}`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, type BackendName } from './lib/backend.js';
import { loadHeldOutSplit } from './lib/datasets.js';
import { loadLayersModel } from './lib/model-files.js';
import { DEFAULT_OPTIONS } from './lib/train-options.js';
import { evaluateSet } from './lib/trainer.js';
import type { ModelManifest } from '../src/model/manifest.js';

export async function evaluateModel(modelsDir: string, id: string, backend: BackendName = 'wasm') {
  const dir = join(modelsDir, id);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  await initBackend(backend);
  const model = await loadLayersModel(dir);
  let test;
  if (manifest.dataset === 'fashion-mnist' || manifest.dataset === 'mnist') {
    test = loadHeldOutSplit(manifest.dataset);
  } else {
    const { loadFolderDataset } = await import('./lib/folder-dataset.js');
    // Folder datasets re-derive the held-out split with the default seed and fractions (a run trained with other
    // --seed/--test-split values is measured on a different split).
    const { validationFraction, testFraction, seed } = DEFAULT_OPTIONS;
    test = (await loadFolderDataset(manifest.dataset, { imageSize: manifest.inputShape[0], channels: manifest.inputShape[2], validationFraction, testFraction, seed })).test;
  }
  const { accuracy } = evaluateSet(model, test, manifest.inputShape, manifest.labels.length);
  return { model: id, dataset: manifest.dataset, split: 'test', n: test.n, top1: accuracy, params: model.countParams() };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, 'models-dir': { type: 'string' } },
  });
  if (!values.model) {
    process.stderr.write('usage: npm run eval -- --model ID [--json] [--backend wasm|cpu|tensorflow]\n');
    return 2;
  }
  const result = await evaluateModel(values['models-dir'] ?? 'models', values.model, (values.backend as BackendName) ?? 'wasm');
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${result.model}: top1 ${(result.top1 * 100).toFixed(2)}% on ${result.dataset} ${result.split} (n=${result.n}), ${result.params} parameters\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`eval: ${error instanceof Error ? error.message : error}\n`);
      process.exit(1);
    },
  );
}
