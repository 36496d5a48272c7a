import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';

const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };
const call = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`http://edgetune.test${path}`, init));
const dataset = `runs-read-${crypto.randomUUID()}`;

async function storeRun(id: string, startedAt: string, status: string, losses: number[]) {
  const run = { name: `run ${id}`, model: 'cnn-small', dataset, status, startedAt, hyperparameters: { optimizer: 'adam', learningRate: 0.01, batchSize: 64 } };
  expect((await call(`/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(run) })).status).toBe(201);
  const epochs = losses.map((loss, epoch) => ({
    epoch,
    metrics: { loss, val_loss: epoch < 8 ? loss + 0.05 : 0.4 + 0.05 * (epoch - 8), accuracy: 1 - loss / 3, val_accuracy: 0.8 },
    layers: [{ name: 'conv1', deadFraction: 0.05, gradNorm: 0.3, weightNorm: 2, updateRatio: 0.001 }],
    seconds: 3,
  }));
  if (epochs.length) expect((await call(`/runs/${id}/epochs`, { method: 'POST', headers: auth, body: JSON.stringify({ epochs }) })).status).toBe(200);
}

const decreasing = Array.from({ length: 24 }, (_, e) => 1.2 * Math.exp(-e / 5) + 0.02);

beforeAll(async () => {
  await storeRun('r-old', '2026-01-01T00:00:00.000Z', 'complete', decreasing);
  await storeRun('r-mid', '2026-02-01T00:00:00.000Z', 'failed', decreasing.slice(0, 3));
  await storeRun('r-new', '2026-03-01T00:00:00.000Z', 'running', []);
  // A writer killed long ago: still `running` in the table, shown as `incomplete`.
  await env.DB.prepare("update runs set updated_at = '2026-03-01T00:00:00.000Z' where id = 'r-new'").run();
});

describe('GET /runs', () => {
  it('lists newest first with a cursor, and filters', async () => {
    const first = await (await call(`/runs?dataset=${dataset}&limit=2`)).json<{ items: Array<{ id: string; status: string }>; nextCursor: string }>();
    expect(first.items.map((r) => r.id)).toEqual(['r-new', 'r-mid']);
    expect(first.items[0].status).toBe('incomplete');
    const second = await (await call(`/runs?dataset=${dataset}&limit=2&cursor=${first.nextCursor}`)).json<{ items: Array<{ id: string }>; nextCursor: null }>();
    expect(second.items.map((r) => r.id)).toEqual(['r-old']);
    expect(second.nextCursor).toBeNull();
    const failed = await (await call(`/runs?dataset=${dataset}&status=failed`)).json<{ items: Array<{ id: string }> }>();
    expect(failed.items.map((r) => r.id)).toEqual(['r-mid']);
    const incomplete = await (await call(`/runs?dataset=${dataset}&status=incomplete`)).json<{ items: Array<{ id: string }> }>();
    expect(incomplete.items.map((r) => r.id)).toEqual(['r-new']);
  });

  it('rejects a forged cursor and a bad limit', async () => {
    expect((await call('/runs?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await call('/runs?limit=1000')).status).toBe(400);
  });
});

describe('GET /runs/:id and /runs/:id/advice', () => {
  it('returns hyperparameters, per-epoch metrics and layer statistics', async () => {
    const run = await (await call('/runs/r-old')).json<{ hyperparameters: { learningRate: number }; epochs: Array<{ epoch: number; metrics: { loss: number }; layers: Array<{ name: string }> }> }>();
    expect(run.hyperparameters.learningRate).toBe(0.01);
    expect(run.epochs).toHaveLength(24);
    expect(run.epochs[3].metrics.loss).toBeCloseTo(decreasing[3], 6);
    expect(run.epochs[3].layers[0].name).toBe('conv1');
  });

  it('runs the advisor on the stored run', async () => {
    const res = await call('/runs/r-old/advice');
    expect(res.status).toBe(200);
    const advice = await res.json<{ findings: Array<{ id: string }>; bestEpoch: number }>();
    expect(advice.findings.map((f) => f.id)).toContain('overfitting');
    expect(advice.bestEpoch).toBeLessThanOrEqual(9);
  });

  it('answers 404 for an unknown run and 422 for a run without epochs', async () => {
    expect((await call('/runs/nope')).status).toBe(404);
    expect((await call('/runs/nope/advice')).status).toBe(404);
    expect((await call('/runs/r-new/advice')).status).toBe(422);
  });
});
