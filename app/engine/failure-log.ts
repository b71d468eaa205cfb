import { errorInfo } from './errors.js';
import { maskCredentials } from './mask-credentials.js';

/** The name of the errors the store raises (app/server/store/store-error.ts). */
const STORE_ERROR = 'StoreError';

/**
 * How a failure reads in a run's logs: the error's name and message, then its stack, with
 * credentials masked (an error message often quotes the URL it could not reach).
 */
export function failureLogText(error: unknown): string {
  const info = errorInfo(error);
  const headline = `${info.name}: ${info.message}`;
  // The store's own errors (a full disk, a database it cannot open) say what to do; where in the
  // engine they surfaced is no help to the person reading.
  if (!info.stack || info.name === STORE_ERROR) return maskCredentials(headline);
  // A stack opens with the headline; one made before the message changed may not.
  const frames = info.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return maskCredentials(frames.length > 0 ? `${headline}\n${frames.join('\n')}` : headline);
}
