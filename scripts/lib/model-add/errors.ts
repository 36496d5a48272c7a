/**
 * A problem with what the user asked `npm run model:add` to do (missing file, unreachable URL, not a tfjs model,
 * label count mismatch, existing id, bad flag): printed on stderr, exit code 2, nothing written.
 */
export class ModelAddError extends Error {
  override name = 'ModelAddError';
}
