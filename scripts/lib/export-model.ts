/** Writes `models/<id>/` (tfjs model.json + weights + manifest.json of CONTRACT.md "Models") and refreshes models/index.ts. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModel, writeFileAtomic } from './model-files.js';

export interface ExportSpec {
  id: string;
  dataset: string;
  labels: string[];
  inputShape: [number, number, number];
  channels: 1 | 3;
  params: number;
  accuracy: { dataset: string; split: 'test'; n: number; top1: number };
  command: string;
  modelsDir: string;
  /** Dark-background training data: light photos (dark ink on white) are inverted by the Worker. */
  invertLightBackground: boolean;
}

const DATASET_TITLES: Record<string, string> = { 'fashion-mnist': 'Fashion-MNIST', mnist: 'MNIST digits' };

/**
 * @example await exportModel(model, {id: 'fashion-mnist', ...}) // 'models/fashion-mnist'
 */
export async function exportModel(model: tfl.LayersModel, spec: ExportSpec): Promise<string> {
  const dir = join(spec.modelsDir, spec.id);
  await saveLayersModel(model, dir, `${spec.id}.weights.bin`);
  const manifest = {
    id: spec.id,
    name: `${DATASET_TITLES[spec.dataset] ?? spec.dataset} CNN (${Math.round(spec.params / 1000)}k parameters)`,
    dataset: spec.dataset,
    labels: spec.labels,
    inputShape: spec.inputShape,
    preprocessing: { channels: spec.channels, scale: [0, 1], invertLightBackground: spec.invertLightBackground },
    outputs: 'probabilities',
    params: spec.params,
    accuracy: { ...spec.accuracy, top1: Math.round(spec.accuracy.top1 * 1e6) / 1e6 },
    command: spec.command,
  };
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await refreshModelIndex(spec.modelsDir);
  return dir;
}

/** models/index.ts is the lead's generator (scripts/lib/model-index.ts); skipped when it is not there. */
async function refreshModelIndex(modelsDir: string): Promise<void> {
  if (!existsSync(new URL('./model-index.ts', import.meta.url))) return;
  const { writeModelIndex } = await import('./model-index.js');
  writeModelIndex(modelsDir);
}
