// sqlQuery keeps database passwords out of everything the store records, whatever they hold: real
// flows against a real PostgreSQL server whose users have awkward passwords, read back from the
// real SQLite file of the store.
import Database from 'better-sqlite3';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../../app/engine/index.js';
import { sqlQuery, SqlQueryError, type SqlQueryResult } from '../../../app/engine/tasks/index.js';
import { parseConnection } from '../../../app/engine/tasks/support/connection.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { freePort, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { onlyTaskRun } from '../support.js';

/** A password with everything a URL would rather have percent-encoded. */
const AWKWARD = 'p@ss wo"rd/#?\\:%41';
/** One the driver can read written raw in a URL: no `/`, `?`, `#` or `%`. */
const RAW_READABLE = 'r@w pa"ss\\:x';
/** Not the password of any user; written raw, the driver reads it whole. */
const WRONG = 'wr0ng "pa ss" @x\\:';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Every string in the store's database file, and the strings of those that are JSON. */
async function everyStoredText(): Promise<string[]> {
  await env.store.flush();
  const db = new Database(env.path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const values = tables.flatMap((table) => db.prepare(`SELECT * FROM "${table}"`).raw().all().flat());
    const texts = values.flatMap((v) => (typeof v === 'string' ? [v] : Buffer.isBuffer(v) ? [v.toString('utf8')] : []));
    return [...texts, ...texts.flatMap(stringsInJson)];
  } finally {
    db.close();
  }
}

