import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { adviseUpload } from '../advisor/advise';
import { MAX_UPLOAD_BYTES, parseUpload, type UploadPart } from '../advisor/parse';
import { renderPlotSvg } from '../advisor/plot';
import { AdvisorInputError, FORMATS, type Advice, type ParsedUpload } from '../advisor/types';
import { createRouter } from '../app-factory';
import { getAdvice, insertAdvice } from '../db/advice';
import type { AppEnv } from '../env';
import { ProblemError, type ProblemKind } from '../problems';
import { AdviceSchema } from './advice-schema';
import { readFormFiles } from './form-files';
import { limitBody } from './limit-body';
import { BinaryBody, multipartBody, PathId, problemResponse } from './openapi-parts';

const svg = { 'image/svg+xml': { schema: z.string().openapi({ description: 'The curves with the findings marked' }) } };

const postAdvise = createRoute({
  method: 'post',
  path: '/advise',
  summary: 'Diagnose a training log and recommend hyperparameter changes',
  middleware: [
    // Multipart framing on top of the 10 MB the parsers accept.
    limitBody(MAX_UPLOAD_BYTES + 64 * 1024, 'the upload'),
  ] as const,
  request: {
    query: z.object({
      format: z.enum(FORMATS).optional().openapi({ description: 'Skip content sniffing and parse as this format.' }),
      plot: z.enum(['svg']).optional().openapi({ description: '`svg` returns the plot instead of JSON (like `Accept: image/svg+xml`).' }),
    }),
    body: {
      required: true,
      description: 'A training log in any supported format (sniffed from content), or multipart `file` parts merged into one run.',
      content: {
        'application/json': { schema: z.any().openapi({ type: 'object' }) },
        'text/csv': { schema: BinaryBody },
        'text/plain': { schema: BinaryBody },
        'application/octet-stream': { schema: BinaryBody },
        'multipart/form-data': multipartBody('file'),
      },
    },
  },
  responses: {
    201: {
      description: 'The advice, stored; `Location` points at it',
      headers: z.object({ location: z.string().openapi({ example: '/advice/0b7c…' }) }),
      content: { 'application/json': { schema: AdviceSchema }, ...svg },
    },
    400: problemResponse('Malformed log, unknown format, or multipart without `file`'),
    413: problemResponse('Upload over 10 MB or series over the size caps'),
    415: problemResponse('Unsupported content type'),
    422: problemResponse('Well-formed but unusable: no loss series and no model topology'),
  },
});

const getAdviceRoute = createRoute({
  method: 'get',
  path: '/advice/{id}',
  summary: 'A stored advice',
  request: { params: z.object({ id: PathId }) },
  responses: {
    200: { description: 'The stored advice', content: { 'application/json': { schema: AdviceSchema } } },
    404: problemResponse('Unknown advice id'),
  },
});

const getPlotRoute = createRoute({
  method: 'get',
  path: '/advice/{id}/plot.svg',
  summary: 'The plot of a stored advice',
  request: { params: z.object({ id: PathId }) },
  responses: { 200: { description: 'SVG plot', content: svg }, 404: problemResponse('Unknown advice id') },
});

const ADVISOR_PROBLEMS: Record<AdvisorInputError['kind'], ProblemKind> = {
  malformed: 'malformed-upload',
  unknown_format: 'unknown-format',
  too_large: 'body-too-large',
  unusable: 'unusable-upload',
};

export const adviseRoutes = createRouter()
  .openapi(postAdvise, async (c) => {
    const { format, plot } = c.req.valid('query');
    const parts = await readParts(c);
    let upload: ParsedUpload;
    let advice: Advice;
    try {
      upload = parseUpload(parts, format);
      advice = adviseUpload(upload);
    } catch (error) {
      if (error instanceof AdvisorInputError) throw new ProblemError(ADVISOR_PROBLEMS[error.kind], error.message, error.errors);
      throw error;
    }
    const id = crypto.randomUUID();
    const plotSvg = renderPlotSvg(upload.runs[upload.runs.length - 1], advice);
    const stored = { ...advice, id };
    await insertAdvice(c.env.DB, { id, inputDigest: await digest(parts), advice: stored, plotSvg });
    c.header('location', `/advice/${id}`);
    if (plot === 'svg' || prefersSvg(c.req.header('accept'))) return c.body(plotSvg, 201, { 'content-type': 'image/svg+xml' });
    return c.json(stored as z.infer<typeof AdviceSchema>, 201);
  })
  .openapi(getAdviceRoute, async (c) => {
    const stored = await findAdvice(c.env.DB, c.req.valid('param').id);
    // Stored advice was produced by this advisor; the schema documents it rather than re-validating it.
    return c.json(stored.advice as z.infer<typeof AdviceSchema>, 200);
  })
  .openapi(getPlotRoute, async (c) => {
    const stored = await findAdvice(c.env.DB, c.req.valid('param').id);
    return c.body(stored.plotSvg ?? '', 200, { 'content-type': 'image/svg+xml' });
  });

async function findAdvice(db: D1Database, id: string) {
  const stored = await getAdvice(db, id);
  if (!stored) throw new ProblemError('unknown-advice', `no advice "${id}"`);
  return stored;
}

/** The body as one part, or every multipart `file` part (file names matter: `validation` parts supply val_ series). */
async function readParts(c: Context<AppEnv>): Promise<UploadPart[]> {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    return [{ contentType, bytes: new Uint8Array(await c.req.arrayBuffer()) }];
  }
  const files = await readFormFiles(c, 'file');
  return Promise.all(
    files.map(async (file, i) =>
      typeof file === 'string'
        ? { name: `file[${i}]`, bytes: new TextEncoder().encode(file) }
        : { name: file.name || `file[${i}]`, contentType: file.type, bytes: new Uint8Array(await file.arrayBuffer()) },
    ),
  );
}

function prefersSvg(accept: string | undefined): boolean {
  return !!accept && accept.includes('image/svg+xml') && !accept.includes('application/json');
}

/** SHA-256 over every part's name and bytes: identifies an upload without keeping it. */
async function digest(parts: UploadPart[]): Promise<string> {
  const encoder = new TextEncoder();
  const chunks = parts.flatMap((p) => [encoder.encode(`${p.name ?? ''}\n${p.bytes.length}\n`), p.bytes]);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
