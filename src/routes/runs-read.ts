import { createRoute, z } from '@hono/zod-openapi';
import { adviseLog } from '../advisor/advise';
import { trainingLogFromRecords } from '../advisor/run-records';
import { createRouter } from '../app-factory';
import { decodeCursor, getRunDetail, listRuns, visibleStatus, type RunRow } from '../db/run-reads';
import { RunStatusSchema } from '../db/records';
import { ProblemError } from '../problems';
import { AdviceSchema } from './advice-schema';
import { PathId, problemResponse } from './openapi-parts';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

const Json = z.record(z.string(), z.unknown());

const RunSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    model: z.string(),
    dataset: z.string(),
    status: RunStatusSchema,
    hyperparameters: Json,
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    updatedAt: z.string(),
    final: Json.nullable(),
    parentId: z.string().nullable(),
  })
  .openapi('RunSummary');

const RunDetailSchema = RunSummarySchema.extend({
  epochs: z.array(
    z.object({
      epoch: z.number().int(),
      metrics: z.record(z.string(), z.number().nullable()),
      seconds: z.number().nullable(),
      layers: z.array(
        z.object({
          name: z.string(),
          deadFraction: z.number().nullable(),
          gradNorm: z.number().nullable(),
          weightNorm: z.number().nullable(),
          updateRatio: z.number().nullable(),
        }),
      ),
    }),
  ),
}).openapi('RunDetail');

const listRoute = createRoute({
  method: 'get',
  path: '/runs',
  summary: 'Stored training runs, newest first',
  request: {
    query: z.object({
      cursor: z.string().optional().openapi({ description: '`nextCursor` of the previous page' }),
      limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
      dataset: z.string().optional(),
      model: z.string().optional(),
      status: RunStatusSchema.optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page of run summaries',
      content: { 'application/json': { schema: z.object({ items: z.array(RunSummarySchema), nextCursor: z.string().nullable() }) } },
    },
    400: problemResponse('Bad query value or cursor'),
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/runs/{id}',
  summary: 'A run with its hyperparameters, per-epoch metrics, per-layer statistics and final metrics',
  request: { params: z.object({ id: PathId }) },
  responses: { 200: { description: 'The run', content: { 'application/json': { schema: RunDetailSchema } } }, 404: problemResponse('Unknown run') },
});

const adviceRoute = createRoute({
  method: 'get',
  path: '/runs/{id}/advice',
  summary: 'The advisor on a stored run',
  request: { params: z.object({ id: PathId }) },
  responses: {
    200: { description: 'Advice for the run (not stored)', content: { 'application/json': { schema: AdviceSchema } } },
    404: problemResponse('Unknown run'),
    422: problemResponse('The run has no epochs with a loss yet'),
  },
});

function summary(row: RunRow) {
  const { id, name, model, dataset, hyperparameters, startedAt, finishedAt, updatedAt, final, parentId } = row;
  return { id, name, model, dataset, status: visibleStatus(row), hyperparameters, startedAt, finishedAt, updatedAt, final: final ?? null, parentId };
}

async function findRun(db: D1Database, id: string) {
  const detail = await getRunDetail(db, id);
  if (!detail) throw new ProblemError('unknown-run', `no run "${id}"`);
  return detail;
}

export const runReadRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { cursor, ...query } = c.req.valid('query');
    const after = cursor ? decodeCursor(cursor) : null;
    if (cursor && !after) {
      throw new ProblemError('validation', 'the cursor is not one this API issued', [{ path: 'cursor', message: 'invalid cursor' }]);
    }
    const { rows, nextCursor } = await listRuns(c.env.DB, { ...query, after });
    return c.json({ items: rows.map(summary), nextCursor }, 200);
  })
  .openapi(detailRoute, async (c) => {
    const { run, epochs } = await findRun(c.env.DB, c.req.valid('param').id);
    return c.json({ ...summary(run), epochs }, 200);
  })
  .openapi(adviceRoute, async (c) => {
    const { run, epochs } = await findRun(c.env.DB, c.req.valid('param').id);
    const log = trainingLogFromRecords(run, epochs);
    if (!Object.keys(log.metrics).some((name) => /loss/.test(name))) {
      throw new ProblemError('unusable-upload', `run "${run.id}" has no epoch with a loss yet`);
    }
    return c.json(adviseLog(log) as z.infer<typeof AdviceSchema>, 200);
  });
