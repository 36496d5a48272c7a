import { bodyLimit } from 'hono/body-limit';
import { ProblemError } from '../problems';

/** Refuses bodies over `maxBytes` with the contract's 413 problem, before the handler reads them. */
export const limitBody = (maxBytes: number, what = 'the body') =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError('body-too-large', `${what} is over ${maxBytes} bytes`);
    },
  });
