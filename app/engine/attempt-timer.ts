import { TimeoutError } from './errors.js';

const NO_TIMER = () => {};

/** Aborts an attempt with a TimeoutError once `seconds` are up; returns what stops the timer. */
export function startAttemptTimer(seconds: number | undefined, what: string, abort: (error: TimeoutError) => void): () => void {
  if (seconds === undefined) return NO_TIMER;
  const timer = setTimeout(() => abort(new TimeoutError(seconds, what)), seconds * 1000);
  return () => clearTimeout(timer);
}
