import { z } from '@hono/zod-openapi';
import { ProblemSchema } from '../problems';

/** An OpenAPI response entry for an error status: a problem+json document. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Client-chosen ids of runs and server-made ids of advice: UUIDs or similar, path-safe. */
export const PathId = z.string().regex(/^[\w-]{1,100}$/).openapi({ param: { name: 'id', in: 'path' }, example: '3f2c5d0e-…' });

/** An opaque request body (image bytes, a training log). */
export const BinaryBody = z.string().openapi({ type: 'string', format: 'binary' });

/** A multipart/form-data body whose `field` parts are files. */
export const multipartBody = (field: string) => ({
  schema: z.object({ [field]: z.any().optional().openapi({ type: 'string', format: 'binary' }) }),
});
