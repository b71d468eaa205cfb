import { RESULT_CONTENT_TYPE, resultPath } from '../../core/api/results.js';
import type { ResultStorage } from '../../engine/hosting.js';

/** Long enough for the largest result over a slow link; a server that stops answering fails the read or write, not the process. */
const RESULT_REQUEST_TIMEOUT_MS = 300_000;

/** Results kept on a Flowdeck server, as raw bytes over PUT and GET /api/results/:key. */
export class ServerResultStorage implements ResultStorage {
  readonly scheme = 'server';

  constructor(
    private readonly apiUrl: string,
    private readonly apiKey: string | null,
  ) {}

  async write(key: string, data: Buffer): Promise<void> {
    const response = await this.call('PUT', key, { 'content-type': RESULT_CONTENT_TYPE }, data);
    if (!response.ok) throw new Error(`the server did not store result ${key}: ${await problemOf(response)}`);
  }

  async read(key: string): Promise<Buffer> {
    const response = await this.call('GET', key);
    if (!response.ok) throw new Error(`the server did not give result ${key}: ${await problemOf(response)}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async exists(key: string): Promise<boolean> {
    const response = await this.call('HEAD', key);
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`the server did not say whether it has result ${key}: ${response.status}`);
    return true;
  }

  private call(method: string, key: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Response> {
    const auth: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    return fetch(`${this.apiUrl}${resultPath(key)}`, {
      method,
      headers: { ...auth, ...headers },
      signal: AbortSignal.timeout(RESULT_REQUEST_TIMEOUT_MS),
      ...(body ? { body } : {}),
    });
  }
}

/** The message of a refused call, as the server wrote it. */
async function problemOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    return `${response.status} ${(JSON.parse(text) as { message?: string }).message ?? text}`;
  } catch {
    return `${response.status} ${text}`;
  }
}
