/**
 * `npm run model:add`: source model → facts from its JSON → a work folder `models/.model-add-work/ID-XXXXXX` (shards renamed to `.bin`,
 * model.json, manifest.json) → loaded and run once on the cpu backend → renamed to `models/ID/` → models/index.ts.
 * Every check happens before the rename, so an error leaves the models folder as it was.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModelManifestSchema, type ModelManifest } from '../../../src/model/manifest';
import { writeModelIndex } from '../model-index.js';
import { ModelAddError } from './errors.js';
import { inspectModelJson, type ModelFacts } from './inspect.js';
import { readLabels } from './labels.js';
import type { ModelAddOptions } from './options.js';
import { readModelSource } from './source.js';
import { runZeroInput } from './verify.js';

export interface AddedModel {
  dir: string;
  manifest: ModelManifest;
  facts: ModelFacts;
  /** Where the model came from (absolute path or URL). */
  location: string;
  /** Output of the copy for an all-zero input: what the verification saw. */
  zeroOutput: Float32Array;
  indexFile: string;
}

/** Work folders live here inside the models folder: same file system, so the final rename is atomic. */
const WORK_FOLDER = '.model-add-work';

/** A zero input's outputs summing to 1 within this are taken for a softmax when the topology does not say. */
const PROBABILITY_SUM_TOLERANCE = 1e-3;

/**
 * @example await addModel(options, 'npm run model:add -- mobilenet --id mobilenet', console.warn)
 */
