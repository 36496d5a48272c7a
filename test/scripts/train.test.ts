// A user's visit to `npm run train`: a short real run stored in (local) D1, a run interrupted and resumed, a folder
// dataset of their own PNGs.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/lib/backend';
import type { EpochRecord, RunRecord, RunStore } from '../../scripts/lib/run-store';
import { parseTrainArgs } from '../../scripts/lib/train-options';
import { readCheckpointState, train } from '../../scripts/lib/trainer';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'edgetune-train-'));
/** A small, fast network: the tests check the pipeline, not accuracy. */
const SMALL_NET = ['--conv', '8,M,16,M', '--dense', '16', '--batch-size', '32'];

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Records what a run store receives. */
function memoryStore() {
  const runs: RunRecord[] = [];
  const epochs: EpochRecord[] = [];
  const store: RunStore = {
    description: 'memory',
    putRun: async (_id, record) => void runs.push(record),
    putEpochs: async (_id, list) => void epochs.push(...list),
    close: async () => {},
  };
  return { store, runs, epochs };
}

describe('npm run train', () => {
  it('trains a few hundred MNIST images for 2 epochs, loss falls, the run and its epochs are in local D1', async () => {
    const persist = join(work, 'd1', 'v3');
    const args = [
      'scripts/train.ts', '--dataset', 'mnist', '--limit', '320', '--epochs', '2', '--lr', '0.01', '--schedule', 'constant', ...SMALL_NET,
      '--store', 'd1', '--d1-persist', persist, '--checkpoint-dir', join(work, 'ckpt'), '--models-dir', join(work, 'models'),
      '--model-id', 'mnist-smoke', '--curves', join(work, 'curves.json'),
    ];
    const { stderr } = await run('npx', ['tsx', ...args], { timeout: 230_000 });
    const runId = /run ([0-9a-f-]{36})/.exec(stderr)![1];

    const curves = JSON.parse(readFileSync(join(work, 'curves.json'), 'utf8'));
    expect(curves.metrics.loss).toHaveLength(2);
    expect(curves.metrics.loss[1]).toBeLessThan(curves.metrics.loss[0]);
    expect(curves.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'conv2', 'dense1', 'output']);
    expect(curves.model.class_name).toBe('Sequential');

    const manifest = JSON.parse(readFileSync(join(work, 'models', 'mnist-smoke', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'mnist-smoke', dataset: 'mnist', inputShape: [28, 28, 1], accuracy: { split: 'test', n: 2000 } });
    expect(manifest.command).toContain('--limit 320');

    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{ DB: D1Database }>({ persist: { path: persist } });
    try {
      const stored = await proxy.env.DB.prepare('SELECT status, dataset, final FROM runs WHERE id = ?').bind(runId).first<{ status: string; dataset: string; final: string }>();
      expect(stored).toMatchObject({ status: 'complete', dataset: 'mnist' });
      expect(JSON.parse(stored!.final).test_accuracy).toBeGreaterThan(0);
      const epochRows = await proxy.env.DB.prepare('SELECT epoch, metrics FROM epochs WHERE run_id = ? ORDER BY epoch').bind(runId).all<{ epoch: number; metrics: string }>();
      expect(epochRows.results.map((r) => r.epoch)).toEqual([0, 1]);
      expect(Object.keys(JSON.parse(epochRows.results[0].metrics))).toEqual(expect.arrayContaining(['loss', 'val_loss', 'accuracy', 'val_accuracy', 'learning_rate']));
      const layers = await proxy.env.DB.prepare('SELECT COUNT(*) AS n FROM layer_stats WHERE run_id = ?').bind(runId).first<{ n: number }>();
      expect(layers!.n).toBe(8);
    } finally {
      await proxy.dispose();
    }
    // Starting workerd for local D1 (getPlatformProxy) dominates this test; under a loaded machine it takes a minute.
  }, 240_000);
});

