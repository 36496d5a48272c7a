import { z } from '@hono/zod-openapi';

/**
 * problem+json (RFC 9457) documents. Each kind has a stable relative `type` URI, listed in PROBLEM_TYPES and
 * documented at /problems/{slug} in the OpenAPI description.
 */
export const PROBLEM_TYPES = {
  'bad-request': { status: 400, title: 'Bad request', description: 'The request is malformed.' },
  validation: { status: 400, title: 'Validation failed', description: 'A parameter or field is invalid; see `errors`.' },
  'undecodable-image': { status: 400, title: 'Undecodable image', description: 'The bytes are not a decodable PNG, JPEG or WebP image, or the image is empty (0×0).' },
  'malformed-upload': { status: 400, title: 'Malformed training log', description: 'The training log could not be parsed.' },
  'unknown-format': { status: 400, title: 'Unknown format', description: 'The upload format could not be recognised, or `format` names no supported format.' },
  'missing-field': { status: 400, title: 'Missing multipart field', description: 'The multipart body has no field of the expected name.' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'A write needs `Authorization: Bearer <API_TOKEN>`.' },
  'not-found': { status: 404, title: 'Not found', description: 'No such route.' },
  'unknown-model': { status: 404, title: 'Unknown model', description: 'No model with this id is served; see GET /models.' },
  'unknown-run': { status: 404, title: 'Unknown run', description: 'No run with this id is stored.' },
  'unknown-advice': { status: 404, title: 'Unknown advice', description: 'No advice with this id is stored.' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', description: 'The route exists but not with this method.' },
  'body-too-large': { status: 413, title: 'Body too large', description: 'The request body is over the size limit.' },
  'pixel-limit': { status: 413, title: 'Too many pixels', description: 'The image header declares more pixels than the cap (checked before decoding).' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', description: 'The content type is not one this route accepts.' },
  'unusable-upload': { status: 422, title: 'Unusable training log', description: 'Well-formed, but nothing the advisor can use (e.g. no loss series).' },
  'model-unavailable': { status: 503, title: 'Model unavailable', description: 'A model failed to load.' },
  internal: { status: 500, title: 'Internal error', description: 'A bug on our side; the request id helps us find it.' },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/pixel-limit' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().openapi({ description: 'The request id (also the x-request-id header).' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** An error carrying a problem kind; thrown anywhere, turned into problem+json by the app's error handler. */
export class ProblemError extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  get status(): number {
    return PROBLEM_TYPES[this.kind].status;
  }
}

/** @example problemBody('pixel-limit', 'declares 900 megapixels', 'req-1') */
export function problemBody(kind: ProblemKind, detail: string, requestId: string, errors?: FieldError[]): Problem {
  const { status, title } = PROBLEM_TYPES[kind];
  return { type: `/problems/${kind}`, title, status, detail, instance: requestId, ...(errors?.length ? { errors } : {}) };
}

export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': problem.instance },
  });
}
