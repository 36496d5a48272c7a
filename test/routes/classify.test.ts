import { exports } from 'cloudflare:workers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { models } from '../../src/model/service';
import { fixtureImage } from '../fixtures/images/fixtures';
import { pixelBombPng } from '../fixtures/images/png-builder';
import { buildFixtureModel, FIXTURE_LABELS } from '../model/fixture-model';

type Prediction = { label: string; index: number; probability: number };
type Problem = { type: string; status: number; instance: string; errors?: Array<{ path: string }> };

const classify = (body: BodyInit | null, { query = '', type = 'image/png' }: { query?: string; type?: string | null } = {}) =>
  exports.default.fetch(
    new Request(`http://edgetune.test/classify${query}`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} }),
  );

async function expectProblem(res: Response, status: number, type: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const problem = await res.json<Problem>();
  expect(problem.type).toBe(type);
  expect(problem.instance).toBe(res.headers.get('x-request-id'));
  return problem;
}

beforeAll(async () => {
  models.register(await buildFixtureModel('fixture'), { makeDefault: true });
});

describe('POST /classify with a raw image body', () => {
  it.each([
    ['garment.png', 'image/png'],
    ['garment-baseline.jpg', 'image/jpeg'],
    ['garment-progressive.jpg', 'image/jpeg'],
    ['garment-lossy.webp', 'image/webp'],
    ['garment-lossless.webp', 'image/webp'],
    ['garment.png', 'application/octet-stream'],
  ] as const)('classifies %s sent as %s', async (name, type) => {
    const res = await classify(fixtureImage(name), { type });
    expect(res.status).toBe(200);
    const body = await res.json<{ model: string; predictions: Prediction[]; width: number; height: number }>();
    expect(body.model).toBe('fixture');
    expect(body.width).toBe(32);
    expect(body.height).toBe(24);
    expect(body.predictions).toHaveLength(FIXTURE_LABELS.length);
    const probabilities = body.predictions.map((p) => p.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('honours topk and model', async () => {
    const res = await classify(fixtureImage('garment.png'), { query: '?model=fixture&topk=2' });
    const body = await res.json<{ predictions: Prediction[] }>();
    expect(body.predictions.map((p) => p.index)).toHaveLength(2);
  });

  it('rejects bad input with the contract status and problem type', async () => {
    await expectProblem(await classify(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), 400, '/problems/undecodable-image');
    await expectProblem(await classify(new Uint8Array(0)), 400, '/problems/undecodable-image');
    await expectProblem(await classify(fixtureImage('garment.png').slice(0, 60)), 400, '/problems/undecodable-image');
    await expectProblem(await classify(pixelBombPng()), 413, '/problems/pixel-limit');
    await expectProblem(await classify(fixtureImage('garment.png'), { query: '?model=nope' }), 404, '/problems/unknown-model');
    await expectProblem(await classify(fixtureImage('garment.png'), { type: 'text/plain' }), 415, '/problems/unsupported-media-type');
    for (const topk of ['0', '99', 'abc']) {
      const problem = await expectProblem(await classify(fixtureImage('garment.png'), { query: `?topk=${topk}` }), 400, '/problems/validation');
      expect(problem.errors?.[0].path).toBe('topk');
    }
    await expectProblem(await classify(new Uint8Array(11 * 1024 * 1024)), 413, '/problems/body-too-large');
  });
});

describe('POST /classify with multipart/form-data', () => {
  it('classifies every image field and reports a bad one without failing the others', async () => {
    const form = new FormData();
    form.append('image', new File([fixtureImage('garment.png')], 'a.png', { type: 'image/png' }));
    form.append('image', new File([new Uint8Array([0, 1, 2, 3])], 'broken.png', { type: 'image/png' }));
    form.append('image', new File([fixtureImage('garment-lossy.webp')], 'c.webp', { type: 'image/webp' }));
    const res = await classify(form, { type: null });
    expect(res.status).toBe(200);
    const body = await res.json<{ model: string; results: Array<{ name: string; predictions?: Prediction[]; error?: Problem }> }>();
    expect(body.results.map((r) => r.name)).toEqual(['a.png', 'broken.png', 'c.webp']);
    expect(body.results[0].predictions).toHaveLength(4);
    expect(body.results[1].error).toMatchObject({ status: 400, type: '/problems/undecodable-image' });
    expect(body.results[2].predictions).toHaveLength(4);
  });

  it('needs at least one image field', async () => {
    const form = new FormData();
    form.append('file', 'x');
    await expectProblem(await classify(form, { type: null }), 400, '/problems/missing-field');
  });
});

describe('tensor hygiene', () => {
  it('releases every per-request tensor: the count after 100 classifications equals the count after the first', async () => {
    const image = fixtureImage('garment.png');
    expect((await classify(image)).status).toBe(200);
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 99; i++) await (await classify(image)).arrayBuffer();
    expect(tf.memory().numTensors).toBe(afterFirst);
  });
});