export async function addModel(options: ModelAddOptions, command: string, warn: (message: string) => void): Promise<AddedModel> {
  const finalDir = join(options.modelsDir, options.id);
  const refuseExisting = () => {
    if (existsSync(finalDir) && !options.force) throw new ModelAddError(`model "${options.id}" already exists in ${finalDir}; pass --force to replace it`);
  };
  refuseExisting();
  const labels = options.labelsFile === undefined ? undefined : readLabels(options.labelsFile);
  const source = await readModelSource(options.source);
  const facts = inspectModelJson(source.modelJson);
  const shardBytes = source.shards.reduce((n, s) => n + s.bytes.byteLength, 0);
  if (facts.weightBytes !== null && shardBytes !== facts.weightBytes) {
    throw new ModelAddError(`the weight shards of ${source.location} hold ${shardBytes} bytes but its weightsManifest needs ${facts.weightBytes} (truncated or mismatched download?)`);
  }
  const inputShape = resolveInputShape(facts.inputShape, options);
  if (labels && facts.classes !== null && labels.length !== facts.classes) throw labelMismatch(labels.length, facts.classes, options.labelsFile!);

  // One level down, so models/index.ts (which lists the direct sub-folders holding a manifest.json) never sees it.
  const workRoot = join(options.modelsDir, WORK_FOLDER);
  mkdirSync(workRoot, { recursive: true });
  const workDir = mkdtempSync(join(workRoot, `${options.id}-`));
  chmodSync(workDir, 0o755); // mkdtemp makes it private; the model folder it becomes should not be
  const removeWorkDir = () => {
    rmSync(workDir, { recursive: true, force: true });
    if (readdirSync(workRoot).length === 0) rmSync(workRoot, { recursive: true, force: true });
  };
  const onSignal = () => {
    removeWorkDir();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const names = bundleShardNames(source.shards.map((s) => s.path));
    source.shards.forEach((shard, i) => writeFileSync(join(workDir, names[i]), shard.bytes));
    let next = 0;
    const weightsManifest = source.modelJson.weightsManifest.map((group) => ({ ...group, paths: group.paths.map(() => names[next++]) }));
    writeFileSync(join(workDir, 'model.json'), JSON.stringify({ ...source.modelJson, format: facts.format, weightsManifest }));

    const draft: ModelManifest = {
      id: options.id,
      name: options.name ?? options.id,
      dataset: options.dataset,
      labels: labels ?? ['(pending)'],
      inputShape,
      preprocessing: { channels: inputShape[2], scale: options.scale ?? [0, 1], invertLightBackground: options.invertLightBackground },
      outputs: options.outputs ?? 'probabilities',
      params: facts.params,
      accuracy: null,
      command,
    };
    let zeroOutput: Float32Array;
    try {
      zeroOutput = await runZeroInput(workDir, draft);
    } catch (error) {
      throw new ModelAddError(`tfjs cannot run the copied model on a ${inputShape.join('×')} input: ${(error as Error).message}`);
    }
    const classes = zeroOutput.length;
    if (facts.classes !== null && facts.classes !== classes) warn(`the topology suggests ${facts.classes} classes but the model outputs ${classes} values; using ${classes}`);
    if (labels && labels.length !== classes) throw labelMismatch(labels.length, classes, options.labelsFile!);
    if (!labels) warn(`no --labels: naming the ${classes} classes class_0…class_${classes - 1}`);
    if (!zeroOutput.every(Number.isFinite)) warn('the model outputs non-finite values for an all-zero input');
    if (!options.scale) warn('no --scale or --mean/--std: assuming the model takes pixels in [0,1]; MobileNet-style models want --scale -1,1');

    const manifest = ModelManifestSchema.parse({
      ...draft,
      labels: labels ?? Array.from({ length: classes }, (_, i) => `class_${i}`),
      outputs: options.outputs ?? outputsOf(facts, zeroOutput, warn),
    });
    writeFileSync(join(workDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    refuseExisting();
    moveIntoPlace(workDir, finalDir);
    return { dir: finalDir, manifest, facts, location: source.location, zeroOutput, indexFile: writeModelIndex(options.modelsDir) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeWorkDir();
  }
}

/** [h, w, c] from the topology, completed or checked by --input-size and --channels. */
function resolveInputShape(shape: ModelFacts['inputShape'], options: ModelAddOptions): [number, number, 1 | 3] {
  if (shape && shape.length !== 4) {
    throw new ModelAddError(`the model's input has shape [${shape.map((d) => d ?? 'any').join(', ')}]; model:add serves image models with input [batch, height, width, channels]`);
  }
  const pick = (what: string, fromModel: number | null | undefined, fromFlag: number | undefined, flag: string): number => {
    if (fromModel != null && fromFlag !== undefined && fromModel !== fromFlag) throw new ModelAddError(`the model's input ${what} is ${fromModel} but ${flag} says ${fromFlag}`);
    const value = fromModel ?? fromFlag;
    if (value === undefined) throw new ModelAddError(`the model does not fix its input ${what}; pass ${flag}`);
    return value;
  };
  const h = pick('height', shape?.[1], options.inputSize?.[0], '--input-size HxW');
  const w = pick('width', shape?.[2], options.inputSize?.[1], '--input-size HxW');
  const c = pick('channels', shape?.[3], options.channels, '--channels 1|3');
  if (c !== 1 && c !== 3) throw new ModelAddError(`the model takes ${c} input channels; only 1 (grayscale) and 3 (RGB) are served`);
  return [h, w, c];
}

function labelMismatch(labels: number, classes: number, file: string): ModelAddError {
  const hint = classes === labels + 1 ? ' (TF Hub ImageNet models have an extra "background" class first)' : '';
  return new ModelAddError(`${file} has ${labels} labels but the model outputs ${classes} classes${hint}`);
}

/** The topology's answer, else whether a zero input's output looks like a probability distribution. */
function outputsOf(facts: ModelFacts, zeroOutput: Float32Array, warn: (message: string) => void): ModelManifest['outputs'] {
  if (facts.endsInSoftmax !== null) return facts.endsInSoftmax ? 'probabilities' : 'logits';
  const sum = zeroOutput.reduce((s, v) => s + v, 0);
  const distribution = zeroOutput.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE;
  const outputs = distribution ? 'probabilities' : 'logits';
  warn(`the topology does not show whether the output is a softmax; its zero-input output looks like ${outputs} (override with --outputs)`);
  return outputs;
}

/**
 * File names the Worker bundle accepts (models/index.ts imports every shard as data, which wrangler only does for
 * `.bin`): the source name made safe, `.bin` appended when missing, duplicates numbered.
 * @example bundleShardNames(['group1-shard1of2', 'group1-shard2of2']) // ['group1-shard1of2.bin', 'group1-shard2of2.bin']
 */
export function bundleShardNames(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((path, i) => {
    const safe = basename(path.split('?')[0]).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || `shard${i + 1}`;
    const base = safe.endsWith('.bin') ? safe : `${safe}.bin`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = base.replace(/\.bin$/, `-${k}.bin`);
    used.add(name);
    return name;
  });
}

/** Rename is atomic within one file system; with --force the old folder is kept aside until the new one is in place. */
function moveIntoPlace(workDir: string, finalDir: string): void {
  if (!existsSync(finalDir)) {
    renameSync(workDir, finalDir);
    return;
  }
  const previous = `${workDir}-replaced`;
  renameSync(finalDir, previous);
  try {
    renameSync(workDir, finalDir);
  } catch (error) {
    renameSync(previous, finalDir);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}
