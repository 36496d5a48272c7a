// `npm run model:add` as a user runs it, on models this test makes itself: a small layers model saved with tfjs-layers
// and a hand-written graph model with known weights, added from a path and from a URL served on 127.0.0.1, into a
// temporary models folder (the repository's models/ is never touched).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledModel } from '../../src/model/loaded-model';
import { ModelManifestSchema, type ModelManifest } from '../../src/model/manifest';
import { runModelAdd } from '../../scripts/lib/model-add/cli';
import { inspectModelJson, parseTfjsModelJson } from '../../scripts/lib/model-add/inspect';
import { readModelFolder } from '../../scripts/lib/model-folder';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Issue 2: the copied graph model matches plain tfjs ops on the cpu backend to 1e-5. */
const TOLERANCE = 1e-5;

let work: string;
let modelsDir: string;
let server: Server;
let baseUrl: string;
let layersModel: tfl.LayersModel;
const requested: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The tsx that `npx tsx` resolves to, without npx's own start-up (seconds on a busy machine). */
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npx tsx scripts/model-add.ts ARGS --models-dir <temp>` in its own process, from the repository root, as a user runs it. */
function modelAdd(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['scripts/model-add.ts', ...args, '--models-dir', modelsDir], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The same command through its exported entry point, in this process: for the error paths that end before tfjs loads. */
async function modelAddInProcess(...args: string[]): Promise<Run> {
  const sink = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d) => (text += d));
    return { stream, text: () => text };
  };
  const [out, err] = [sink(), sink()];
  const code = await runModelAdd([...args, '--models-dir', modelsDir], out.stream, err.stream);
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A deterministic, non-trivial float32 fill: values in [-1, 1]. */
function knownValues(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);
}

/** Sequential conv → flatten → dense softmax, saved through tfjs' save handler the way tensorflowjs_converter lays it out. */
async function writeLayersFixture(dir: string): Promise<tfl.LayersModel> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(data));
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: { keras_version: 'tfjs-layers', backend: 'tensor_flow.js', model_config: artifacts.modelTopology },
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return model;
}

/** The graph fixture's weights, in weightsManifest order. */
const GRAPH_WEIGHTS = [
  { name: 'conv/filter', shape: [3, 3, 3, 4], dtype: 'float32' },
  { name: 'conv/bias', shape: [4], dtype: 'float32' },
  { name: 'flatten/shape', shape: [2], dtype: 'int32' },
  { name: 'dense/kernel', shape: [16, 5], dtype: 'float32' },
  { name: 'dense/bias', shape: [5], dtype: 'float32' },
] as const;
const graphValues = {
  'conv/filter': knownValues(108, 1),
  'conv/bias': knownValues(4, 2),
  'flatten/shape': Int32Array.from([-1, 16]),
  'dense/kernel': knownValues(80, 3),
  'dense/bias': knownValues(5, 4),
};

/**
 * x[-1,4,4,3] → Conv2D 3×3 VALID → BiasAdd → Relu → Reshape[-1,16] → MatMul → BiasAdd → Softmax, as a GraphDef node
 * list the converter would write, with the weights split over two extension-less shards like TF Hub's.
 */
function writeGraphFixture(dir: string): void {
  const dims = (shape: number[]) => ({ dim: shape.map((size) => ({ size: String(size) })) });
  const base64 = (s: string) => Buffer.from(s).toString('base64');
  const float = { type: 'DT_FLOAT' };
  const constNode = (w: (typeof GRAPH_WEIGHTS)[number]) => {
    const dtype = w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    return { name: w.name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims([...w.shape]) } }, dtype: { type: dtype } } };
  };
  const node = [
    { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims([-1, 4, 4, 3]) } } },
    ...GRAPH_WEIGHTS.map(constNode),
    {
      name: 'conv/Conv2D',
      op: 'Conv2D',
      input: ['x', 'conv/filter'],
      attr: { T: float, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: base64('VALID') }, data_format: { s: base64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } },
    },
    { name: 'conv/BiasAdd', op: 'BiasAdd', input: ['conv/Conv2D', 'conv/bias'], attr: { T: float, data_format: { s: base64('NHWC') } } },
    { name: 'conv/Relu', op: 'Relu', input: ['conv/BiasAdd'], attr: { T: float } },
    { name: 'flatten/Reshape', op: 'Reshape', input: ['conv/Relu', 'flatten/shape'], attr: { T: float, Tshape: { type: 'DT_INT32' } } },
    { name: 'dense/MatMul', op: 'MatMul', input: ['flatten/Reshape', 'dense/kernel'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul', 'dense/bias'], attr: { T: float, data_format: { s: base64('NHWC') } } },
    { name: 'probabilities', op: 'Softmax', input: ['dense/BiasAdd'], attr: { T: float } },
  ];
  const bytes = Buffer.concat(GRAPH_WEIGHTS.map((w) => Buffer.from(graphValues[w.name].buffer)));
  const half = 4 * 100; // shard boundary inside the conv filter: tfjs concatenates a group's shards before slicing
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'group1-shard1of2'), bytes.subarray(0, half));
  writeFileSync(join(dir, 'group1-shard2of2'), bytes.subarray(half));
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'hand-written test fixture',
    convertedBy: null,
    modelTopology: { node, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of2', 'group1-shard2of2'], weights: GRAPH_WEIGHTS }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
}

/** The graph fixture's function written with plain tfjs ops. */
function graphReference(input: Float32Array): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(input, [1, 4, 4, 3]);
    const conv = tf.relu(tf.add(tf.conv2d(x, tf.tensor4d(graphValues['conv/filter'], [3, 3, 3, 4]), 1, 'valid'), tf.tensor1d(graphValues['conv/bias'])));
    const logits = tf.add(tf.matMul(tf.reshape(conv, [-1, 16]), tf.tensor2d(graphValues['dense/kernel'], [16, 5])), tf.tensor1d(graphValues['dense/bias']));
    return tf.softmax(logits).dataSync() as Float32Array;
  });
}

/** Reads `models/ID/` the way the Worker bundle does and returns its manifest and a predict function (cpu backend). */
async function loadCopied(id: string) {
  const dir = join(modelsDir, id);
  const { manifest, modelJson, weights } = readModelFolder(dir);
  const loaded = await loadBundledModel({ ...manifest, outputs: 'probabilities' } as ModelManifest, { manifest, modelJson, weights });
  return { manifest, modelJson, predict: loaded.predict };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Files the command may have left in the models folder besides finished models (work folders must be gone). */
const leftovers = () => readdirSync(modelsDir).filter((f) => f.startsWith('.'));

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner from the cpu backend
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'edgetune-model-add-'));
  modelsDir = join(work, 'models');
  layersModel = await writeLayersFixture(join(work, 'src', 'layers'));
  writeGraphFixture(join(work, 'src', 'graph'));
  writeFileSync(join(work, 'labels3.txt'), 'circle\nsquare\r\ntriangle\n\n');
  writeFileSync(join(work, 'labels4.txt'), 'a\nb\nc\nd\n');
  writeFileSync(join(work, 'labels5.json'), JSON.stringify(['zero', 'one', 'two', 'three', 'four']));
  writeFileSync(join(work, 'not-a-model.json'), JSON.stringify({ loss: [1, 0.5] }));
  // Serves the graph fixture folder like a static host; records what was asked for.
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    requested.push(req.url ?? '');
    const file = join(work, 'src', path);
    if (!path.startsWith('/graph/') || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': extname(file) === '.json' ? 'application/json' : 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run model:add', () => {
  it('copies a layers model from a folder with its labels, and the copy predicts like the original', async () => {
    const run = await modelAdd(join(work, 'src', 'layers'), '--id', 'shapes', '--labels', join(work, 'labels3.txt'), '--name', 'Shapes CNN', '--invert-light-background');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/8×8×1/);
    expect(run.stdout).toMatch(/classes\s+3/);

    const { manifest } = await loadCopied('shapes');
    expect(manifest).toMatchObject({
      id: 'shapes',
      name: 'Shapes CNN',
      dataset: 'user',
      labels: ['circle', 'square', 'triangle'],
      inputShape: [8, 8, 1],
      preprocessing: { channels: 1, scale: [0, 1], invertLightBackground: true },
      outputs: 'probabilities',
      params: layersModel.countParams(),
      accuracy: null,
    });
    expect(manifest.command).toMatch(/model-add.*--id shapes --labels .*labels3\.txt --name 'Shapes CNN' --invert-light-background/);
    expect(readdirSync(join(modelsDir, 'shapes')).sort()).toEqual(['group1-shard1of1.bin', 'manifest.json', 'model.json']);
    expect(readFileSync(join(modelsDir, 'index.ts'), 'utf8')).toContain("from './shapes/group1-shard1of1.bin'");

    const input = knownValues(64, 9).map((v) => Math.abs(v));
    const { predict } = await loadCopied('shapes');
    const expected = tf.tidy(() => (layersModel.predict(tf.tensor4d(input, [1, 8, 8, 1])) as tf.Tensor).dataSync() as Float32Array);
    expect(maxAbsDiff(predict(input), expected)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('copies a hand-written graph model from a path: shards renamed to .bin, outputs match plain tfjs ops to 1e-5', async () => {
    const run = await modelAdd(join(work, 'src', 'graph', 'model.json'), '--id', 'graph-file', '--scale', '-1,1');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/class_0…class_4/); // no --labels: a warning, generated names

    const { manifest, modelJson, predict } = await loadCopied('graph-file');
    expect(manifest).toMatchObject({
      labels: ['class_0', 'class_1', 'class_2', 'class_3', 'class_4'],
      inputShape: [4, 4, 3],
      preprocessing: { channels: 3, scale: [-1, 1], invertLightBackground: false },
      outputs: 'probabilities', // the graph ends in Softmax
      params: 108 + 4 + 80 + 5, // the int32 reshape constant is not a parameter
    });
    expect(modelJson.format).toBe('graph-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(readFileSync(join(modelsDir, 'index.ts'), 'utf8')).toContain("from './graph-file/group1-shard2of2.bin'");

    for (const seed of [5, 6, 7]) {
      const input = knownValues(48, seed);
      expect(maxAbsDiff(predict(input), graphReference(input))).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('copies the graph model from a URL on 127.0.0.1, fetching its shards beside the model.json', async () => {
    const run = await modelAdd(`${baseUrl}/graph/model.json`, '--id', 'graph-url', '--labels', join(work, 'labels5.json'), '--mean', '127.5', '--std', '127.5');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(requested).toEqual(expect.arrayContaining(['/graph/model.json', '/graph/group1-shard1of2', '/graph/group1-shard2of2']));

    const { manifest, predict } = await loadCopied('graph-url');
    expect(manifest.labels).toEqual(['zero', 'one', 'two', 'three', 'four']);
    expect(manifest.preprocessing.scale).toEqual({ mean: [127.5], std: [127.5] });
    const input = knownValues(48, 8);
    expect(maxAbsDiff(predict(input), graphReference(input))).toBeLessThanOrEqual(TOLERANCE);
    expect(readFileSync(join(modelsDir, 'index.ts'), 'utf8')).toMatch(/graph-url\/manifest\.json[\s\S]*shapes\/manifest\.json/);
  });

  it('refuses a label file that does not match the output size, leaving nothing behind', async () => {
    const run = await modelAdd(join(work, 'src', 'layers'), '--id', 'mismatch', '--labels', join(work, 'labels4.txt'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/4 labels but the model outputs 3 classes/);
    expect(existsSync(join(modelsDir, 'mismatch'))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(readFileSync(join(modelsDir, 'index.ts'), 'utf8')).not.toContain('mismatch');
  });

  it('refuses to overwrite an existing id unless --force', async () => {
    const before = readFileSync(join(modelsDir, 'shapes', 'manifest.json'), 'utf8');
    const refused = await modelAddInProcess(join(work, 'src', 'graph'), '--id', 'shapes');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/"shapes" already exists.*--force/);
    expect(readFileSync(join(modelsDir, 'shapes', 'manifest.json'), 'utf8')).toBe(before);

    const forced = await modelAdd(join(work, 'src', 'graph'), '--id', 'shapes', '--force');
    expect(forced.code).toBe(0);
    expect((await loadCopied('shapes')).manifest.inputShape).toEqual([4, 4, 3]);
    expect(readdirSync(join(modelsDir, 'shapes')).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'manifest.json', 'model.json']);
    expect(leftovers()).toEqual([]);
  });

  it('answers bad sources with exit code 2 and a message: missing file, unreachable URL, not a tfjs model.json', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const missing = await modelAddInProcess(join(work, 'nowhere', 'model.json'), '--id', 'x1');
    const unreachable = await modelAddInProcess(`http://127.0.0.1:${deadPort}/model.json`, '--id', 'x2');
    const notFound = await modelAddInProcess(`${baseUrl}/graph/missing.json`, '--id', 'x3');
    const notModel = await modelAddInProcess(join(work, 'not-a-model.json'), '--id', 'x4');
    expect([missing.code, unreachable.code, notFound.code, notModel.code]).toEqual([2, 2, 2, 2]);
    expect(missing.stderr).toMatch(/no such file or folder/);
    expect(unreachable.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/model\.json: ECONNREFUSED/);
    expect(notFound.stderr).toMatch(/HTTP 404/);
    expect(notModel.stderr).toMatch(/not a tfjs model\.json/);
    expect(readdirSync(modelsDir).filter((f) => /^x\d$/.test(f))).toEqual([]);
  });

  it('asks for --input-size and --channels when a graph model accepts any image size', async () => {
    const dir = join(work, 'src', 'any-size');
    mkdirSync(dir, { recursive: true });
    const modelJson = JSON.parse(readFileSync(join(work, 'src', 'graph', 'model.json'), 'utf8'));
    modelJson.modelTopology.node[0].attr.shape.shape.dim = [-1, -1, -1, -1].map((size) => ({ size: String(size) }));
    modelJson.weightsManifest[0].paths = modelJson.weightsManifest[0].paths.map((p: string) => `../graph/${p}`);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));

    const run = await modelAddInProcess(dir, '--id', 'any-size');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not fix its input height; pass --input-size HxW/);
    const wrong = await modelAddInProcess(join(work, 'src', 'graph'), '--id', 'any-size', '--input-size', '32x32');
    expect(wrong.stderr).toMatch(/input height is 4 but --input-size HxW says 32/);
    expect(existsSync(join(modelsDir, 'any-size'))).toBe(false);
  });

  it('reads what a SavedModel conversion states: signature input and output shapes, a final Softmax behind Identity', () => {
    const dims = (shape: number[]) => ({ dim: shape.map((size) => ({ size: String(size) })) });
    const text = JSON.stringify({
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'input_1', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 224, 224, 3]) } } },
          { name: 'model/predictions/Softmax', op: 'Softmax', input: ['model/predictions/BiasAdd'] },
          { name: 'Identity', op: 'Identity', input: ['model/predictions/Softmax'] },
        ],
      },
      signature: {
        inputs: { input_1: { name: 'input_1:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 224, 224, 3]) } },
        outputs: { predictions: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 1000]) } },
      },
      weightsManifest: [{ paths: ['group1-shard1of1'], weights: [{ name: 'w', shape: [3, 3, 3, 32], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.01 } }] }],
    });
    expect(inspectModelJson(parseTfjsModelJson(text, 'model.json'))).toEqual({
      format: 'graph-model',
      inputShape: [null, 224, 224, 3],
      classes: 1000,
      params: 864,
      endsInSoftmax: true,
      weightBytes: 864, // uint8-quantized: one byte per value
    });
  });
});
