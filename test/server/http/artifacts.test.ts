// The artifacts API on a real server over a real store: made, versioned by key, listed, paged,
// updated and deleted; bad input refused with the field named; the key required; all of it in
// the OpenAPI document.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_ROUTES, createApiClient, type ApiClient } from '../../../app/core/api/index.js';
import { call, flowRunRequest, startTestServer, type TestServer } from './support.js';

const KEY = 'artifact-test-key';
let server: TestServer;
let client: ApiClient;
const auth = { authorization: `Bearer ${KEY}` };

beforeEach(async () => {
  server = await startTestServer({ apiKey: KEY });
  client = createApiClient({ baseUrl: server.api, apiKey: KEY });
});
afterEach(async () => {
  await server.close();
  expect(server.unexpected).toEqual([]);
});

async function flowRun(): Promise<string> {
  const request = flowRunRequest();
  expect((await server.store.createFlowRun(request)).status).toBe('ACCEPT');
  return request.id;
}

describe('the artifacts API', () => {
  it('makes artifacts of each type, versions them by key and lists the latest of each key with its history', async () => {
    const run = await flowRun();
    const report1 = await client.createArtifact({ body: { type: 'markdown', data: '# first', key: 'report', flowRunId: run } });
    const table = await client.createArtifact({
      body: { type: 'table', data: { city: ['Oslo', 'Lima'], temp: [3, 19] }, key: 'weather', flowRunId: run, taskRunId: 'task-a' },
    });
    const link = await client.createArtifact({
      body: { type: 'link', data: { link: 'https://example.com/x', linkText: 'x' }, flowRunId: run, description: 'a link' },
    });
    const report2 = await client.createArtifact({ body: { type: 'markdown', data: '# second', key: 'report', flowRunId: run } });
    expect(report1).toMatchObject({ type: 'markdown', key: 'report', data: '# first', flowRunId: run, taskRunId: null, description: null });
    expect(table).toMatchObject({ taskRunId: 'task-a', data: { city: ['Oslo', 'Lima'], temp: [3, 19] } });
    expect(link).toMatchObject({ key: null, description: 'a link', data: { link: 'https://example.com/x', linkText: 'x' } });

    expect(await client.getArtifact({ params: { id: table.id } })).toEqual(table);
    const latest = await client.listLatestArtifacts();
    expect(latest.items.map((a) => a.id)).toEqual([report2.id, table.id]);
    expect((await client.listArtifactKeyHistory({ params: { key: 'report' } })).map((a) => a.data)).toEqual(['# second', '# first']);
    const all = await client.listArtifacts({ query: { flowRunId: run } });
    expect(all.items.map((a) => a.id)).toEqual([report2.id, link.id, table.id, report1.id]);
    expect((await client.listArtifacts({ query: { taskRunId: 'task-a' } })).items.map((a) => a.id)).toEqual([table.id]);
    expect((await client.listArtifacts({ query: { key: 'report', type: 'markdown' } })).items).toHaveLength(2);
    const page1 = await client.listArtifacts({ query: { limit: 3 } });
    expect(page1.items).toHaveLength(3);
    const page2 = await client.listArtifacts({ query: { limit: 3, cursor: page1.nextCursor! } });
    expect(page2.items.map((a) => a.id)).toEqual([report1.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it('updates progress in place, and deletes an artifact or a whole key', async () => {
    const run = await flowRun();
    const bar = await client.createArtifact({ body: { type: 'progress', data: 10, key: 'load', flowRunId: run } });
    const moved = await client.updateArtifactProgress({ params: { id: bar.id }, body: { progress: 75 } });
    expect(moved).toMatchObject({ id: bar.id, data: 75 });
    expect((await client.listArtifactKeyHistory({ params: { key: 'load' } })).map((a) => a.data)).toEqual([75]);

    const note = await client.createArtifact({ body: { type: 'markdown', data: 'n', flowRunId: run } });
    const conflict = await call(`${server.api}/artifacts/${note.id}/progress`, { method: 'PUT', body: { progress: 5 }, headers: auth });
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toMatch(/markdown artifact; only progress artifacts/);

    expect((await call(`${server.api}/artifacts/${note.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await call(`${server.api}/artifacts/${note.id}`, { headers: auth })).status).toBe(404);
    await client.createArtifact({ body: { type: 'progress', data: 20, key: 'load', flowRunId: run } });
    expect(await client.deleteArtifactKey({ params: { key: 'load' } })).toEqual({ deleted: 2 });
    const gone = await call(`${server.api}/artifacts/keys/load`, { headers: auth });
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("no artifact with key 'load'");
  });

  it('refuses bad input with a 4xx naming the field, and stores nothing of it', async () => {
    const run = await flowRun();
    const refusals: [unknown, number, RegExp][] = [
      [{ type: 'chart', data: 1, flowRunId: run }, 400, /type/],
      [{ type: 'table', data: [1, 2], flowRunId: run }, 400, /data.*list of row objects, a dict of columns/],
      [{ type: 'table', data: { a: 1 }, flowRunId: run }, 400, /data.*list of row objects/],
      [{ type: 'progress', data: 101, flowRunId: run }, 400, /data/],
      [{ type: 'progress', data: -1, flowRunId: run }, 400, /data/],
      [{ type: 'markdown', data: 'x', key: 'Bad_Key', flowRunId: run }, 400, /key.*lowercase letters, digits and dashes/],
      [{ type: 'markdown', data: 'x', key: 'x'.repeat(256), flowRunId: run }, 400, /key/],
      [{ type: 'markdown', data: 5, flowRunId: run }, 400, /data/],
      [{ type: 'link', data: { url: 'https://x' }, flowRunId: run }, 400, /data/],
      [{ type: 'markdown', data: 'x' }, 400, /flowRunId/],
      [{ type: 'markdown', data: 'x', flowRunId: 'no-such-run' }, 404, /flowRunId: no flow run no-such-run/],
    ];
    for (const [body, status, message] of refusals) {
      const answer = await call(`${server.api}/artifacts`, { method: 'POST', body, headers: auth });
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.json.message, JSON.stringify(body)).toMatch(message);
    }
    const bar = await client.createArtifact({ body: { type: 'progress', data: 1, flowRunId: run } });
    const tooFar = await call(`${server.api}/artifacts/${bar.id}/progress`, { method: 'PUT', body: { progress: 100.5 }, headers: auth });
    expect(tooFar.status).toBe(400);
    expect(tooFar.json.message).toMatch(/progress/);
    const badQuery = await call(`${server.api}/artifacts?type=chart&cursor=abc`, { headers: auth });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.message).toMatch(/type|cursor/);
    expect((await client.listArtifacts()).items.map((a) => a.id)).toEqual([bar.id]);
    expect((await client.getArtifact({ params: { id: bar.id } })).data).toBe(1);
  });

  it('answers 401 on every artifact route without the key', async () => {
    const run = await flowRun();
    const made = await client.createArtifact({ body: { type: 'progress', data: 1, key: 'k', flowRunId: run } });
    const routes = Object.values(API_ROUTES).filter((route) => route.resource === 'artifacts');
    expect(routes).toHaveLength(8);
    for (const route of routes) {
      const path = route.path.replace(':id', made.id).replace(':key', 'k');
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const answer = await call(`${server.api}${path}`, {
          method: route.method,
          body: route.method === 'GET' || route.method === 'DELETE' ? undefined : { type: 'progress', data: 2, flowRunId: run, progress: 3 },
          headers,
        });
        expect(answer.status, `${route.method} ${path}`).toBe(401);
      }
    }
    // Nothing changed.
    expect(await client.listArtifactKeyHistory({ params: { key: 'k' } })).toEqual([made]);
  });

  it('are described in the OpenAPI document', async () => {
    const doc = (await call(`${server.api}/openapi.json`, { headers: auth })).json;
    expect(doc.paths['/api/artifacts'].post.operationId).toBe('createArtifact');
    expect(doc.paths['/api/artifacts'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['flowRunId', 'taskRunId', 'key', 'type', 'limit', 'cursor']),
    );
    expect(doc.paths['/api/artifacts/latest'].get.operationId).toBe('listLatestArtifacts');
    expect(doc.paths['/api/artifacts/keys/{key}'].get.operationId).toBe('listArtifactKeyHistory');
    expect(doc.paths['/api/artifacts/{id}/progress'].put.operationId).toBe('updateArtifactProgress');
    expect(doc.paths['/api/artifacts/{id}'].delete.operationId).toBe('deleteArtifact');
  });
});
