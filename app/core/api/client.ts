import { API_ROUTES, type ApiRoutes, type RouteInput, type RouteName, type RouteOutput, type RouteSpec } from './routes.js';
import { ApiError, ApiUnreachableError } from './errors.js';
import { ApiErrorBodySchema } from './common.js';

interface ApiClientOptions {
  /** The server's API base, including `/api`, e.g. `http://127.0.0.1:4300/api`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when the server requires one. */
  apiKey?: string;
  /** Give up on a request after this long (no limit by default). */
  timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
}

/** What any call may add to its route's input. */
interface CallOptions {
  /** Gives up on the request when it fires (besides the client's timeout). */
  signal?: AbortSignal;
}

// `{} extends X` holds when every field of X is optional.
type Method<R extends RouteSpec> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see above
  {} extends RouteInput<R>
    ? (input?: RouteInput<R> & CallOptions) => Promise<RouteOutput<R>>
    : (input: RouteInput<R> & CallOptions) => Promise<RouteOutput<R>>;

/** A typed client of the REST API: one method per entry of API_ROUTES, named as the entry. */
export type ApiClient = { readonly [K in RouteName]: Method<ApiRoutes[K]> } & { readonly baseUrl: string };

interface RawInput extends CallOptions {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}

function fillPath(route: RouteSpec, params: Record<string, string> = {}): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.method} ${route.path} needs the path parameter '${name}'`);
    return encodeURIComponent(value);
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Why fetch failed, from the cause Node's fetch hides under "fetch failed". */
function failureReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'the request timed out';
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  // Node's messages name the code already: "connect ECONNREFUSED 127.0.0.1:4300".
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

/** The server's explanation from an error answer, which is JSON with a message when it is Flowdeck's. */
function errorMessage(status: number, statusText: string, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) return body.message;
  } catch {
    // Not JSON: a proxy's page, perhaps; fall back to the status line.
  }
  return `${status} ${statusText || 'error'}`.trim();
}

/** The parts of a refused value the error body names, when it names any. */
function errorIssues(text: string): { path: (string | number)[]; message: string }[] {
  try {
    const parsed = ApiErrorBodySchema.shape.issues.safeParse((JSON.parse(text) as { issues?: unknown }).issues);
    return parsed.success ? (parsed.data ?? []) : [];
  } catch {
    return [];
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function call(route: RouteSpec, input: RawInput = {}): Promise<unknown> {
    const url = `${baseUrl}${fillPath(route, input.params)}${queryString(input.query)}`;
    const init: RequestInit = { method: route.method, headers };
    // Servers take changes as JSON only, so a page of another origin cannot send one without asking.
    if (route.body || route.method !== 'GET') {
      init.headers = { ...headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(input.body ?? {});
    }
    const signals = [...(options.timeoutMs !== undefined ? [AbortSignal.timeout(options.timeoutMs)] : []), ...(input.signal ? [input.signal] : [])];
    if (signals.length > 0) init.signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, init);
      text = await response.text();
    } catch (error) {
      if (input.signal?.aborted) throw input.signal.reason;
      throw new ApiUnreachableError(baseUrl, failureReason(error));
    }
    if (!response.ok) {
      throw new ApiError(response.status, errorMessage(response.status, response.statusText, text), route.method, url, errorIssues(text));
    }
    if (route.status === 204) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, `the answer from ${url} is not JSON; is ${baseUrl} a Flowdeck server?`, route.method, url);
    }
    const parsed = route.response.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw new ApiError(
        response.status,
        `the answer from ${url} does not match what this Flowdeck expects${where}: ${issue?.message}; are client and server the same version?`,
        route.method,
        url,
      );
    }
    return parsed.data;
  }

  const client: Record<string, unknown> = { baseUrl };
  for (const [name, route] of Object.entries(API_ROUTES) as [string, RouteSpec][]) {
    client[name] = (input?: RawInput) => call(route, input);
  }
  return client as ApiClient;
}
