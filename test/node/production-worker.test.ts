import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureImage } from '../fixtures/images/fixtures';

/**
 * vitest-pool-workers always adds nodejs_compat_v2, so the workers tests exercise the Node branch of the Emscripten
 * glue. This test runs the Worker the way production does: `wrangler dev` with the real wrangler.toml (no
 * nodejs_compat), over HTTP.
 */
let server: ChildProcess | undefined;
let base = '';
const state = mkdtempSync(path.join(tmpdir(), 'edgetune-prod-'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    'npx',
    ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false'],
    { stdio: 'ignore', detached: true, env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false' } },
  );
  await waitForHealth(`${base}/health`, Date.now() + 120_000);
}, 150_000);

afterAll(() => {
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  rmSync(state, { recursive: true, force: true });
});

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
