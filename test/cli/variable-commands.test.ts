// The variable commands on the local database, and the same commands against a real server on a
// loopback port that requires an API key, which answer as they do locally.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredVariable } from '../../app/core/api/index.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import { cli, type CliResult } from './harness.js';
import { cliWithEnv, tableRows } from './settings-support.js';

let temp: ReturnType<typeof makeTempHome>;

beforeEach(() => {
  temp = makeTempHome();
});
afterEach(() => {
  temp.cleanup();
});

/** Runs the steps every test below shares against one way of reaching variables. */
async function setGetListUnset(run: (...argv: string[]) => Promise<CliResult>): Promise<void> {
  const empty = await run('variable', 'ls');
  expect(empty).toMatchObject({ code: 0, out: 'No variables. Set one with: flowdeck variable set NAME VALUE\n' });

  // VALUE is JSON when it parses, else text.
  expect(await run('variable', 'set', 'db.port', '5432', '--tag', 'db', '--tag', 'prod')).toMatchObject({
    code: 0,
    out: "Set variable 'db.port' to 5432.\n",
  });
  expect((await run('variable', 'set', 'greeting', 'hello world')).code).toBe(0);
  expect((await run('variable', 'set', 'settings', '{"retries": 3, "mode": "fast"}', '--tag', 'prod')).code).toBe(0);

  expect(await run('variable', 'get', 'greeting')).toMatchObject({ code: 0, out: 'hello world\n' });
  expect(await run('variable', 'get', 'greeting', '--json')).toMatchObject({ code: 0, out: '"hello world"\n' });
  expect(await run('variable', 'get', 'settings')).toMatchObject({ code: 0, out: '{"retries":3,"mode":"fast"}\n' });
  expect(await run('variable', 'get', 'db.port', '--json')).toMatchObject({ code: 0, out: '5432\n' });

  // Setting one that exists needs --overwrite; without it nothing changes.
  const refused = await run('variable', 'set', 'db.port', '6543');
  expect(refused.code).toBe(2);
  expect(refused.err).toContain("variable 'db.port' already exists; pass --overwrite to replace its value");
  expect(await run('variable', 'set', 'db.port', '6543', '--overwrite')).toMatchObject({ code: 0, out: "Replaced variable 'db.port' to 6543.\n" });

  const listed = await run('variable', 'ls');
  expect(tableRows(listed.out).map((row) => row.slice(0, 2))).toEqual([
    ['NAME', 'VALUE'],
    ['db.port', '6543'],
    ['greeting', '"hello world"'],
    ['settings', '{"retries":3,"mode":"fast"}'],
  ]);
  expect(tableRows(listed.out)[1][2]).toBe('db, prod');
  const prod = JSON.parse((await run('variable', 'ls', '--tag', 'prod', '--json')).out) as StoredVariable[];
  expect(prod.map((v) => [v.name, v.value, v.tags])).toEqual([
    ['db.port', 6543, ['db', 'prod']],
    ['settings', { retries: 3, mode: 'fast' }, ['prod']],
  ]);
  expect((JSON.parse((await run('variable', 'ls', '--name', 'GREET', '--json')).out) as StoredVariable[]).map((v) => v.name)).toEqual(['greeting']);
  expect(await run('variable', 'ls', '--tag', 'none')).toMatchObject({ code: 0, out: 'No variables match.\n' });

  const inspected = JSON.parse((await run('variable', 'inspect', 'settings', '--json')).out) as StoredVariable;
  expect(inspected).toMatchObject({ name: 'settings', value: { retries: 3, mode: 'fast' }, tags: ['prod'] });
  expect(inspected.updatedAt).toBeGreaterThanOrEqual(inspected.createdAt);
  const shown = await run('variable', 'inspect', 'settings');
  expect(shown.out).toContain('Variable settings');
  expect(shown.out).toMatch(/value\s+\{\n\s+"retries": 3,/);

  expect(await run('variable', 'unset', 'greeting')).toMatchObject({ code: 0, out: "Unset variable 'greeting'.\n" });
  for (const argv of [
    ['variable', 'get', 'greeting'],
    ['variable', 'inspect', 'greeting'],
    ['variable', 'unset', 'greeting'],
  ]) {
    const missing = await run(...argv);
    expect(missing.code, argv.join(' ')).toBe(2);
    expect(missing.err).toContain("no variable named 'greeting'; 'flowdeck variable ls' lists them");
  }
}

/** Bad input is refused with exit 2 and a message naming the field and the limit, before anything is stored. */
async function refusesBadInput(run: (...argv: string[]) => Promise<CliResult>): Promise<void> {
  await run('variable', 'set', 'kept', '1');
  const big = await run('variable', 'set', 'kept', 'x'.repeat(5_310), '--overwrite');
  expect(big.code).toBe(2);
  // Text, so its quotes count.
  expect(big.err).toContain('value: 5,312 characters when serialised; at most 5,000');
  expect(big.err.length).toBeLessThan(300);
  const list = await run('variable', 'set', 'kept', JSON.stringify(Array(2_600).fill(1)), '--overwrite');
  expect(list.err).toContain('value: 5,201 characters when serialised; at most 5,000');
  const spaced = await run('variable', 'set', 'has space', '1');
  expect(spaced.code).toBe(2);
  expect(spaced.err).toContain('name: may hold only letters, digits, "-", "_" and "."');
  expect((await run('variable', 'set', 'n'.repeat(256), '1')).err).toContain('name: 256 characters; at most 255');
  expect((await run('variable', 'set', 'a/b', '1')).code).toBe(2);
  expect(await run('variable', 'get', 'kept')).toMatchObject({ code: 0, out: '1\n' });
}

describe('flowdeck variable, locally', () => {
  const local = (...argv: string[]) => cli(temp.home, ...argv);

  it('sets, gets, lists, inspects and unsets variables in the local database', async () => {
    await setGetListUnset(local);
    expect(existsSync(temp.dbPath)).toBe(true);
  });

  it('refuses bad input naming the field and the limit', async () => {
    await refusesBadInput(local);
  });
});

describe('flowdeck variable, against a server with an API key', () => {
  const KEY = 'variables-cli-key';
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ apiKey: KEY });
  });
  afterEach(async () => {
    await server.close();
    expect(server.unexpected).toEqual([]);
  });

  const remote = (...argv: string[]) => cliWithEnv(temp.home, { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY }, ...argv);

  it('works on the server as locally, and the local database is never made', async () => {
    await setGetListUnset(remote);
    expect((await server.store.listVariables()).map((v) => v.name)).toEqual(['db.port', 'settings']);
    expect(existsSync(temp.dbPath)).toBe(false);
  });

  it('answers as the local commands do over the same database', async () => {
    await remote('variable', 'set', 'shared', '[1, 2]', '--tag', 't');
    const there = await remote('variable', 'inspect', 'shared');
    const here = await cli(dirname(server.dbPath), 'variable', 'inspect', 'shared');
    expect(there).toEqual(here);
  });

  it('refuses bad input naming the field and the limit', async () => {
    await refusesBadInput(remote);
  });

  it('says the key is missing or wrong, exiting 3', async () => {
    const noKey = await cliWithEnv(temp.home, { FLOWDECK_API_URL: server.api }, 'variable', 'ls');
    expect(noKey.code).toBe(3);
    expect(noKey.err).toContain('requires an API key and none is set');
    const wrong = await cliWithEnv(temp.home, { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: 'wrong' }, 'variable', 'set', 'a', '1');
    expect(wrong.code).toBe(3);
    expect(await server.store.listVariables()).toEqual([]);
  });
});
