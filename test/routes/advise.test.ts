import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

type Advice = {
  id: string;
  format: string;
  status: string;
  bestEpoch: number | null;
  findings: Array<{ id: string; severity: string; epoch: number | null; evidence: string }>;
  recommendations: Array<{ parameter: string; value: unknown; addresses: string[] }>;
  segments?: Advice[];
};

const post = (body: BodyInit, headers: Record<string, string> = {}, query = '') =>
  exports.default.fetch(new Request(`http://edgetune.test/advise${query}`, { method: 'POST', body, headers }));

/** A Keras CSVLogger file of a run that overfits: val_loss bottoms out at epoch 9 and climbs while loss keeps falling. */
function overfittingCsv(): string {
  const rows = ['epoch,accuracy,loss,val_accuracy,val_loss'];
  for (let e = 0; e < 30; e++) {
    const loss = 1.2 * Math.exp(-e / 6) + 0.02;
    const valLoss = e <= 9 ? 1.25 * Math.exp(-e / 6) + 0.3 : 0.55 + 0.03 * (e - 9);
    rows.push([e, (1 - loss / 2).toFixed(4), loss.toFixed(4), (1 - valLoss / 2).toFixed(4), valLoss.toFixed(4)].join(','));
  }
  return rows.join('\n');
}

describe('POST /advise', () => {
  it('diagnoses a Keras CSV, stores the advice and serves it back', async () => {
    const res = await post(overfittingCsv(), { 'content-type': 'text/csv' });
    expect(res.status).toBe(201);
    const advice = await res.json<Advice>();
    expect(res.headers.get('location')).toBe(`/advice/${advice.id}`);
    expect(advice.format).toBe('keras-csv');
    const overfitting = advice.findings.find((f) => f.id === 'overfitting');
    expect(overfitting?.severity).toMatch(/warning|critical/);
    expect(advice.bestEpoch).toBeGreaterThanOrEqual(8);
    expect(advice.bestEpoch).toBeLessThanOrEqual(10);
    expect(advice.recommendations.some((r) => r.addresses.includes('overfitting'))).toBe(true);

    const stored = await exports.default.fetch(new Request(`http://edgetune.test/advice/${advice.id}`));
    expect(await stored.json()).toEqual(advice);
    const row = await env.DB.prepare('select input_digest, format from advice_requests where id = ?').bind(advice.id).first<{ input_digest: string; format: string }>();
    expect(row?.input_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const plot = await exports.default.fetch(new Request(`http://edgetune.test/advice/${advice.id}/plot.svg`));
    expect(plot.headers.get('content-type')).toBe('image/svg+xml');
    expect(await plot.text()).toMatch(/^<svg/);
  });

  it('returns the plot for ?plot=svg and Accept: image/svg+xml', async () => {
    for (const [headers, query] of [[{}, '?plot=svg'], [{ accept: 'image/svg+xml' }, '']] as const) {
      const res = await post(overfittingCsv(), { 'content-type': 'text/csv', ...headers }, query);
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toContain('</svg>');
    }
  });

  it('merges multipart file parts', async () => {
    const form = new FormData();
    form.append('file', new File([overfittingCsv()], 'training.csv', { type: 'text/csv' }));
    const res = await post(form);
    expect(res.status).toBe(201);
    expect((await res.json<Advice>()).format).toBe('keras-csv');
  });

  it('answers bad input with 4xx problem documents', async () => {
    const cases: Array<[BodyInit, Record<string, string>, string, number, string]> = [
      ['epoch,loss\n0,abc\n1,0.5', { 'content-type': 'text/csv' }, '', 400, '/problems/malformed-upload'],
      ['just some words', { 'content-type': 'text/plain' }, '', 400, '/problems/unknown-format'],
      ['{"metrics": {"accuracy": [0.1, 0.2]}}', { 'content-type': 'application/json' }, '', 422, '/problems/unusable-upload'],
      [overfittingCsv(), { 'content-type': 'text/csv' }, '?format=nope', 400, '/problems/validation'],
      ['x'.repeat(11 * 1024 * 1024), { 'content-type': 'text/plain' }, '', 413, '/problems/body-too-large'],
      ['<xml/>', { 'content-type': 'application/xml' }, '', 415, '/problems/unsupported-media-type'],
    ];
    for (const [body, headers, query, status, type] of cases) {
      const res = await post(body, headers, query);
      expect(res.status, type).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json<{ type: string }>()).type).toBe(type);
    }
    const missing = await exports.default.fetch(new Request('http://edgetune.test/advice/does-not-exist'));
    expect(missing.status).toBe(404);
  });
});
