/** The flags of `npm run model:add` (CONTRACT.md "Commands"), parsed and checked before anything is read or written. */
import { ModelManifestSchema, type ModelManifest } from '../../../src/model/manifest';
import { ModelAddError } from './errors.js';

export const USAGE = `usage: npm run model:add -- PATH_OR_URL --id ID [options]

PATH_OR_URL   a tfjs model.json (layers or graph format), a folder holding one, or an http(s) URL to one
              (its weight shards are read from beside it)
--id ID                     folder name under the models dir (letters, digits, . _ -)
--labels FILE               class names: one per line, or a JSON array (default class_0…class_{n-1})
--name NAME                 display name (default: the id)
--dataset NAME              what the model was trained on (default: user)
--input-size HxW            input height×width, when the model does not fix it (e.g. 224x224)
--channels 1|3              input channels, when the model does not fix it
--scale MIN,MAX             pixels in [0,1] are mapped onto [MIN,MAX] (default 0,1; e.g. -1,1 for MobileNet)
--mean R,G,B --std R,G,B    instead of --scale: (pixel·255 − mean) / std per channel
--invert-light-background   invert images with a light background (models trained on dark backgrounds)
--outputs probabilities|logits   what the model outputs (default: derived from a final softmax)
--models-dir DIR            default: models
--force                     replace an existing model with the same id
`;

export interface ModelAddOptions {
  source: string;
  id: string;
  labelsFile?: string;
  name?: string;
  dataset: string;
  /** [height, width] from --input-size. */
  inputSize?: [number, number];
  channels?: 1 | 3;
  scale?: ModelManifest['preprocessing']['scale'];
  invertLightBackground: boolean;
  outputs?: ModelManifest['outputs'];
  modelsDir: string;
  force: boolean;
}

/** Flags that take a value; the rest are switches. */
const VALUE_FLAGS = ['--id', '--labels', '--name', '--dataset', '--input-size', '--channels', '--scale', '--mean', '--std', '--outputs', '--models-dir'] as const;
const SWITCHES = ['--invert-light-background', '--force'] as const;

/**
 * Parses the command line after `npm run model:add --`; `{help: true}` for -h/--help.
 * Values may start with a dash (`--scale -1,1`), which node:util's parseArgs rejects, hence the hand-written loop.
 * @example parseModelAddArgs(['mobilenet/model.json', '--id', 'mobilenet', '--scale', '-1,1'])
 */
export function parseModelAddArgs(argv: string[]): { help: true } | { help: false; options: ModelAddOptions } {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if ((VALUE_FLAGS as readonly string[]).includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new ModelAddError(`${flag} needs a value`);
      values.set(flag, value);
    } else if ((SWITCHES as readonly string[]).includes(flag)) {
      if (inline !== undefined) throw new ModelAddError(`${flag} takes no value`);
      switches.add(flag);
    } else if (arg.startsWith('--')) throw new ModelAddError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length === 0) throw new ModelAddError('missing PATH_OR_URL (a tfjs model.json)');
  if (positional.length > 1) throw new ModelAddError(`expected one PATH_OR_URL, got ${positional.length}: ${positional.join(' ')}`);
  const id = values.get('--id');
  if (!id) throw new ModelAddError('missing --id ID');
  if (!ModelManifestSchema.shape.id.safeParse(id).success) {
    throw new ModelAddError(`--id "${id}" must start with a letter or digit and contain only letters, digits, ".", "_" or "-"`);
  }
  const channels = values.get('--channels');
  if (channels !== undefined && channels !== '1' && channels !== '3') throw new ModelAddError(`--channels must be 1 or 3, got "${channels}"`);
  const outputs = values.get('--outputs');
  if (outputs !== undefined && outputs !== 'probabilities' && outputs !== 'logits') {
    throw new ModelAddError(`--outputs must be probabilities or logits, got "${outputs}"`);
  }
  return {
    help: false,
    options: {
      source: positional[0],
      id,
      labelsFile: values.get('--labels'),
      name: values.get('--name'),
      dataset: values.get('--dataset') ?? 'user',
      inputSize: values.has('--input-size') ? parseInputSize(values.get('--input-size')!) : undefined,
      channels: channels === undefined ? undefined : (Number(channels) as 1 | 3),
      scale: parseScale(values.get('--scale'), values.get('--mean'), values.get('--std')),
      invertLightBackground: switches.has('--invert-light-background'),
      outputs: outputs as ModelAddOptions['outputs'],
      modelsDir: values.get('--models-dir') ?? 'models',
      force: switches.has('--force'),
    },
  };
}

/** `224x224`, `224×224` or `224` (square). */
function parseInputSize(text: string): [number, number] {
  const parts = text.split(/[x×]/i).map((p) => Number(p.trim()));
  const [h, w] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  if (parts.length > 2 || ![h, w].every((n) => Number.isInteger(n) && n > 0)) {
    throw new ModelAddError(`--input-size must be HxW with positive integers (e.g. 224x224), got "${text}"`);
  }
  return [h, w];
}

function parseNumbers(flag: string, text: string): number[] {
  const numbers = text.replace(/^\[|\]$/g, '').split(',').map((p) => Number(p.trim()));
  if (numbers.length === 0 || numbers.some((n) => !Number.isFinite(n))) throw new ModelAddError(`${flag} must be comma-separated numbers, got "${text}"`);
  return numbers;
}

function parseScale(scale?: string, mean?: string, std?: string): ModelAddOptions['scale'] {
  if (scale !== undefined && (mean !== undefined || std !== undefined)) throw new ModelAddError('give either --scale or --mean/--std, not both');
  if (scale !== undefined) {
    const range = parseNumbers('--scale', scale);
    if (range.length !== 2 || range[0] === range[1]) throw new ModelAddError(`--scale must be MIN,MAX (e.g. 0,1 or -1,1), got "${scale}"`);
    return [range[0], range[1]];
  }
  if ((mean === undefined) !== (std === undefined)) throw new ModelAddError('--mean and --std go together');
  if (mean === undefined || std === undefined) return undefined;
  const stats = { mean: parseNumbers('--mean', mean), std: parseNumbers('--std', std) };
  if (stats.std.some((s) => s === 0)) throw new ModelAddError('--std must not contain 0');
  return stats;
}
