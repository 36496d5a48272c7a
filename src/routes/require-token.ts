import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { AppEnv } from '../env';
import { ProblemError } from '../problems';

/** Writes need `Authorization: Bearer <API_TOKEN>`; compared in constant time (hashes of both, then every byte). */
export const requireToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.API_TOKEN;
  const sent = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
  if (!expected || !sent || !(await timingSafeEqual(sent, expected))) {
    c.header('www-authenticate', 'Bearer realm="edgetune"');
    throw new ProblemError('unauthorized', expected ? 'a valid bearer token is required for writes' : 'writes are disabled: API_TOKEN is not set');
  }
  await next();
});
