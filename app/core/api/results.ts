import { z } from 'zod';

/**
 * Results and cache entries kept on the server for every machine that reports to it (a
 * `result-storage` block of kind server). A key is a file name in the server's results folder:
 * letters, digits, ".", "-" and "_", not starting with a dot, so it never names a path outside it.
 */
export const RESULT_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const RESULT_KEY_RULE = 'must be 1 to 200 letters, digits, ".", "-" or "_", not starting with "." (a file name, never a path)';

/** The largest result a server takes by default. */
export const RESULT_MAX_BYTES = 64 * 1024 * 1024;

/** The content type of a stored result's body: V8's serialization of `{ value }`. */
export const RESULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * The result routes: raw bytes, so they are outside the JSON route table (API_ROUTES) and its
 * typed client, and listed here for the API document's readers and tests.
 */
export const RESULT_ROUTES = {
  putResult: { method: 'PUT', path: '/results/:key' },
  getResult: { method: 'GET', path: '/results/:key' },
} as const;

export const ResultKeyParamsSchema = z.strictObject({ key: z.string().regex(RESULT_KEY_PATTERN, RESULT_KEY_RULE) });

/** The API base path of a stored result, with the key encoded. */
export function resultPath(key: string): string {
  return `/results/${encodeURIComponent(key)}`;
}
