import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createRouter } from '../app-factory';
import type { AppEnv } from '../env';
import { classifyImage } from '../model/classify';
import { ImageInputError } from '../model/image';
import type { LoadedModel } from '../model/loaded-model';
import { models } from '../model/service';
import { problemBody, ProblemError, ProblemSchema, type ProblemKind } from '../problems';
import { readFormFiles } from './form-files';
import { limitBody } from './limit-body';
import { BinaryBody, multipartBody, problemResponse } from './openapi-parts';

/** Request body cap for /classify: room for a 16-megapixel JPEG, far below the 128 MB isolate. */
const MAX_CLASSIFY_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_TOPK = 5;
const RAW_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];

const PredictionSchema = z.object({ label: z.string(), index: z.number().int(), probability: z.number() }).openapi('Prediction');
const ClassificationSchema = z
  .object({ model: z.string(), predictions: z.array(PredictionSchema), width: z.number().int(), height: z.number().int() })
  .openapi('Classification');
const BatchItemSchema = z.union([
  z.object({ name: z.string(), predictions: z.array(PredictionSchema), width: z.number().int(), height: z.number().int() }),
  z.object({ name: z.string(), error: ProblemSchema }),
]);
const BatchSchema = z.object({ model: z.string(), results: z.array(BatchItemSchema) }).openapi('ClassificationBatch');

const route = createRoute({
  method: 'post',
  path: '/classify',
  summary: 'Classify an image (raw body) or several (multipart `image` fields)',
  middleware: [
    limitBody(MAX_CLASSIFY_BODY_BYTES),
  ] as const,
  request: {
    query: z.object({
      model: z.string().optional().openapi({ description: 'Model id (GET /models); the default model when absent.' }),
      topk: z.coerce.number().int().min(1).optional().openapi({ description: `1…number of labels (default ${DEFAULT_TOPK}).` }),
    }),
    body: {
      required: true,
      content: {
        'image/png': { schema: BinaryBody },
        'image/jpeg': { schema: BinaryBody },
        'image/webp': { schema: BinaryBody },
        'application/octet-stream': { schema: BinaryBody },
        'multipart/form-data': multipartBody('image'),
      },
    },
  },
  responses: {
    200: {
      description: 'Predictions sorted by probability; multipart requests always get `results`',
      content: { 'application/json': { schema: z.union([ClassificationSchema, BatchSchema]) } },
    },
    400: problemResponse('Undecodable image, empty body, 0×0 image, bad `topk`, or multipart without `image`'),
    404: problemResponse('Unknown model'),
    413: problemResponse('Body over the limit, or the header declares more pixels than the cap'),
    415: problemResponse('Not an image type this route accepts'),
  },
});

export const classifyRoutes = createRouter().openapi(route, async (c) => {
  const { model: modelId, topk } = c.req.valid('query');
  const model = await resolveModel(modelId);
  const k = resolveTopK(topk, model.manifest.labels.length);
  const contentType = (c.req.header('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
  if (contentType === 'multipart/form-data') return c.json(await classifyMultipart(c, model, k), 200);
  if (!RAW_IMAGE_TYPES.includes(contentType)) {
    throw new ProblemError('unsupported-media-type', `${contentType} is not accepted; send ${RAW_IMAGE_TYPES.join(', ')} or multipart/form-data`);
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) throw new ProblemError('undecodable-image', 'the body is empty');
  const result = await classifyImage(model, bytes, k).catch(rethrowAsProblem);
  return c.json({ model: model.manifest.id, ...result }, 200);
});

async function resolveModel(id: string | undefined): Promise<LoadedModel> {
  const modelId = id ?? models.defaultModelId;
  if (!modelId || !models.has(modelId)) {
    throw new ProblemError('unknown-model', modelId ? `no model "${modelId}"; see GET /models` : 'no model is installed');
  }
  return models.get(modelId).catch((error: unknown) => {
    throw new ProblemError('model-unavailable', `model "${modelId}" failed to load: ${error instanceof Error ? error.message : String(error)}`);
  });
}

function resolveTopK(topk: number | undefined, labels: number): number {
  if (topk === undefined) return Math.min(DEFAULT_TOPK, labels);
  if (topk > labels) {
    throw new ProblemError('validation', `topk must be between 1 and ${labels}`, [{ path: 'topk', message: `must be ≤ ${labels}` }]);
  }
  return topk;
}

async function classifyMultipart(c: Context<AppEnv>, model: LoadedModel, k: number) {
  const files = await readFormFiles(c, 'image');
  const results = [];
  for (const [i, file] of files.entries()) {
    const name = typeof file === 'string' ? `image[${i}]` : file.name || `image[${i}]`;
    try {
      if (typeof file === 'string') throw new ProblemError('undecodable-image', 'the `image` field is text, not a file');
      const result = await classifyImage(model, new Uint8Array(await file.arrayBuffer()), k).catch(rethrowAsProblem);
      results.push({ name, ...result });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      results.push({ name, error: problemBody(error.kind, error.detail, c.get('requestId')) });
    }
  }
  return { model: model.manifest.id, results };
}

const IMAGE_ERROR_PROBLEMS: Record<ImageInputError['kind'], ProblemKind> = {
  undecodable: 'undecodable-image',
  empty: 'undecodable-image',
  pixel_limit: 'pixel-limit',
  // Bytes that are no known image format are undecodable input (400); 415 is for the declared content type.
  unsupported_type: 'undecodable-image',
};

function rethrowAsProblem(error: unknown): never {
  if (error instanceof ImageInputError) throw new ProblemError(IMAGE_ERROR_PROBLEMS[error.kind], error.message);
  throw error;
}
