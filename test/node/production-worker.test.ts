import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureImage } from '../fixtures/images/fixtures';
import { startWorker, type RunningWorker } from '../wrangler-dev';

/**
 * vitest-pool-workers always adds nodejs_compat_v2, so the workers tests exercise the Node branch of the Emscripten
 * glue. This test runs the Worker the way production does: `wrangler dev` with the real wrangler.toml (no
 * nodejs_compat), over HTTP.
 */
let worker: RunningWorker;
let base = '';

beforeAll(async () => {
  worker = await startWorker({ migrate: false });
  base = worker.base;
}, 200_000);

afterAll(() => worker?.stop());

describe('the Worker under wrangler dev with the production settings', () => {
  it('instantiates the SIMD binary through the web branch of the glue', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', backend: 'wasm', simd: true });
  });

  it('answers a real classification of a PNG over HTTP', async () => {
    const { models } = (await (await fetch(`${base}/models`)).json()) as { models: Array<{ id: string; labels: string[] }> };
    const res = await fetch(`${base}/classify?topk=3`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Blob([fixtureImage('garment.png') as Uint8Array<ArrayBuffer>]),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: Array<{ label: string; probability: number }> };
    expect(body.predictions).toHaveLength(3);
    expect(models[0].labels).toContain(body.predictions[0].label);
  });
});