describe('interrupted runs', () => {
  beforeAll(() => initBackend('wasm'));

  it('resume after an interruption continues from the last checkpoint and completes', async () => {
    const { options } = parseTrainArgs(['--dataset', 'mnist', '--limit', '256', '--epochs', '2', ...SMALL_NET, '--checkpoint-dir', join(work, 'ckpt'), '--no-export', '--progress', 'never']);
    const first = memoryStore();
    const runId = 'resume-test';
    // Ctrl-C as soon as the first epoch is stored.
    const result = await train(options, { runId, command: 'test', store: first.store, log: () => {}, interrupted: () => first.epochs.length > 0 });
    expect(result.status).toBe('failed');
    expect(first.runs.at(-1)).toMatchObject({ status: 'failed', final: { reason: 'interrupted', epochsDone: 1 } });

    const state = readCheckpointState(options.checkpointDir, runId);
    expect(state.epochsDone).toBe(1);
    const second = memoryStore();
    const resumed = await train(state.options, { runId, command: 'test', store: second.store, log: () => {} }, state);
    expect(resumed.status).toBe('complete');
    expect(resumed.history.map((e) => e.epoch)).toEqual([0, 1]);
    // The resumed writer re-sends the finished epoch, then stores the new one.
    expect(second.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(second.runs.at(-1)!.status).toBe('complete');
  });

  it('stops on a NaN loss with a clear message and stores the failed run', async () => {
    const { options } = parseTrainArgs(['--dataset', 'mnist', '--limit', '128', '--epochs', '1', ...SMALL_NET, '--lr', '1e38', '--optimizer', 'sgd', '--no-batch-norm', '--activation', 'leaky_relu', '--checkpoint-dir', join(work, 'ckpt'), '--no-export', '--progress', 'never']);
    const memory = memoryStore();
    const result = await train(options, { runId: 'nan-test', command: 'test', store: memory.store, log: () => {} });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/loss became NaN|loss became Infinity/);
    expect(memory.runs.at(-1)).toMatchObject({ status: 'failed', final: { reason: 'nan_loss' } });
    expect(memory.epochs).toHaveLength(1);
  });
});

/** A minimal grayscale PNG writer (zlib + CRC-32), so the test builds its images without extra packages. */
function encodeGrayPng(width: number, height: number, pixel: (x: number, y: number) => number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('folder datasets', () => {
  beforeAll(() => initBackend('wasm'));

  it('trains on DIR/<class>/*.png decoded with the Worker image code and exports the class names as labels', async () => {
    const dir = join(work, 'bars');
    for (const label of ['horizontal', 'vertical']) {
      mkdirSync(join(dir, label), { recursive: true });
      for (let i = 0; i < 15; i++) {
        const at = 4 + (i % 10);
        const png = encodeGrayPng(20, 20, (x, y) => ((label === 'horizontal' ? y : x) === at ? 255 : 10 + ((x * 7 + y * 3 + i) % 20)));
        writeFileSync(join(dir, label, `${i}.png`), png);
      }
    }
    const { options } = parseTrainArgs([
      '--dataset', dir, '--image-size', '16', '--epochs', '2', '--shift', '1', '--brightness', '0.1', ...SMALL_NET,
      '--checkpoint-dir', join(work, 'ckpt'), '--models-dir', join(work, 'models'), '--progress', 'never',
    ]);
    const memory = memoryStore();
    const result = await train(options, { runId: 'folder-test', command: 'test', store: memory.store, log: () => {} });
    expect(result.status).toBe('complete');
    expect(result.test!.n).toBe(6); // 20 % of 15 per class
    const manifest = JSON.parse(readFileSync(join(work, 'models', 'bars', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ labels: ['horizontal', 'vertical'], inputShape: [16, 16, 1], preprocessing: { channels: 1, invertLightBackground: false } });
    expect(existsSync(join(work, 'models', 'bars', 'model.json'))).toBe(true);
  });
});
