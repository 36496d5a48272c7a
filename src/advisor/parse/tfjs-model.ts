/**
 * `tfjs-model`: an architecture-only upload — a tfjs `model.json` (`modelTopology` + `weightsManifest`) or a bare
 * Keras `model.to_json()` (`{class_name, config}`). The topology goes to `log.model` as uploaded, for the
 * architecture review; the curves are empty.
 */
import { AdvisorInputError, type ParsedUpload } from '../types';
import { createLog } from './log';
import { decodeText, parseLenientJson } from './text';

/** Whether a JSON value is a Keras layers topology (`{class_name, config}`, possibly under `model_config`). */
export function isLayersTopology(value: unknown): boolean {
  let node = value;
  for (let depth = 0; depth < 3; depth++) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const record = node as Record<string, unknown>;
    const hasConfig = typeof record.config === 'object' && record.config !== null;
    if (typeof record.class_name === 'string' && hasConfig) return true;
    node = record.model_config;
  }
  return false;
}

/** Whether a parsed JSON document is a model upload (used by sniffing). */
export function isModelDocument(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const record = doc as Record<string, unknown>;
  return 'modelTopology' in record || isLayersTopology(record);
}

/**
 * Parses a model upload into a TrainingLog carrying only `model`.
 * @example parseTfjsModel(bytes('{"modelTopology":{"class_name":"Sequential","config":{"layers":[]}}}')).runs[0].model
 *   // { class_name: 'Sequential', config: { layers: [] } }
 */
export function parseTfjsModel(
  bytes: Uint8Array,
  text = decodeText(bytes),
  doc = parseLenientJson(text),
): ParsedUpload {
  if (!isModelDocument(doc)) {
    throw new AdvisorInputError(
      'malformed',
      'not a model: expected a tfjs model.json (`modelTopology`) or a Keras `to_json()` topology',
    );
  }
  const record = doc as Record<string, unknown>;
  const topology = 'modelTopology' in record ? record.modelTopology : record;
  if (!isLayersTopology(topology)) {
    const graph = typeof record.format === 'string' && record.format.includes('graph');
    throw new AdvisorInputError(
      'unusable',
      graph
        ? 'a tfjs graph model has no layers topology to review; upload the layers model.json or Keras to_json()'
        : 'the model topology cannot be read: expected `{class_name, config}`',
    );
  }
  const log = createLog('tfjs-model', 'epoch');
  log.model = topology;
  return { runs: [log], warnings: [] };
}
