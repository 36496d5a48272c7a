import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../app-factory';
import { models } from '../model/service';

const ModelSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    labels: z.array(z.string()),
    inputShape: z.array(z.number().int()).length(3),
    preprocessing: z.object({
      channels: z.number().int(),
      scale: z.union([z.array(z.number()).length(2), z.object({ mean: z.array(z.number()), std: z.array(z.number()) })]),
      invertLightBackground: z.boolean(),
    }),
    params: z.number().int(),
    accuracy: z.object({ dataset: z.string(), split: z.string(), n: z.number().int(), top1: z.number() }).nullable(),
    default: z.boolean(),
  })
  .openapi('ModelSummary');

const route = createRoute({
  method: 'get',
  path: '/models',
  summary: 'The models this Worker serves',
  responses: {
    200: {
      description: 'Every served model with its labels, input shape, preprocessing and measured accuracy',
      content: { 'application/json': { schema: z.object({ models: z.array(ModelSummarySchema) }) } },
    },
  },
});

export const modelRoutes = createRouter().openapi(route, (c) =>
  c.json(
    {
      models: models.manifests().map((m) => ({
        id: m.id,
        name: m.name,
        labels: m.labels,
        inputShape: [...m.inputShape],
        preprocessing: m.preprocessing,
        params: m.params,
        accuracy: m.accuracy,
        default: m.id === models.defaultModelId,
      })),
    },
    200,
  ),
);
