import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createRouter } from '../app-factory';
import { EpochRecordSchema, RunRecordSchema } from '../db/records';
import { runExists, upsertEpochs, upsertRun } from '../db/runs';
import { ProblemError } from '../problems';
import { requireToken } from './require-token';
import { PathId, problemResponse } from './openapi-parts';

/** Epochs per `POST /runs/:id/epochs`: a long run fits, and one D1 batch stays small. */
const MAX_EPOCHS_PER_BATCH = 1000;

const written = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ id: z.string(), status: z.enum(['created', 'updated']) }) } },
});
const common = {
  400: problemResponse('The body does not match the schema'),
  401: problemResponse('Missing or wrong bearer token'),
};
const security = [{ bearerAuth: [] }];

const putRun = createRoute({
  method: 'put',
  path: '/runs/{id}',
  summary: 'Create or update a run (client-chosen id)',
  security,
  middleware: [requireToken] as const,
  request: { params: z.object({ id: PathId }), body: { required: true, content: { 'application/json': { schema: RunRecordSchema } } } },
  responses: { 201: written('Run created'), 200: written('Run updated'), ...common },
});

const putEpoch = createRoute({
  method: 'put',
  path: '/runs/{id}/epochs/{n}',
  summary: 'Create or replace one epoch of a run (last write wins)',
  security,
  middleware: [requireToken] as const,
  request: {
    params: z.object({ id: PathId, n: z.coerce.number().int().min(0).openapi({ param: { name: 'n', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: EpochRecordSchema.partial({ epoch: true }) } } },
  },
  responses: {
    201: written('Epoch created'),
    200: written('Epoch replaced'),
    ...common,
    404: problemResponse('Unknown run'),
  },
});

const postEpochs = createRoute({
  method: 'post',
  path: '/runs/{id}/epochs',
  summary: 'Write several epochs atomically (all or none)',
  security,
  middleware: [requireToken] as const,
  request: {
    params: z.object({ id: PathId }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ epochs: z.array(EpochRecordSchema).min(1).max(MAX_EPOCHS_PER_BATCH) }) } },
    },
  },
  responses: {
    200: {
      description: 'Every epoch written',
      content: {
        'application/json': { schema: z.object({ id: z.string(), created: z.array(z.number().int()), updated: z.array(z.number().int()) }) },
      },
    },
    ...common,
    404: problemResponse('Unknown run'),
  },
});

/** 201 for a new record, 200 for a replaced one (the upsert contract of PUT). */
function writeResult(c: Context, id: string, status: 'created' | 'updated') {
  return status === 'created' ? c.json({ id, status }, 201) : c.json({ id, status }, 200);
}

async function assertRunExists(db: D1Database, id: string) {
  if (!(await runExists(db, id))) throw new ProblemError('unknown-run', `no run "${id}"; PUT /runs/${id} first`);
}

export const runIngestRoutes = createRouter()
  .openapi(putRun, async (c) => {
    const { id } = c.req.valid('param');
    const status = await upsertRun(c.env.DB, id, c.req.valid('json'));
    return writeResult(c, id, status);
  })
  .openapi(putEpoch, async (c) => {
    const { id, n } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.epoch !== undefined && body.epoch !== n) {
      throw new ProblemError('validation', `body epoch ${body.epoch} differs from path epoch ${n}`, [{ path: 'epoch', message: 'must equal the path' }]);
    }
    await assertRunExists(c.env.DB, id);
    const { created } = await upsertEpochs(c.env.DB, id, [{ ...body, epoch: n }]);
    return writeResult(c, id, created.length ? 'created' : 'updated');
  })
  .openapi(postEpochs, async (c) => {
    const { id } = c.req.valid('param');
    await assertRunExists(c.env.DB, id);
    const result = await upsertEpochs(c.env.DB, id, c.req.valid('json').epochs);
    return c.json({ id, ...result }, 200);
  });
