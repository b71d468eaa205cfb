import { HttpRequestInput } from '../../core/task-inputs.js';
import { maskCredentials } from '../mask-credentials.js';
import { task } from '../task.js';
import { callScope, checkTimeout } from './support/call-scope.js';
import { sendHttp, type HttpResponse } from './support/http.js';

export { HttpStatusError, type HttpResponse } from './support/http.js';

type QueryValue = string | number | boolean | null | undefined;

/** What an `http-auth` block holds. */
export interface HttpAuth {
  scheme: 'bearer' | 'basic';
  token?: string;
  user?: string;
  password?: string;
}

/** The Authorization header an `http-auth` block stands for. */
function authorization(auth: HttpAuth): string {
  if (auth?.scheme === 'bearer') {
    if (!auth.token) throw new TypeError('httpRequest: auth with the bearer scheme needs a token');
    return `Bearer ${auth.token}`;
  }
  if (auth?.scheme === 'basic') {
    if (!auth.user) throw new TypeError('httpRequest: auth with the basic scheme needs a user');
    return `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}`;
  }
  throw new TypeError("httpRequest: auth needs a scheme, 'bearer' or 'basic'");
}

/** The request's headers with the Authorization header from `auth`, which wins over one written by hand. */
function headersWithAuth(headers: Record<string, string> | undefined, auth: HttpAuth | undefined): Record<string, string> | undefined {
  if (auth === undefined) return headers;
  const rest = Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { ...rest, authorization: authorization(auth) };
}

export interface HttpRequestOptions {
  url: string;
  /** GET by default. */
  method?: string;
  headers?: Record<string, string>;
  /** Added to the URL's query; an array repeats the key. */
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  /** A string is sent as it is; anything else as JSON, with content-type application/json. */
  body?: unknown;
  /** An `http-auth` block (`await loadBlock('http-auth/api')`), sent as the Authorization header. */
  auth?: HttpAuth;
  /** 30 by default; the run's own cancellation and timeout stop the request too. */
  timeoutSeconds?: number;
  /** The statuses that count as success; any 2xx when not given. */
  expectStatus?: number | readonly number[];
}

export const DEFAULT_HTTP_TIMEOUT_SECONDS = HttpRequestInput.shape.timeoutSeconds.def.defaultValue;
const DEFAULT_METHOD = HttpRequestInput.shape.method.def.defaultValue;

function withQuery(url: string, query: HttpRequestOptions['query']): string {
  if (!query) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`httpRequest: '${url}' is not an absolute URL`);
  }
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined) parsed.searchParams.append(key, String(item));
    }
  }
  return parsed.href;
}

/**
 * An HTTP request with fetch. Answers `{ status, ok, headers, body }`, the body parsed when it is
 * JSON; a status other than 2xx (or than `expectStatus`) fails the run with the start of the
 * body, so `retries` apply.
 */
export const httpRequest = task({ name: 'http-request' }, async (options: HttpRequestOptions): Promise<HttpResponse> => {
  if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('httpRequest needs { url }');
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_HTTP_TIMEOUT_SECONDS;
  checkTimeout('httpRequest', timeoutSeconds);
  const method = (options.method ?? DEFAULT_METHOD).toUpperCase();
  const url = withQuery(options.url, options.query);
  const scope = callScope(`${method} ${maskCredentials(url)}`, timeoutSeconds);
  try {
    const headers = headersWithAuth(options.headers, options.auth);
    return await sendHttp({ url, method, headers, body: options.body, expectStatus: options.expectStatus }, scope);
  } finally {
    scope.release();
  }
});
