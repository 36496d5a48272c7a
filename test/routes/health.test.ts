import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('GET /health', () => {
  it('reports the wasm backend with SIMD read from the instantiated binary', async () => {
    const res = await exports.default.fetch(new Request('http://edgetune.test/health'));
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; backend: string; simd: boolean; models: string[] }>();
    expect(body).toMatchObject({ status: 'ok', backend: 'wasm', simd: true });
    expect(Array.isArray(body.models)).toBe(true);
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });
});
