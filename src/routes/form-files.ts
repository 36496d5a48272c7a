import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ProblemError } from '../problems';

/** Every `field` entry of a multipart body: a 400 problem when the body is no form or has no such field. */
export async function readFormFiles(c: Context<AppEnv>, field: string): Promise<Array<File | string>> {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new ProblemError('bad-request', 'the multipart body could not be parsed');
  }
  const files = form.getAll(field);
  if (files.length === 0) throw new ProblemError('missing-field', `multipart/form-data needs one or more \`${field}\` fields`);
  return files;
}
