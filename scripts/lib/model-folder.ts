/**
 * Reads a model folder (`model.json` + its weight shards, optionally `manifest.json`) from disk into the in-memory
 * form the Worker bundles (src/model/manifest.ts `BundledModel`), so Node code loads models exactly as the Worker
 * does. No tfjs import: callers that load lazily stay lazy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelManifestSchema, type ModelManifest } from '../../src/model/manifest';

export interface ModelFiles {
  modelJson: { weightsManifest: Array<{ paths: string[] }> } & Record<string, unknown>;
  /** The weight shards in weightsManifest order. */
  weights: ArrayBuffer[];
}

/** @example const { modelJson, weights } = readModelFiles('models/fashion-mnist') */
export function readModelFiles(dir: string): ModelFiles {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelFiles['modelJson'];
  const weights = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((path) => {
      const bytes = readFileSync(join(dir, path));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }),
  );
  return { modelJson, weights };
}

/** A served model folder: validated manifest plus its files. @example loadBundledModel(m.manifest, readModelFolder(dir)) */
export function readModelFolder(dir: string): ModelFiles & { manifest: ModelManifest } {
  const manifest = ModelManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  return { manifest, ...readModelFiles(dir) };
}
