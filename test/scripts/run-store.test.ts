// The HTTP door of the run store speaks the contract's ingestion API with the bearer token.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRunStore, resilientRunStore } from '../../scripts/lib/run-store';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

const seen: Seen[] = [];
let failNext = 0;
const server = createServer(async (req: IncomingMessage, res) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: JSON.parse(text || 'null') });
  if (failNext > 0) {
    failNext--;
    res.writeHead(503).end('{"title":"busy"}');
    return;
  }
  res.writeHead(req.method === 'PUT' ? 201 : 200, { 'content-type': 'application/json' }).end('{}');
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = { name: 'fm', model: 'fashion-mnist', dataset: 'fashion-mnist', status: 'running' as const, hyperparameters: { lr: 0.002 }, startedAt: '2025-01-01T00:00:00.000Z' };
const epoch = (n: number) => ({ epoch: n, metrics: { loss: 1 / (n + 1), val_loss: 1, accuracy: 0.5, val_accuracy: 0.5, learning_rate: 0.002 }, layers: [{ name: 'conv1', deadFraction: 0, gradNorm: 0.1, weightNorm: 2, updateRatio: 0.001 }], seconds: 3 });

describe('HTTP run store', () => {
  it('PUTs the run, PUTs a single epoch by number and POSTs several at once, with the bearer token', async () => {
    seen.length = 0;
    const store = createHttpRunStore(`${base}/`, 'dev-token');
    await store.putRun('r1', run);
    await store.putEpochs('r1', [epoch(0)]);
    await store.putEpochs('r1', [epoch(1), epoch(2)]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /runs/r1', 'PUT /runs/r1/epochs/0', 'POST /runs/r1/epochs']);
    expect(seen.every((s) => s.auth === 'Bearer dev-token')).toBe(true);
    expect(seen[0].body).toMatchObject({ status: 'running', dataset: 'fashion-mnist' });
    expect((seen[2].body as { epochs: unknown[] }).epochs).toHaveLength(2);
  });

  it('keeps training alive through a failed write and re-sends it with the next one', async () => {
    seen.length = 0;
    const logs: string[] = [];
    const store = resilientRunStore(createHttpRunStore(base, 't'), (line) => logs.push(line));
    await store.putRun('r2', run);
    failNext = 1;
    await store.putEpochs('r2', [epoch(0)]);
    expect(logs[0]).toMatch(/unavailable, will retry/);
    await store.putEpochs('r2', [epoch(1)]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /runs/r2', 'PUT /runs/r2/epochs/0', 'POST /runs/r2/epochs']);
    expect((seen[2].body as { epochs: Array<{ epoch: number }> }).epochs.map((e) => e.epoch)).toEqual([0, 1]);
  });
});