function stringsInJson(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') found.push(v, ...stringsInJson(v));
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/** The pieces of the password (every run of five characters, as given and percent-encoded) found in the texts. */
function piecesFound(texts: readonly string[], password: string): string[] {
  const pieces = new Set<string>();
  for (const form of [password, encodeURIComponent(password)]) {
    for (let i = 0; i + 5 <= form.length; i++) pieces.add(form.slice(i, i + 5));
  }
  return [...pieces].filter((piece) => texts.some((text) => text.includes(piece)));
}

describe('the password sqlQuery keeps for masking, as pg reads it', () => {
  it.each([
    `postgres://odd:${encodeURIComponent(AWKWARD)}@db/app`,
    `postgres://raw:${RAW_READABLE}@db/app`,
    'postgres://odd:p@ss wo%2Frd%23@db/app',
    'postgres://odd:100%@db/app',
    'postgres://ada@server:s3cret@db/app',
    'postgres://ada:s3cret@/app',
    'postgres://db/app?sslmode=disable&password=my%20"se+cret"',
    'postgres://db/app?password=my secret&sslmode=disable',
  ])('%s', (url) => {
    const connection = parseConnection(url);
    const read = parse(url).password;
    expect(read).toBeTruthy();
    expect(connection.kind === 'postgres' && connection.secrets).toContain(read);
    expect(connection.shown).not.toContain(read);
    expect(connection.shown).toContain('***');
  });
});

describe('sqlQuery against PostgreSQL users with awkward passwords', () => {
  let postgres: PostgresServer;
  const url = (user: string, password: string, port = postgres.port) => `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;

  beforeAll(async () => {
    postgres = await startPostgres();
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    try {
      for (const [user, password] of [
        ['odd', AWKWARD],
        ['raw', RAW_READABLE],
      ]) {
        await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password.replaceAll("'", "''")}'`);
      }
    } finally {
      await admin.end();
    }
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  /** Runs one failing query in a flow; answers what it threw and every text the store holds after. */
  async function failingQuery(connection: string, sql = 'SELECT * FROM nowhere') {
    let caught: unknown;
    const outcome = await flow({ name: 'pg-password' }, async () => {
      caught = await sqlQuery({ connection, sql }).catch((e: unknown) => e);
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'sql-query');
    expect(run.state.name).toBe('Failed');
    const error = caught as Error;
    return { error, run, texts: [...(await everyStoredText()), error.message, error.stack ?? ''] };
  }

  it('a password percent-encoded, with space, quote, /, #, ?, @, : and \\ in it, connects, and is masked everywhere', async () => {
    const connection = url('odd', encodeURIComponent(AWKWARD));
    const outcome = await flow({ name: 'pg-awkward' }, () => sqlQuery({ connection, sql: 'SELECT current_user AS who' })).run();
    expect((outcome.result as SqlQueryResult).rows).toEqual([{ who: 'odd' }]);

    const { error, run, texts } = await failingQuery(connection);
    const masked = `postgres://odd:***@127.0.0.1:${postgres.port}/postgres`;
    expect(error).toBeInstanceOf(SqlQueryError);
    expect(error.message).toBe(`query on ${masked} failed: relation "nowhere" does not exist`);
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT * FROM nowhere"}]`);
    expect(run.state.message).toBe(error.message);
    expect(run.state.error?.stack).toContain(masked);
    expect(piecesFound(texts, AWKWARD)).toEqual([]);
  });

  it('a password the driver reads written raw, with space, quote, @, : and \\ in it, connects, and is masked everywhere', async () => {
    const connection = url('raw', RAW_READABLE);
    const outcome = await flow({ name: 'pg-raw' }, () => sqlQuery({ connection, sql: 'SELECT current_user AS who' })).run();
    expect((outcome.result as SqlQueryResult).rows).toEqual([{ who: 'raw' }]);

    const { error, run, texts } = await failingQuery(connection);
    const masked = `postgres://raw:***@127.0.0.1:${postgres.port}/postgres`;
    expect(error.message).toBe(`query on ${masked} failed: relation "nowhere" does not exist`);
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT * FROM nowhere"}]`);
    expect(piecesFound(texts, RAW_READABLE)).toEqual([]);
  });

  // Written raw where the driver can read it that way, and percent-encoded.
  const wrongForms = [WRONG, encodeURIComponent(WRONG)];
  const awkwardForms = [RAW_READABLE, encodeURIComponent(AWKWARD)];

  it.each(wrongForms)('a wrong awkward password (%s) is refused by the server, and masked everywhere', async (password) => {
    const { error, run, texts } = await failingQuery(url('odd', password), 'SELECT 1');
    const masked = `postgres://odd:***@127.0.0.1:${postgres.port}/postgres`;
    expect(error.message).toBe(`query on ${masked} failed: password authentication failed for user "odd"`);
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT 1"}]`);
    expect(piecesFound(texts, WRONG)).toEqual([]);
  });

  it.each(awkwardForms)('nothing listening on the port: the connection (%s) is refused, the password masked everywhere', async (password) => {
    const port = await freePort();
    const { error, run, texts } = await failingQuery(url('odd', password, port), 'SELECT 1');
    const masked = `postgres://odd:***@127.0.0.1:${port}/postgres`;
    expect(error.message).toBe(`query on ${masked} failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT 1"}]`);
    expect(piecesFound(texts, decodeURIComponent(password))).toEqual([]);
  });

  it('a raw /, ? or # in the password is refused before any connection, which would take the rest for the host', async () => {
    const { error, run, texts } = await failingQuery(url('odd', AWKWARD), 'SELECT 1');
    const masked = `postgres://odd:***@127.0.0.1:${postgres.port}/postgres`;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      `sqlQuery: connection '${masked}' cannot be read safely: a /, ? or # before its last @ would end the password for the driver, ` +
        'which would take the rest for the host or the database; percent-encode them in the password (%2F, %3F, %23), and an @ after the host (%40)',
    );
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT 1"}]`);
    expect(piecesFound(texts, AWKWARD)).toEqual([]);
  });

  it('a key=value connection string is refused, its password masked', async () => {
    const { error, run, texts } = await failingQuery(
      `host=127.0.0.1 port=${postgres.port} user=odd password='${AWKWARD.replaceAll('\\', '\\\\')}' dbname=postgres`,
      'SELECT 1',
    );
    const masked = `host=127.0.0.1 port=${postgres.port} user=odd password=*** dbname=postgres`;
    expect(error.message).toBe(
      `sqlQuery: connection '${masked}' is a key=value connection string, which the PostgreSQL driver does not read; ` +
        'write a postgres://user:password@host:port/database URL',
    );
    expect(run.inputs).toBe(`[{"connection":"${masked}","sql":"SELECT 1"}]`);
    expect(piecesFound(texts, AWKWARD)).toEqual([]);
  });
});
