import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };
const runBody = {
  name: 'fashion-mnist-cnn',
  model: 'cnn-small',
  dataset: 'fashion-mnist',
  status: 'running',
  hyperparameters: { lr: 0.001, batchSize: 64 },
  startedAt: '2026-11-27T10:00:00.000Z',
};
const epoch = (n: number, loss: number) => ({
  epoch: n,
  metrics: { loss, accuracy: 0.8, val_loss: loss + 0.05, val_accuracy: 0.79, learning_rate: 0.001 },
  layers: [
    { name: 'conv1', deadFraction: 0.1, gradNorm: 0.5, weightNorm: 3.2, updateRatio: 0.001 },
    { name: 'dense1', deadFraction: 0, gradNorm: 0.2, weightNorm: 5.1, updateRatio: 0.002 },
  ],
  seconds: 12.5,
});

const call = (path: string, init: RequestInit) => exports.default.fetch(new Request(`http://edgetune.test${path}`, init));

describe('run ingestion API', () => {
  it('creates a run (201), then updates it (200)', async () => {
    const id = crypto.randomUUID();
    const created = await call(`/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(runBody) });
    expect(created.status).toBe(201);
    const updated = await call(`/runs/${id}`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...runBody, status: 'complete', finishedAt: '2026-11-27T11:00:00.000Z', final: { top1: 0.93 } }),
    });
    expect(updated.status).toBe(200);
    const row = await env.DB.prepare('select status, final from runs where id = ?').bind(id).first<{ status: string; final: string }>();
    expect(row).toEqual({ status: 'complete', final: '{"top1":0.93}' });
  });

  it('refuses writes without the right bearer token, as problem+json', async () => {
    const id = crypto.randomUUID();
    for (const headers of [{ 'content-type': 'application/json' }, { ...auth, authorization: 'Bearer wrong' }]) {
      const res = await call(`/runs/${id}`, { method: 'PUT', headers, body: JSON.stringify(runBody) });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = await res.json<{ type: string; instance: string }>();
      expect(problem.type).toBe('/problems/unauthorized');
      expect(problem.instance).toBe(res.headers.get('x-request-id'));
    }
    expect(await env.DB.prepare('select count(*) as n from runs where id = ?').bind(id).first('n')).toBe(0);
  });

  it('upserts single epochs with last write wins', async () => {
    const id = crypto.randomUUID();
    await call(`/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(runBody) });
    const first = await call(`/runs/${id}/epochs/0`, { method: 'PUT', headers: auth, body: JSON.stringify(epoch(0, 0.9)) });
    expect(first.status).toBe(201);
    const again = await call(`/runs/${id}/epochs/0`, { method: 'PUT', headers: auth, body: JSON.stringify(epoch(0, 0.7)) });
    expect(again.status).toBe(200);
    const row = await env.DB.prepare('select metrics from epochs where run_id = ? and epoch = 0').bind(id).first<{ metrics: string }>();
    expect(JSON.parse(row!.metrics).loss).toBe(0.7);
    expect(await env.DB.prepare('select count(*) as n from layer_stats where run_id = ?').bind(id).first('n')).toBe(2);
  });

  it('writes a large batch of epochs atomically, chunked under D1 parameter limits', async () => {
    const id = crypto.randomUUID();
    await call(`/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(runBody) });
    const epochs = Array.from({ length: 150 }, (_, n) => epoch(n, 1 / (n + 1)));
    const res = await call(`/runs/${id}/epochs`, { method: 'POST', headers: auth, body: JSON.stringify({ epochs }) });
    expect(res.status).toBe(200);
    expect((await res.json<{ created: number[] }>()).created).toHaveLength(150);
    expect(await env.DB.prepare('select count(*) as n from layer_stats where run_id = ?').bind(id).first('n')).toBe(300);
  });

  it('writes none of a batch when one epoch is invalid', async () => {
    const id = crypto.randomUUID();
    await call(`/runs/${id}`, { method: 'PUT', headers: auth, body: JSON.stringify(runBody) });
    const epochs = [epoch(0, 0.9), { ...epoch(1, 0.8), metrics: { loss: 'high' } }];
    const res = await call(`/runs/${id}/epochs`, { method: 'POST', headers: auth, body: JSON.stringify({ epochs }) });
    expect(res.status).toBe(400);
    const problem = await res.json<{ errors: Array<{ path: string }> }>();
    expect(problem.errors[0].path).toContain('epochs.1.metrics');
    expect(await env.DB.prepare('select count(*) as n from epochs where run_id = ?').bind(id).first('n')).toBe(0);
  });

  it('answers 404 for epochs of an unknown run and 400 for malformed JSON', async () => {
    const missing = await call(`/runs/${crypto.randomUUID()}/epochs/0`, { method: 'PUT', headers: auth, body: JSON.stringify(epoch(0, 1)) });
    expect(missing.status).toBe(404);
    expect((await missing.json<{ type: string }>()).type).toBe('/problems/unknown-run');
    const malformed = await call(`/runs/${crypto.randomUUID()}`, { method: 'PUT', headers: auth, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
  });
});
