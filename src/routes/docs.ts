import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../app-factory';
import { PROBLEM_TYPES, ProblemError, ProblemSchema, type ProblemKind } from '../problems';

const problemDocRoute = createRoute({
  method: 'get',
  path: '/problems/{kind}',
  summary: 'What a problem type means (the `type` of every error document dereferences here)',
  request: { params: z.object({ kind: z.string().openapi({ param: { name: 'kind', in: 'path' }, example: 'pixel-limit' }) }) },
  responses: {
    200: {
      description: 'The problem type',
      content: {
        'application/json': {
          schema: z.object({ type: z.string(), title: z.string(), status: z.number().int(), description: z.string() }).openapi('ProblemType'),
        },
      },
    },
    404: { description: 'No such problem type', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

const docsRoute = createRoute({
  method: 'get',
  path: '/docs',
  summary: 'Interactive API documentation (swagger-ui served by this Worker, no CDN)',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
});

// The swagger-ui files come from the Worker's own static assets (copied from swagger-ui-dist at build time).
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgetune API</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/vendor/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });</script>
</body>
</html>`;

export const docsRoutes = createRouter()
  .openapi(problemDocRoute, (c) => {
    const kind = c.req.valid('param').kind;
    if (!(kind in PROBLEM_TYPES)) throw new ProblemError('not-found', `no problem type "${kind}"`);
    const { status, title, description } = PROBLEM_TYPES[kind as ProblemKind];
    return c.json({ type: `/problems/${kind}`, title, status, description }, 200);
  })
  .openapi(docsRoute, (c) => c.html(DOCS_HTML, 200));

/** The OpenAPI 3.1 document's top-level fields; routes add their own paths and schemas. */
export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'edgetune',
    version: '1.0.0',
    description: [
      'CNN inference on the wasm-SIMD backend inside Workers, and training-curve advice.',
      '',
      'Every error is `application/problem+json` (`Problem`). Problem types:',
      '',
      '| type | status | meaning |',
      '|---|---|---|',
      ...Object.entries(PROBLEM_TYPES).map(([kind, p]) => `| \`/problems/${kind}\` | ${p.status} | ${p.description} |`),
    ].join('\n'),
  },
} as const;
