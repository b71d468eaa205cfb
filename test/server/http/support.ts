// A real Flowdeck server on a random loopback port over a real store (the test store factory's), one per test, and
// small helpers to talk to it with plain fetch.
import { afterEach, beforeEach, expect } from 'vitest';
import type { ApiClient } from '../../../app/core/api/client.js';
import type { FlowRunListQuery } from '../../../app/core/api/index.js';
import { newId, type CreateFlowRun, type CreateTaskRun, type RetryPolicy } from '../../../app/core/index.js';
import { createServer, type FlowdeckServer, type RunStore, type ServerOptions } from '../../../app/server/index.js';
import { openTestStore, type TestStoreOptions } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

export interface TestServer {
  /** The server's base, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The API base, `${url}/api`. */
  api: string;
  store: RunStore;
  server: FlowdeckServer;
  dbPath: string;
  /** Told of every failure the server thought was its own fault; tests expect none. */
  unexpected: unknown[];
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'store'>> {
  store?: Partial<Omit<TestStoreOptions, 'path'>>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const temp = makeTempHome();
  const { store: storeOptions, ...serverOptions } = options;
  const store = await openTestStore({ path: temp.dbPath, ...storeOptions });
  const unexpected: unknown[] = [];
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    crashSweepIntervalMs: 0,
    onUnexpectedError: (error) => unexpected.push(error),
    ...serverOptions,
    store,
  });
  const url = await server.listen();
  let closed = false;
  return {
    url,
    api: `${url}/api`,
    store,
    server,
    dbPath: temp.dbPath,
    unexpected,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await store.close();
      temp.cleanup();
    },
  };
}

/** A fresh server for each test of the file; read `current` inside tests. */
export function useTestServer(options: TestServerOptions | (() => TestServerOptions) = {}): { readonly current: TestServer } {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await server.close();
  });
  return {
    get current() {
      return server;
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers untyped and assert on their shape
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: T;
}

/**
 * One HTTP request; a non-string body is sent as JSON. A request that changes something is sent
 * as JSON even without a body (`{}`), as the server takes no other, unless its headers say otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers untyped and assert on their shape
export async function call<T = any>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  const method = init.method ?? 'GET';
  const changes = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  if (init.body !== undefined || (changes && headers['content-type'] === undefined)) {
    body = init.body === undefined ? '{}' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers untyped and assert on their shape
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };

export function flowRunRequest(overrides: Partial<CreateFlowRun> = {}): CreateFlowRun {
  return {
    id: newId(),
    flowName: 'etl',
    name: 'calm-otter',
    retryPolicy: noRetries,
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
    ...overrides,
  };
}

export function taskRunRequest(flowRunId: string, overrides: Partial<CreateTaskRun> = {}): CreateTaskRun {
  return {
    id: newId(),
    flowRunId,
    taskKey: 'extract',
    name: 'extract-0',
    dynamicKey: 0,
    retryPolicy: noRetries,
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
    ...overrides,
  };
}

/** Follows nextCursor from the query's cursor to the end, checking each full page's size; the ids in order. */
export async function walkFlowRuns(client: ApiClient, query: FlowRunListQuery, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor = query.cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await client.listFlowRuns({ query: { ...query, limit, cursor } });
    ids.push(...page.items.map((run) => run.id));
    if (page.nextCursor === null) return ids;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('the cursor never ran out');
}
