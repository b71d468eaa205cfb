// A real HTTP server on loopback for the tests of the built-in tasks that make requests: each
// test says how to answer, and every request it got is kept, body included.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Resolves when the client closed the connection before an answer was sent. */
  aborted: Promise<void>;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface LoopbackServer {
  /** The server's base, e.g. http://127.0.0.1:41234. */
  base: string;
  received: ReceivedRequest[];
  /** Replaces how the server answers. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  let handler: Handler = (_request, response) => response.end();
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    // Listened for from the start: a client that gives up early may close before the body ends.
    const aborted = new Promise<void>((resolve) => res.on('close', () => (res.writableFinished ? undefined : resolve())));
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, aborted };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    handle: (next) => (handler = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON with the status given. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}

/**
 * For a test file of a task that makes requests: one loopback server for the file, its received
 * requests cleared before each test, and a fresh engine store per test.
 */
export function useServerAndStore(): { readonly server: LoopbackServer; readonly env: EngineStore } {
  let server: LoopbackServer | undefined;
  let env: EngineStore | undefined;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    env = await useEngineStore();
    server!.received.length = 0;
  });
  afterEach(() => env?.dispose());
  return {
    get server() {
      return server!;
    },
    get env() {
      return env!;
    },
  };
}
