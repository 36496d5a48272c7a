/**
 * Reads a tfjs model (model.json + its weight shards) from a file, a folder holding `model.json`, or an http(s) URL.
 * Shards are resolved relative to the model.json, as tfjs does: beside the file, or beside the URL with the URL's
 * query string kept (TF Hub serves `…/model.json?tfjs-format=file` and `…/group1-shard1of1?tfjs-format=file`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelAddError } from './errors.js';
import { parseTfjsModelJson, type ModelFormat, type TfjsModelJson } from './inspect.js';

export interface ModelSource {
  /** Where the model.json was read from (absolute path or URL), for messages. */
  location: string;
  modelJson: TfjsModelJson & { format: ModelFormat };
  /** One entry per `weightsManifest[].paths[]`, in manifest order. */
  shards: Array<{ path: string; bytes: Uint8Array }>;
}

/** Per request; a large model over a slow link still fits, a dead server does not hang the command. */
const FETCH_TIMEOUT_MS = 120_000;

/**
 * @example await readModelSource('downloads/mobilenet') // {location: '/…/downloads/mobilenet/model.json', …}
 * @example await readModelSource('http://127.0.0.1:8000/model.json')
 */
export async function readModelSource(pathOrUrl: string): Promise<ModelSource> {
  return /^https?:\/\//i.test(pathOrUrl) ? readFromUrl(new URL(pathOrUrl)) : readFromPath(pathOrUrl);
}

function readFromPath(input: string): ModelSource {
  let file = resolve(input);
  if (!existsSync(file)) throw new ModelAddError(`no such file or folder: ${input}`);
  if (statSync(file).isDirectory()) {
    file = join(file, 'model.json');
    if (!existsSync(file)) throw new ModelAddError(`${input} is a folder without a model.json`);
  }
  const modelJson = parseTfjsModelJson(readFileSync(file, 'utf8'), file);
  const shards = shardPaths(modelJson).map((path) => {
    const shardFile = join(dirname(file), path);
    if (!existsSync(shardFile)) throw new ModelAddError(`weight shard ${path} listed in ${file} is missing (looked for ${shardFile})`);
    return { path, bytes: new Uint8Array(readFileSync(shardFile)) };
  });
  return { location: file, modelJson, shards };
}

async function readFromUrl(url: URL): Promise<ModelSource> {
  const modelJson = parseTfjsModelJson(new TextDecoder().decode(await fetchBytes(url)), url.href);
  const shards: ModelSource['shards'] = [];
  for (const path of shardPaths(modelJson)) {
    const shardUrl = new URL(path, url);
    if (!shardUrl.search) shardUrl.search = url.search;
    shards.push({ path, bytes: await fetchBytes(shardUrl) });
  }
  return { location: url.href, modelJson, shards };
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new ModelAddError(`cannot reach ${url.href}: ${reason}`);
  }
  if (!response.ok) throw new ModelAddError(`cannot download ${url.href}: HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

const shardPaths = (json: TfjsModelJson) => json.weightsManifest.flatMap((group) => group.paths);
