import { maskCredentials } from '../../mask-credentials.js';
import type { CallScope } from './call-scope.js';

/** One request, as the built-in tasks make them. */
interface HttpCall {
  url: string;
  method: string;
  headers?: Record<string, string>;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  /** The statuses that count as success; any 2xx when not given. */
  expectStatus?: number | readonly number[];
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON when the content type says JSON, else the text. */
  body: unknown;
}

/** How much of an answer's body an error quotes. */
const BODY_SNIPPET = 500;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_SNIPPET ? `${flat.slice(0, BODY_SNIPPET)}…` : flat;
}

/** An answer whose status is not one the request expects. Retries apply to it like any failure. */
export class HttpStatusError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
    expected: string,
  ) {
    const quoted = snippet(body);
    super(`${method} ${maskCredentials(url)} answered ${status}${expected}${quoted ? `: ${quoted}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

function isJsonType(contentType: string | null): boolean {
  return contentType !== null && /^[^;]*[/+]json\s*(;|$)/i.test(contentType);
}

function failureReason(error: unknown): string {
  // Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a bad certificate).
  const cause = (error as { cause?: { message?: string; code?: string } })?.cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function expectation(call: HttpCall): { accepts: (status: number) => boolean; described: string } {
  if (call.expectStatus === undefined) return { accepts: (status) => status >= 200 && status < 300, described: '' };
  const expected = typeof call.expectStatus === 'number' ? [call.expectStatus] : [...call.expectStatus];
  return { accepts: (status) => expected.includes(status), described: `, expected ${expected.join(' or ')}` };
}

/** Sends the request and reads the whole answer; throws for a status the call does not expect. */
export async function sendHttp(call: HttpCall, scope: CallScope): Promise<HttpResponse> {
  const method = call.method.toUpperCase();
  const shownUrl = maskCredentials(call.url);
  const headers = { ...call.headers };
  let response: Response;
  let text: string;
  try {
    const body = encodeBody(call.body, headers);
    response = await fetch(call.url, { method, headers, body, signal: scope.signal });
    text = await response.text();
  } catch (error) {
    if (scope.signal.aborted) throw scope.reason();
    // eslint-disable-next-line preserve-caught-error -- the cause may quote the URL's credentials, which this message masks
    throw new Error(`${method} ${shownUrl} failed: ${maskCredentials(failureReason(error))}`);
  }
  const { accepts, described } = expectation(call);
  if (!accepts(response.status)) throw new HttpStatusError(method, call.url, response.status, text, described);
  const contentType = response.headers.get('content-type');
  let body: unknown = text;
  if (isJsonType(contentType)) {
    try {
      body = text.trim() === '' ? null : JSON.parse(text);
    } catch {
      throw new Error(
        `${method} ${shownUrl} answered ${response.status} with content-type ${contentType}, but the body is not JSON: ${snippet(text)}`,
      );
    }
  }
  return { status: response.status, ok: response.ok, headers: Object.fromEntries(response.headers), body };
}
