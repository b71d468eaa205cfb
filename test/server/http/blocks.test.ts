import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../app/core/index.js';
import { EncryptionKeySource } from '../../../app/server/index.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { call, flowRunRequest, useTestServer } from './support.js';

const API_KEY = 'blocks-test-key';
const PASSWORD = 'hunter2-very-secret';
const TOKEN = 'tok-abcdef-0123456789';

const live = useTestServer(() => ({ apiKey: API_KEY, encryptionKey: new EncryptionKeySource({ setting: null, home: makeTempHome().home }) }));

function authed(init: { method?: string; body?: unknown } = {}) {
  return { ...init, headers: { authorization: `Bearer ${API_KEY}` } };
}

describe('block API', () => {
  it('lists the block types with their JSON schema and secret fields', async () => {
    const answer = await call(`${live.current.api}/block-types`, authed());
    expect(answer.status).toBe(200);
    const slugs = answer.json.map((type: { slug: string }) => type.slug);
    expect(slugs).toEqual(['secret', 'json', 'sql-connection', 'http-auth', 'webhook', 'slack-webhook', 'smtp-email', 'result-storage']);
    const smtp = answer.json.find((type: { slug: string }) => type.slug === 'smtp-email');
    expect(smtp.secretFields).toEqual(['password']);
    expect(smtp.schema.properties.port.type).toBe('integer');
    expect(smtp.schema.required).toEqual(expect.arrayContaining(['host', 'from', 'to']));
  });

  it('keeps secret fields out of every read and out of the database file, and keeps them on an update that leaves them masked', async () => {
    const { api, dbPath } = live.current;
    const made = await call(
      `${api}/blocks`,
      authed({ method: 'POST', body: { type: 'sql-connection', name: 'warehouse', data: { url: 'postgres://ada@db/app', password: PASSWORD } } }),
    );
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({
      type: 'sql-connection',
      name: 'warehouse',
      data: { url: 'postgres://ada@db/app', password: '********' },
      secretFields: ['password'],
      secretFieldsSet: ['password'],
    });
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'http-auth', name: 'api', data: { scheme: 'bearer', token: TOKEN } } }));
    const reads = [
      await call(`${api}/blocks`, authed()),
      await call(`${api}/blocks?type=sql-connection`, authed()),
      await call(`${api}/blocks/sql-connection/warehouse`, authed()),
      await call(`${api}/blocks/http-auth/api`, authed()),
    ];
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(PASSWORD);
      expect(read.text).not.toContain(TOKEN);
    }
    expect(reads[0].json.map((block: { name: string }) => block.name)).toEqual(['api', 'warehouse']);

    // Masked or left out, the password stays; the URL changes.
    const changed = await call(
      `${api}/blocks/sql-connection/warehouse`,
      authed({ method: 'PUT', body: { data: { url: 'postgres://ada@db2/app', password: '********' } } }),
    );
    expect(changed.status).toBe(200);
    expect(changed.json.data).toEqual({ url: 'postgres://ada@db2/app', password: '********' });
    const run = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
    await live.current.store.createFlowRun(run);
    const loaded = await call(`${api}/blocks/sql-connection/warehouse/load`, authed({ method: 'POST', body: { flowRunId: run.id } }));
    expect(loaded.status).toBe(200);
    expect(loaded.json.data).toEqual({ url: 'postgres://ada@db2/app', password: PASSWORD });

    await live.current.store.flush();
    // The database and its write-ahead log, where recent writes wait to be checkpointed.
    const file = Buffer.concat([dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
    expect(file.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(file.includes(Buffer.from(TOKEN))).toBe(false);
    expect(file.includes(Buffer.from('postgres://ada@db2/app'))).toBe(true);
  });

  it('refuses to load a block for a flow run that is not Running, or for none', async () => {
    const { api, store } = live.current;
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'db', data: { value: PASSWORD } } }));
    const pending = flowRunRequest();
    await store.createFlowRun(pending);
    const refused = await call(`${api}/blocks/secret/db/load`, authed({ method: 'POST', body: { flowRunId: pending.id } }));
    expect(refused.status).toBe(409);
    expect(refused.json.message).toMatch(/^flowRunId: .* is not Running/);
    expect(refused.text).not.toContain(PASSWORD);
    const missing = await call(`${api}/blocks/secret/db/load`, authed({ method: 'POST', body: { flowRunId: newId() } }));
    expect(missing.status).toBe(404);
    expect(missing.json.message).toMatch(/^flowRunId: no flow run/);
  });

  it('records which running flow run loaded a block and when; refused loads and deletions leave no record behind', async () => {
    const { api, store } = live.current;
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'db', data: { value: PASSWORD } } }));
    const never = await call(`${api}/blocks/secret/db`, authed());
    expect(never.json).toMatchObject({ lastLoadedAt: null, lastLoadedBy: null });

    const pending = flowRunRequest();
    await store.createFlowRun(pending);
    expect((await call(`${api}/blocks/secret/db/load`, authed({ method: 'POST', body: { flowRunId: pending.id } }))).status).toBe(409);
    expect((await call(`${api}/blocks/secret/db`, authed())).json).toMatchObject({ lastLoadedAt: null, lastLoadedBy: null });

    const first = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
    const second = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
    await store.createFlowRun(first);
    await store.createFlowRun(second);
    const before = Date.now();
    expect((await call(`${api}/blocks/secret/db/load`, authed({ method: 'POST', body: { flowRunId: first.id } }))).status).toBe(200);
    const afterFirst = (await call(`${api}/blocks/secret/db`, authed())).json;
    expect(afterFirst.lastLoadedBy).toBe(first.id);
    expect(afterFirst.lastLoadedAt).toBeGreaterThanOrEqual(before - 1000);
    expect((await call(`${api}/blocks/secret/db/load`, authed({ method: 'POST', body: { flowRunId: second.id } }))).status).toBe(200);
    const listed = (await call(`${api}/blocks?type=secret`, authed())).json as { name: string; lastLoadedBy: string; lastLoadedAt: number }[];
    expect(listed.find((block) => block.name === 'db')).toMatchObject({ lastLoadedBy: second.id });
    expect(listed.find((block) => block.name === 'db')!.lastLoadedAt).toBeGreaterThanOrEqual(afterFirst.lastLoadedAt);

    // A block made again under the same name has not been loaded.
    expect((await call(`${api}/blocks/secret/db`, authed({ method: 'DELETE' }))).status).toBe(204);
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'db', data: { value: PASSWORD } } }));
    expect((await call(`${api}/blocks/secret/db`, authed())).json).toMatchObject({ lastLoadedAt: null, lastLoadedBy: null });
  });

  it('answers 401 on every block route without the key', async () => {
    const { api } = live.current;
    for (const [method, path] of [
      ['GET', '/block-types'],
      ['GET', '/blocks'],
      ['POST', '/blocks'],
      ['GET', '/blocks/secret/db'],
      ['PUT', '/blocks/secret/db'],
      ['DELETE', '/blocks/secret/db'],
      ['POST', '/blocks/secret/db/load'],
    ] as const) {
      const answer = await call(`${api}${path}`, { method });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });

  it('names the field that does not fit: an unknown type, a document that breaks its schema, a masked value with nothing stored', async () => {
    const { api } = live.current;
    const unknown = await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'ftp', name: 'x', data: {} } }));
    expect(unknown.status).toBe(422);
    expect(unknown.json.message).toMatch(/^type: no block type 'ftp'; the types are secret, json/);
    const badPort = await call(
      `${api}/blocks`,
      authed({ method: 'POST', body: { type: 'smtp-email', name: 'mail', data: { host: 'smtp', port: 'x', from: 'a@b.c', to: ['d@e.f'] } } }),
    );
    expect(badPort.status).toBe(422);
    expect(badPort.json.message).toMatch(/^smtp-email\/mail: data\.port: /);
    expect(badPort.json.issues[0].path).toEqual(['data', 'port']);
    const extra = await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 's', data: { value: 'v', other: 1 } } }));
    expect(extra.status).toBe(422);
    expect(extra.json.message).toMatch(/other/);
    const placeholder = await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 's', data: { value: '********' } } }));
    expect(placeholder.status).toBe(422);
    expect(placeholder.json.message).toMatch(/^data\.value: /);
    const passwordInUrl = await call(
      `${api}/blocks`,
      authed({ method: 'POST', body: { type: 'sql-connection', name: 'w', data: { url: 'postgres://ada:pw@db/app' } } }),
    );
    expect(passwordInUrl.status).toBe(422);
    expect(passwordInUrl.json.message).toMatch(/data\.url: must not carry a password/);
    const badName = await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'a b', data: { value: 'v' } } }));
    expect(badName.status).toBe(400);
    expect(badName.json.message).toMatch(/^body\.name: /);
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'taken', data: { value: 'v' } } }));
    const taken = await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'secret', name: 'taken', data: { value: 'w' } } }));
    expect(taken.status).toBe(409);
    expect(taken.json.message).toBe('name: a block secret/taken exists already');
    const keptNothing = await call(
      `${api}/blocks/webhook/hook`,
      authed({ method: 'PUT', body: { data: { url: 'https://hooks.example/x', headers: { Authorization: '********' } } } }),
    );
    expect(keptNothing.status).toBe(422);
    expect(keptNothing.json.message).toMatch(/^data\.headers\.Authorization: /);
    const deep = await call(
      `${api}/blocks`,
      authed({ method: 'POST', body: `{"type":"json","name":"deep","data":{"value":${'['.repeat(5000)}${']'.repeat(5000)}}}` }),
    );
    expect(deep.status).toBe(422);
    expect(deep.json.message).toBe('data: nests deeper than 64 levels');
    expect(live.current.unexpected).toEqual([]);
  });

  it('deletes blocks, answering 404 for one that is not there', async () => {
    const { api } = live.current;
    await call(`${api}/blocks`, authed({ method: 'POST', body: { type: 'json', name: 'cfg', data: { value: { a: [1, 2] } } } }));
    expect((await call(`${api}/blocks/json/cfg`, authed())).json.data).toEqual({ value: { a: [1, 2] } });
    expect((await call(`${api}/blocks/json/cfg`, authed({ method: 'DELETE' }))).status).toBe(204);
    const gone = await call(`${api}/blocks/json/cfg`, authed());
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe('name: no block json/cfg');
  });

  it('are in the OpenAPI document', async () => {
    const document = await call(`${live.current.api}/openapi.json`, authed());
    for (const path of ['/api/block-types', '/api/blocks', '/api/blocks/{type}/{name}', '/api/blocks/{type}/{name}/load']) {
      expect(document.json.paths[path], path).toBeDefined();
    }
  });
});
