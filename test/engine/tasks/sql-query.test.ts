// sqlQuery inside real flows on a real store: on a real SQLite file, and on a real PostgreSQL
// server started for this file (the tests fail, saying what to install, where there is none).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flow, TimeoutError } from '../../../app/engine/index.js';
import { sqlQuery, SqlQueryError, type SqlQueryResult } from '../../../app/engine/tasks/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { waitUntil } from '../../helpers/cli.js';
import { onlyTaskRun, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

describe('sqlQuery on SQLite', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flowdeck-sqlite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, inserts with ? parameters, updates and selects, each a recorded task run', async () => {
    const connection = `sqlite:${join(dir, 'shop.db')}`;
    const outcome = await flow({ name: 'sqlite-crud' }, async () => {
      await sqlQuery({ connection, sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, active INTEGER)' });
      const inserted = await sqlQuery({
        connection,
        sql: 'INSERT INTO items (name, price, active) VALUES (?, ?, ?), (?, ?, ?) RETURNING id',
        params: ['pen', 1.5, true, 'ink', 3, false],
      });
      const updated = await sqlQuery({ connection, sql: 'UPDATE items SET price = price * 2 WHERE active = ?', params: [1] });
      const selected = await sqlQuery({ connection, sql: 'SELECT name, price, active FROM items ORDER BY id' });
      return { inserted, updated, selected };
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const result = outcome.result as Record<string, SqlQueryResult>;
    expect(result.inserted).toEqual({ rows: [{ id: 1 }, { id: 2 }], rowCount: 2 });
    expect(result.updated).toEqual({ rows: [], rowCount: 1 });
    expect(result.selected).toEqual({
      rows: [
        { name: 'pen', price: 3, active: 1 },
        { name: 'ink', price: 3, active: 0 },
      ],
      rowCount: 2,
    });
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'sql-query');
    expect(runs.map((r) => [r.name, r.state.name])).toEqual([
      ['sql-query-0', 'Completed'],
      ['sql-query-1', 'Completed'],
      ['sql-query-2', 'Completed'],
      ['sql-query-3', 'Completed'],
    ]);
    expect(JSON.parse(runs[2].inputs!)).toEqual([{ connection, sql: 'UPDATE items SET price = price * 2 WHERE active = ?', params: [1] }]);
  });

  it('resolves a relative path from the working folder', async () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      await flow({ name: 'sqlite-relative' }, async () => {
        await sqlQuery({ connection: 'sqlite:data.db', sql: 'CREATE TABLE t (x)' });
        await sqlQuery({ connection: 'sqlite:data.db', sql: 'INSERT INTO t VALUES (?)', params: [42] });
      }).run();
    } finally {
      process.chdir(before);
    }
    const check = await flow({ name: 'sqlite-absolute' }, () =>
      sqlQuery({ connection: `sqlite:${join(dir, 'data.db')}`, sql: 'SELECT x FROM t' }),
    ).run();
    expect((check.result as SqlQueryResult).rows).toEqual([{ x: 42 }]);
  });

  it("fails naming the connection and SQLite's message; the run records it", async () => {
    const connection = `sqlite:${join(dir, 'empty.db')}`;
    let caught: unknown;
    const outcome = await flow({ name: 'sqlite-error' }, async () => {
      caught = await sqlQuery({ connection, sql: 'SELECT * FROM missing' }).catch((e: unknown) => e);
    }).run();
    expect(caught).toBeInstanceOf(SqlQueryError);
    expect((caught as SqlQueryError).message).toBe(`query on ${connection} failed: no such table: missing`);
    expect((caught as SqlQueryError).code).toBe('SQLITE_ERROR');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'sql-query');
    expect(run.state.name).toBe('Failed');
    expect(run.state.message).toBe(`query on ${connection} failed: no such table: missing`);
  });

  it('refuses a connection that is neither sqlite: nor postgres://', async () => {
    const outcome = await flow({ name: 'bad-connection' }, () =>
      sqlQuery({ connection: 'mysql://root:toor@db/app', sql: 'SELECT 1' }).catch((e: Error) => e.message),
    ).run();
    expect(outcome.result).toBe("sqlQuery: connection 'mysql://root:***@db/app' is neither sqlite:PATH nor a postgres:// URL");
  });
});

