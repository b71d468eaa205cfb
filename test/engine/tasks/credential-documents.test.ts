// The built-in tasks take what a block gives: sqlQuery a sql-connection document as its
// connection (on a real SQLite file), httpRequest an http-auth document as its Authorization
// header (against a real HTTP server on loopback).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../../app/engine/index.js';
import { httpRequest, sqlQuery, type HttpResponse, type SqlQueryResult } from '../../../app/engine/tasks/index.js';
import { connectionText } from '../../../app/engine/tasks/support/connection.js';
import { sendJson, useServerAndStore } from './support.js';

const bed = useServerAndStore();

describe('sqlQuery with a sql-connection document', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flowdeck-sql-block-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('queries the SQLite file the document names', async () => {
    const connection = { url: `sqlite:${join(dir, 'shop.db')}` };
    const outcome = await flow({ name: 'sql-block' }, async () => {
      await sqlQuery({ connection, sql: 'CREATE TABLE items (name TEXT)' });
      await sqlQuery({ connection, sql: 'INSERT INTO items VALUES (?)', params: ['pen'] });
      return sqlQuery({ connection, sql: 'SELECT name FROM items' });
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect((outcome.result as SqlQueryResult).rows).toEqual([{ name: 'pen' }]);
  });

  it('puts the password into a PostgreSQL URL percent-encoded, whatever it holds', () => {
    expect(connectionText({ url: 'postgres://app@db.internal:5432/warehouse', password: 'p@ss/w?rd#%' })).toBe(
      'postgres://app:p%40ss%2Fw%3Frd%23%25@db.internal:5432/warehouse',
    );
    expect(connectionText({ url: 'postgres://app@db.internal/warehouse' })).toBe('postgres://app@db.internal/warehouse');
    expect(connectionText('sqlite:data.db')).toBe('sqlite:data.db');
  });

  it('refuses a document without a URL, saying what it needs', async () => {
    let caught: unknown;
    await flow({ name: 'sql-block-bad' }, async () => {
      caught = await sqlQuery({ connection: { password: 'x' } as never, sql: 'select 1' }).catch((e: unknown) => e);
    }).run();
    expect(String(caught)).toContain('sqlQuery: a connection block needs { url }');
  });
});

describe('httpRequest with an http-auth document', () => {
  it('sends a bearer token as the Authorization header, over one written by hand', async () => {
    bed.server.handle((request, response) => sendJson(response, 200, { seen: request.headers.authorization }));
    const outcome = await flow({ name: 'http-bearer' }, () =>
      httpRequest({
        url: `${bed.server.base}/me`,
        headers: { Authorization: 'Bearer old', 'x-trace': 't' },
        auth: { scheme: 'bearer', token: 'tok-123' },
      }),
    ).run();
    expect(outcome.state.name).toBe('Completed');
    expect((outcome.result as HttpResponse).body).toEqual({ seen: 'Bearer tok-123' });
    expect(bed.server.received[0].headers['x-trace']).toBe('t');
  });

  it('sends a user and password as basic authentication', async () => {
    bed.server.handle((request, response) => sendJson(response, 200, { seen: request.headers.authorization }));
    const outcome = await flow({ name: 'http-basic' }, () =>
      httpRequest({ url: `${bed.server.base}/me`, auth: { scheme: 'basic', user: 'ada', password: 'lovelace' } }),
    ).run();
    expect((outcome.result as HttpResponse).body).toEqual({ seen: `Basic ${Buffer.from('ada:lovelace').toString('base64')}` });
  });

  it('fails a bearer document without a token before sending anything', async () => {
    bed.server.handle((_request, response) => sendJson(response, 200, {}));
    let caught: unknown;
    await flow({ name: 'http-bad-auth' }, async () => {
      caught = await httpRequest({ url: `${bed.server.base}/me`, auth: { scheme: 'bearer' } }).catch((e: unknown) => e);
    }).run();
    expect(String(caught)).toContain('httpRequest: auth with the bearer scheme needs a token');
    expect(bed.server.received).toEqual([]);
  });
});
