import { existsSync, readFileSync } from 'node:fs';
import { ModelAddError } from './errors.js';

/**
 * Class names from a labels file: a JSON array of strings, a JSON object from class index to name (Keras'
 * `imagenet_class_index.json` maps to `[wnid, name]`, the name is kept), or plain text with one label per line
 * (blank lines ignored).
 * @example readLabels('labels.txt') // ['cat', 'dog']
 */
export function readLabels(file: string): string[] {
  if (!existsSync(file)) throw new ModelAddError(`labels file not found: ${file}`);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return labelsFromJson(trimmed, file);
  const labels = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (labels.length === 0) throw new ModelAddError(`labels file ${file} is empty`);
  return labels;
}

function labelsFromJson(text: string, file: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelAddError(`labels file ${file} looks like JSON but does not parse: ${(error as Error).message}`);
  }
  const name = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : Array.isArray(v) && typeof v[v.length - 1] === 'string' ? (v[v.length - 1] as string) : undefined;
  let values: unknown[];
  if (Array.isArray(json)) values = json;
  else {
    const entries = Object.entries(json as Record<string, unknown>);
    if (!entries.every(([key], i) => Number(key) === i)) {
      throw new ModelAddError(`labels file ${file}: a JSON object must map class indices 0, 1, 2, … to names`);
    }
    values = entries.map(([, v]) => v);
  }
  const labels = values.map(name);
  const bad = labels.findIndex((l) => l === undefined);
  if (bad >= 0) throw new ModelAddError(`labels file ${file}: entry ${bad} is not a string`);
  if (labels.length === 0) throw new ModelAddError(`labels file ${file} is empty`);
  return labels as string[];
}
