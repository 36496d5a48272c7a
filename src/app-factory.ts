import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from './env';
import { ProblemError } from './problems';

/** Turns zod issues into the contract's `errors: [{path, message}]`. */
function fieldErrors(error: ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/** Every route group is an OpenAPIHono whose validation failures become 400 problem documents. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ProblemError('validation', 'the request does not match the schema', fieldErrors(result.error as ZodError));
      }
    },
  });
}
