import { Validator, type Schema } from '@cfworker/json-schema';
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { models } from '../../src/model/service';
import { fixtureImage } from '../fixtures/images/fixtures';
import { pixelBombPng } from '../fixtures/images/png-builder';
import { buildFixtureModel } from '../model/fixture-model';

type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: Record<string, unknown>;
};

const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };
const runId = crypto.randomUUID();
const csv = ['epoch,loss,val_loss', ...Array.from({ length: 20 }, (_, e) => `${e},${(1 / (e + 1)).toFixed(4)},${(1 / (e + 1) + 0.1).toFixed(4)}`)].join('\n');
const run = { name: 'doc run', model: 'm', dataset: 'd', status: 'running', hyperparameters: {}, startedAt: '2026-11-27T00:00:00.000Z' };
const epoch = { epoch: 0, metrics: { loss: 1, val_loss: 1.1 }, layers: [], seconds: 1 };

/** [method, path template, concrete path, init, expected status]: every route with every status it documents. */
const visits: Array<[string, string, string, RequestInit, number]> = [
  ['get', '/health', '/health', {}, 200],
  ['get', '/models', '/models', {}, 200],
  ['post', '/classify', '/classify?model=fixture', { body: fixtureImage('garment.png'), headers: { 'content-type': 'image/png' } }, 200],
  ['post', '/classify', '/classify?model=fixture', { body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'image/png' } }, 400],
  ['post', '/classify', '/classify?model=missing', { body: fixtureImage('garment.png'), headers: { 'content-type': 'image/png' } }, 404],
  ['post', '/classify', '/classify?model=fixture', { body: pixelBombPng(), headers: { 'content-type': 'image/png' } }, 413],
  ['post', '/classify', '/classify?model=fixture', { body: 'hello', headers: { 'content-type': 'text/plain' } }, 415],
  ['put', '/runs/{id}', `/runs/${runId}`, { body: JSON.stringify(run), headers: auth }, 201],
  ['put', '/runs/{id}', `/runs/${runId}`, { body: JSON.stringify(run), headers: auth }, 200],
  ['put', '/runs/{id}', `/runs/${runId}`, { body: '{}', headers: auth }, 400],
  ['put', '/runs/{id}', `/runs/${runId}`, { body: JSON.stringify(run), headers: { 'content-type': 'application/json' } }, 401],
  ['put', '/runs/{id}/epochs/{n}', `/runs/${runId}/epochs/0`, { body: JSON.stringify(epoch), headers: auth }, 201],
  ['put', '/runs/{id}/epochs/{n}', `/runs/${runId}/epochs/0`, { body: JSON.stringify(epoch), headers: auth }, 200],
  ['put', '/runs/{id}/epochs/{n}', '/runs/missing/epochs/0', { body: JSON.stringify(epoch), headers: auth }, 404],
  ['post', '/runs/{id}/epochs', `/runs/${runId}/epochs`, { body: JSON.stringify({ epochs: [{ ...epoch, epoch: 1 }] }), headers: auth }, 200],
  ['post', '/runs/{id}/epochs', '/runs/missing/epochs', { body: JSON.stringify({ epochs: [epoch] }), headers: auth }, 404],
  ['get', '/runs', '/runs?limit=5', {}, 200],
  ['get', '/runs', '/runs?limit=0', {}, 400],
  ['get', '/runs/{id}', `/runs/${runId}`, {}, 200],
  ['get', '/runs/{id}', '/runs/missing', {}, 404],
  ['get', '/runs/{id}/advice', `/runs/${runId}/advice`, {}, 200],
  ['get', '/runs/{id}/advice', '/runs/missing/advice', {}, 404],
  ['post', '/advise', '/advise', { body: csv, headers: { 'content-type': 'text/csv' } }, 201],
  ['post', '/advise', '/advise', { body: 'epoch,loss\n0,x', headers: { 'content-type': 'text/csv' } }, 400],
  ['post', '/advise', '/advise', { body: 'x'.repeat(11 * 1024 * 1024), headers: { 'content-type': 'text/plain' } }, 413],
  ['post', '/advise', '/advise', { body: '<a/>', headers: { 'content-type': 'application/xml' } }, 415],
  ['post', '/advise', '/advise', { body: '{"metrics":{"accuracy":[0.5]}}', headers: { 'content-type': 'application/json' } }, 422],
  ['get', '/advice/{id}', '/advice/missing', {}, 404],
  ['get', '/advice/{id}/plot.svg', '/advice/missing/plot.svg', {}, 404],
  ['get', '/problems/{kind}', '/problems/pixel-limit', {}, 200],
  ['get', '/problems/{kind}', '/problems/nope', {}, 404],
  ['get', '/docs', '/docs', {}, 200],
];

let doc: OpenApi;
const call = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`http://edgetune.test${path}`, init));

beforeAll(async () => {
  models.register(await buildFixtureModel('fixture'));
  doc = await (await call('/openapi.json')).json<OpenApi>();
});

function validatorFor(schema: Schema) {
  // Inline the document's components so `$ref: '#/components/schemas/…'` resolves against this root.
  return new Validator({ ...schema, components: doc.components } as Schema, '2020-12', false);
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route, with the problem types described', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = new Set(visits.map(([method, template]) => `${method} ${template}`));
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(new Set(documented)).toEqual(routes);
  });

  it.each(visits)('%s %s (%s) answers as documented', async (method, template, path, init, status) => {
    const res = await call(path, { method: method.toUpperCase(), ...init });
    expect(res.status).toBe(status);
    const documented = doc.paths[template][method].responses[String(status)];
    expect(documented, `status ${status} of ${method} ${template} is documented`).toBeDefined();
    const type = (res.headers.get('content-type') ?? '').split(';')[0];
    const media = documented.content?.[type];
    expect(media, `${type} is documented for ${status}`).toBeDefined();
    if (type.endsWith('json')) {
      const result = validatorFor(media!.schema).validate(await res.json());
      expect(result.errors.map((e) => `${e.instanceLocation}: ${e.error}`)).toEqual([]);
    }
  });
});
