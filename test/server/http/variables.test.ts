import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../../app/core/api/index.js';
import { call, startTestServer, useTestServer, type TestServer } from './support.js';

describe('/api/variables', () => {
  const server = useTestServer();

  it('sets, reads, lists with filters, replaces and deletes variables by name', async () => {
    const api = server.current.api;
    const made = await call(`${api}/variables/db.url`, { method: 'PUT', body: { value: { host: 'db', port: 5432 }, tags: ['prod'] } });
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({ name: 'db.url', value: { host: 'db', port: 5432 }, tags: ['prod'] });
    await call(`${api}/variables/retries`, { method: 'PUT', body: { value: 3 } });
    await call(`${api}/variables/DB_NAME`, { method: 'PUT', body: { value: 'sales', tags: ['prod', 'db'] } });

    expect((await call(`${api}/variables`)).json.map((v: { name: string }) => v.name)).toEqual(['DB_NAME', 'db.url', 'retries']);
    expect((await call(`${api}/variables?tag=prod&tag=db`)).json.map((v: { name: string }) => v.name)).toEqual(['DB_NAME']);
    expect((await call(`${api}/variables?nameContains=DB`)).json.map((v: { name: string }) => v.name)).toEqual(['DB_NAME', 'db.url']);
    expect((await call(`${api}/variables/retries`)).json).toMatchObject({ name: 'retries', value: 3, tags: [] });

    // A PUT replaces; with overwrite false it refuses to.
    expect((await call(`${api}/variables/retries`, { method: 'PUT', body: { value: 5 } })).json).toMatchObject({ value: 5 });
    const refused = await call(`${api}/variables/retries`, { method: 'PUT', body: { value: 7, overwrite: false } });
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain("variable 'retries' already exists");
    expect((await call(`${api}/variables/retries`)).json.value).toBe(5);

    expect((await call(`${api}/variables/retries`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`${api}/variables/retries`);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("no variable named 'retries'");
    expect((await call(`${api}/variables/retries`, { method: 'DELETE' })).json.message).toBe("no variable named 'retries'");
    expect(server.current.unexpected).toEqual([]);
  });

  it('refuses a bad name, an oversized value, a missing value or a bad tag with 400 naming the field, and keeps what was stored', async () => {
    const api = server.current.api;
    await call(`${api}/variables/kept`, { method: 'PUT', body: { value: 'as it was' } });
    const big = await call(`${api}/variables/kept`, { method: 'PUT', body: { value: 'x'.repeat(5310) } });
    expect(big.status).toBe(400);
    expect(big.json.message).toBe('body.value: 5,312 characters when serialised; at most 5,000');
    const missing = await call(`${api}/variables/kept`, { method: 'PUT', body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/^body\.value: must be a JSON value/);
    const badName = await call(`${api}/variables/has%20space`, { method: 'PUT', body: { value: 1 } });
    expect(badName.status).toBe(400);
    expect(badName.json.message).toMatch(/^params\.name: may hold only letters, digits/);
    const longName = await call(`${api}/variables/${'n'.repeat(256)}`, { method: 'PUT', body: { value: 1 } });
    expect(longName.status).toBe(400);
    expect(longName.json.message).toMatch(/^params\.name: /);
    const badTag = await call(`${api}/variables/kept`, { method: 'PUT', body: { value: 1, tags: [''] } });
    expect(badTag.status).toBe(400);
    expect(badTag.json.message).toMatch(/^body\.tags\[0\]: /);
    // Nested far too deep to serialise: refused as any value over the limit, never a 5xx.
    const deep = await call(`${api}/variables/kept`, { method: 'PUT', body: `{"value":${'['.repeat(200_000)}${']'.repeat(200_000)}}` });
    expect(deep.status).toBeGreaterThanOrEqual(400);
    expect(deep.status).toBeLessThan(500);
    const unknownField = await call(`${api}/variables/kept`, { method: 'PUT', body: { value: 1, colour: 'red' } });
    expect(unknownField.status).toBe(400);
    expect((await call(`${api}/variables/kept`)).json.value).toBe('as it was');
    expect(server.current.unexpected).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call(`${server.current.api}/openapi.json`)).json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/variables', '/api/variables/{name}']));
    expect(Object.keys(doc.paths['/api/variables/{name}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/variables'].get.operationId).toBe('listVariables');
    expect(doc.components.schemas.Variable).toBeDefined();
  });

  it('is reached by the typed client, which says 404 as an ApiError', async () => {
    const client = createApiClient({ baseUrl: server.current.api });
    await client.setVariable({ params: { name: 'threshold' }, body: { value: 0.5, tags: ['ml'] } });
    expect(await client.listVariables({ query: { tag: 'ml' } })).toMatchObject([{ name: 'threshold', value: 0.5 }]);
    const error = await client.getVariable({ params: { name: 'nope' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404 });
  });
});

describe('/api/variables with an API key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ apiKey: 'variables-key' });
  });
  afterAll(() => server.close());

  it('answers 401 to every route without the key, and works with it', async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', '/variables'],
      ['GET', '/variables/a'],
      ['PUT', '/variables/a', { value: 1 }],
      ['DELETE', '/variables/a'],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(`${server.api}${path}`, { method, body });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
    expect(await server.store.listVariables()).toEqual([]);
    const client = createApiClient({ baseUrl: server.api, apiKey: 'variables-key' });
    await client.setVariable({ params: { name: 'a' }, body: { value: [1] } });
    expect(await client.getVariable({ params: { name: 'a' } })).toMatchObject({ value: [1] });
  });
});
