import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { createRouter } from './app-factory';
import { problemBody, problemResponse, ProblemError, type ProblemKind } from './problems';
import { classifyRoutes } from './routes/classify';
import { healthRoutes } from './routes/health';
import { modelRoutes } from './routes/models';
import { runIngestRoutes } from './routes/runs-ingest';
import { adviseRoutes } from './routes/advise';
import { runReadRoutes } from './routes/runs-read';
import { docsRoutes, OPENAPI_INFO } from './routes/docs';

const app = createRouter();

// A request id on every response (echoing a sane client-sent one), used as `instance` in problem documents.
app.use('*', async (c, next) => {
  const sent = c.req.header('x-request-id');
  const requestId = sent && /^[\w.-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
  c.set('requestId', requestId);
  const started = Date.now();
  await next();
  c.res.headers.set('x-request-id', requestId);
  // Structured log line: no bodies, no headers, no secrets.
  console.log(
    JSON.stringify({ level: 'info', requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started }),
  );
});
app.use('*', cors({ origin: '*', exposeHeaders: ['x-request-id', 'location'], allowHeaders: ['content-type', 'authorization', 'accept', 'x-request-id'] }));

app.route('/', healthRoutes);
app.route('/', modelRoutes);
app.route('/', classifyRoutes);
app.route('/', runIngestRoutes);
app.route('/', adviseRoutes);
app.route('/', runReadRoutes);
app.route('/', docsRoutes);

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'API_TOKEN' });
app.doc31('/openapi.json', OPENAPI_INFO);

app.notFound((c) => problemResponse(problemBody('not-found', `no route for ${c.req.method} ${c.req.path}`, c.get('requestId'))));

/** Problem kinds of Hono's own 4xx HTTPExceptions (e.g. the media-type gate's 415); any other is `bad-request`. */
const HTTP_EXCEPTION_PROBLEMS: Partial<Record<number, ProblemKind>> = {
  401: 'unauthorized',
  404: 'not-found',
  413: 'body-too-large',
  415: 'unsupported-media-type',
};

app.onError((error, c) => {
  const requestId = c.get('requestId') ?? crypto.randomUUID();
  if (error instanceof ProblemError) return problemResponse(problemBody(error.kind, error.detail, requestId, error.errors));
  if (error instanceof HTTPException && error.status < 500) {
    const kind = HTTP_EXCEPTION_PROBLEMS[error.status] ?? 'bad-request';
    return problemResponse(problemBody(kind, error.message || 'bad request', requestId));
  }
  console.error(JSON.stringify({ level: 'error', requestId, message: String(error?.stack ?? error) }));
  return problemResponse(problemBody('internal', 'an unexpected error occurred', requestId));
});

export default app;
