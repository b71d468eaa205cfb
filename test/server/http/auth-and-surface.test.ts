import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, ApiError, createApiClient } from '../../../app/core/api/index.js';
import { RESULT_ROUTES } from '../../../app/core/api/results.js';
import { call, startTestServer, type TestServer } from './support.js';

const KEY = 'correct horse battery staple';

describe('with an API key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ apiKey: KEY });
  });
  afterAll(() => server.close());

  const paths = ['/api/health', '/api/flow-runs', '/api/flows', '/api/concurrency-limits', '/api/openapi.json', '/api/no-such-route'];

  it.each(paths)('%s answers 401 with no key, a wrong key or another scheme', async (path) => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${KEY}x` },
      { authorization: `Basic ${KEY}` },
      { authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      const answer = await call(`${server.url}${path}`, { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.json).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(answer.json.message).toMatch(/API key/);
    }
  });

  it('checks the key before reading the body', async () => {
    const answer = await call(`${server.url}/api/reports`, { method: 'POST', body: '{not json' });
    expect(answer.status).toBe(401);
  });

  it('lets the right key through', async () => {
    const answer = await call(`${server.url}/api/health`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe('ok');
    const client = createApiClient({ baseUrl: server.api, apiKey: KEY });
    expect((await client.listFlowRuns()).items).toEqual([]);
  });

  it('turns a refusal into an ApiError with the server message', async () => {
    const error = await createApiClient({ baseUrl: server.api, apiKey: 'nope' })
      .health()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, message: 'the API key is not valid for this server; check FLOWDECK_API_KEY' });
  });

  it('leaves the page at / open: it holds nothing but links', async () => {
    const answer = await call(`${server.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Flowdeck server');
  });
});

describe('without an API key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers every route with no Authorization header', async () => {
    expect((await call(`${server.api}/health`)).status).toBe(200);
    expect((await call(`${server.api}/flow-runs`)).status).toBe(200);
    // A key the server does not ask for is simply ignored.
    expect((await call(`${server.api}/flows`, { headers: { authorization: 'Bearer anything' } })).status).toBe(200);
  });

  it('sends no CORS headers, for simple requests or preflights', async () => {
    const origin = { origin: 'https://evil.example' };
    const get = await call(`${server.api}/health`, { headers: origin });
    const preflight = await call(`${server.api}/flow-runs`, {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET' },
    });
    for (const answer of [get, preflight]) {
      const cors = [...answer.headers.keys()].filter((name) => name.startsWith('access-control-'));
      expect(cors).toEqual([]);
    }
    // Refused outright: the page's origin is not allowed.
    expect(get.status).toBe(403);
    expect(preflight.status).toBe(403);
  });

  it('serves a placeholder page at / with the version and a link to the API document', async () => {
    const answer = await call(`${server.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toContain('Flowdeck server');
    expect(answer.text).toContain('0.1.0');
    expect(answer.text).toContain('href="/api/openapi.json"');
  });

  it('publishes an OpenAPI document listing every route with its schemas', async () => {
    const answer = await call(`${server.api}/openapi.json`);
    expect(answer.status).toBe(200);
    const doc = JSON.parse(answer.text);
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'Flowdeck API', version: '0.1.0' });
    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    const expected = Object.entries({ ...API_ROUTES, ...RESULT_ROUTES }).map(
      ([name, route]) => `${route.method} /api${route.path.replace(/:(\w+)/g, '{$1}')} ${name}`,
    );
    expect(operations.sort()).toEqual(expected.sort());
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['FlowRun', 'TaskRun', 'State', 'StoredLog', 'ConcurrencyLimit']));
    const report = doc.paths['/api/reports'].post;
    expect(report.requestBody.content['application/json'].schema.properties.operations).toBeDefined();
    expect(report.responses['200']).toBeDefined();
    const list = doc.paths['/api/flow-runs'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['flowName', 'stateTypes', 'tags', 'createdAfter', 'createdBefore', 'parentFlowRunId', 'limit', 'cursor']),
    );
  });
});
