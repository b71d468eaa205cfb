import http from 'node:http';
import https from 'node:https';
import { ApiError, ApiUnreachableError, type ReportResult } from '../../core/api/index.js';

/** How long one report may take before it is given up and sent again. */
const REQUEST_TIMEOUT_MS = 60_000;

interface ReportTransportOptions {
  /** The server's API base, including `/api`. */
  apiUrl: string;
  apiKey?: string | null;
}

export type SendReport = (body: string, operations: number) => Promise<ReportResult[]>;

function reasonOf(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (error instanceof Error && error.message) return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  return code ?? String(error);
}

function messageOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) return body.message;
  } catch {
    // Not Flowdeck's answer (a proxy's page); the status says enough.
  }
  return `the server answered ${status}`;
}

/** One POST on a kept-alive connection: the status and the whole answer as text. */
function post(url: URL, agent: http.Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('the request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs an already serialized report to `/reports`. The body is built once by the reporter, which
 * also journals it, so it is sent as is rather than through the typed client; node's own HTTP
 * client on one kept-alive connection costs a fraction of fetch's time per request. Throws
 * ApiUnreachableError when no answer came, ApiError for an error answer.
 */
export function reportTransport(options: ReportTransportOptions): SendReport {
  const base = options.apiUrl.replace(/\/+$/, '');
  const url = new URL(`${base}/reports`);
  // One connection: the reporter never has two reports in flight.
  const agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return async (body, operations) => {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await post(url, agent, headers, body));
    } catch (error) {
      throw new ApiUnreachableError(base, reasonOf(error));
    }
    if (status < 200 || status >= 300) throw new ApiError(status, messageOf(status, text), 'POST', url.href);
    let results: unknown;
    try {
      results = (JSON.parse(text) as { results?: unknown }).results;
    } catch {
      results = undefined;
    }
    if (!Array.isArray(results) || results.length !== operations) {
      throw new ApiError(status, `the answer from ${url.href} is not a Flowdeck report answer; is ${base} a Flowdeck server?`, 'POST', url.href);
    }
    return results as ReportResult[];
  };
}
