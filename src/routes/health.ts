import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../app-factory';
import { ensureBackend, models } from '../model/service';
import { ProblemError, ProblemSchema } from '../problems';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    backend: z.literal('wasm'),
    simd: z.boolean().openapi({ description: 'Read from the wasm binary actually instantiated.' }),
    models: z.array(z.string()),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Backend and model status',
  responses: {
    200: { description: 'The wasm backend is up and every model loaded', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'A model failed to load', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const healthRoutes = createRouter().openapi(route, async (c) => {
  const backend = await ensureBackend();
  const ids = models.ids();
  const failures = (await Promise.allSettled(ids.map((id) => models.get(id))))
    .map((result, i) => (result.status === 'rejected' ? `${ids[i]}: ${String(result.reason?.message ?? result.reason)}` : null))
    .filter((f): f is string => f !== null);
  if (failures.length) throw new ProblemError('model-unavailable', `failed to load ${failures.join('; ')}`);
  return c.json({ status: 'ok' as const, backend: backend.backend, simd: backend.simd, models: ids }, 200);
});