describe('sqlQuery on PostgreSQL', () => {
  let postgres: PostgresServer;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  /** Connections other than the test's own, to see that each query closed its connection. */
  async function otherClientConnections(): Promise<{ query: string; state: string }[]> {
    const client = new pg.Client({ connectionString: postgres.url() });
    await client.connect();
    try {
      const answer = await client.query(
        `SELECT query, state FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      return answer.rows;
    } finally {
      await client.end();
    }
  }

  it('runs statements with $n parameters, answers rows and rowCount, and closes every connection', async () => {
    const connection = postgres.url();
    const outcome = await flow({ name: 'pg-crud' }, async () => {
      await sqlQuery({ connection, sql: 'CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, admin boolean NOT NULL)' });
      const inserted = await sqlQuery({
        connection,
        sql: 'INSERT INTO users (name, admin) VALUES ($1, $2), ($3, $4) RETURNING id, name',
        params: ['Ada', true, 'Grace', false],
      });
      const updated = await sqlQuery({ connection, sql: 'UPDATE users SET admin = NOT admin' });
      const selected = await sqlQuery({ connection, sql: 'SELECT name, admin FROM users WHERE id > $1 ORDER BY id', params: [0] });
      return { inserted, updated, selected };
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const result = outcome.result as Record<string, SqlQueryResult>;
    expect(result.inserted).toEqual({
      rows: [
        { id: 1, name: 'Ada' },
        { id: 2, name: 'Grace' },
      ],
      rowCount: 2,
    });
    expect(result.updated).toEqual({ rows: [], rowCount: 2 });
    expect(result.selected).toEqual({
      rows: [
        { name: 'Ada', admin: false },
        { name: 'Grace', admin: true },
      ],
      rowCount: 2,
    });
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'sql-query')).map((r) => r.state.name)).toEqual([
      'Completed',
      'Completed',
      'Completed',
      'Completed',
    ]);
    expect(await otherClientConnections()).toEqual([]);
  });

  it("masks the password in the recorded inputs and in errors, which carry PostgreSQL's message", async () => {
    const connection = postgres.url();
    let caught: unknown;
    const outcome = await flow({ name: 'pg-error' }, async () => {
      caught = await sqlQuery({ connection, sql: 'SELECT * FROM nowhere WHERE id = $1', params: [1] }).catch((e: unknown) => e);
    }).run();
    const masked = `postgres://${postgres.user}:***@127.0.0.1:${postgres.port}/postgres`;
    expect(caught).toBeInstanceOf(SqlQueryError);
    expect((caught as SqlQueryError).message).toBe(`query on ${masked} failed: relation "nowhere" does not exist`);
    expect((caught as SqlQueryError).code).toBe('42P01');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'sql-query');
    expect(run.state.name).toBe('Failed');
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT * FROM nowhere WHERE id = $1","params":[1]}]`);
    const recorded = JSON.stringify([run, await env.store.listStates(run.id), await env.store.listLogs(outcome.flowRunId)]);
    expect(recorded).not.toContain(postgres.password);
    expect(await otherClientConnections()).toEqual([]);
  });

  it('a wrong password fails with the server refusing the user, the password given masked', async () => {
    const wrong = postgres.url().replace(postgres.password, 'not-the-password');
    const outcome = await flow({ name: 'pg-auth' }, () => sqlQuery({ connection: wrong, sql: 'SELECT 1' }).catch((e: Error) => e.message)).run();
    expect(outcome.result).toBe(
      `query on postgres://${postgres.user}:***@127.0.0.1:${postgres.port}/postgres failed: password authentication failed for user "${postgres.user}"`,
    );
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'sql-query');
    expect(JSON.stringify([run, await env.store.listStates(run.id)])).not.toContain('not-the-password');
  });

  it("a query still running when the run's signal fires is stopped and its connection closed", async () => {
    const bounded = sqlQuery.withOptions({ timeoutSeconds: 0.3 });
    const started = Date.now();
    const outcome = await flow({ name: 'pg-timeout' }, () =>
      bounded({ connection: postgres.url(), sql: 'SELECT pg_sleep(30)' }).catch((e: unknown) => e),
    ).run();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome.result).toBeInstanceOf(TimeoutError);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'sql-query')).state.name).toBe('TimedOut');
    await waitUntil(async () => (await otherClientConnections()).length === 0, { what: 'the query connection to be closed', safetyNetMs: 10_000 });
  });
});
