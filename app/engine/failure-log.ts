import { errorInfo } from './errors.js';
import { maskCredentials } from './mask-credentials.js';

/**
 * How a failure reads in a run's logs: the error's name and message, then its stack, with
 * credentials masked (an error message often quotes the URL it could not reach).
 */
export function failureLogText(error: unknown): string {
  const info = errorInfo(error);
  const headline = `${info.name}: ${info.message}`;
  if (!info.stack) return maskCredentials(headline);
  // A stack opens with the headline; one made before the message changed may not.
  const frames = info.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return maskCredentials(frames.length > 0 ? `${headline}\n${frames.join('\n')}` : headline);
}
