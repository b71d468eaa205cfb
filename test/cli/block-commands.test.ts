// The block and secret commands as a person runs them (the real CLI in a child process): against
// the local database in FLOWDECK_HOME, and against a real server on loopback that requires a key.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptionKeySource } from '../../app/server/index.js';
import { runCli, showOutput, useCliHome, type CliResult } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';

const PASSWORD = 'pa55-w0rd-never-shown';
const SECRET = 'tok-9f8e7d6c5b4a';
const home = useCliHome();

function expectOk(result: CliResult): CliResult {
  expect(result.code, showOutput(result)).toBe(0);
  return result;
}

/** The database file and its write-ahead log, as bytes. */
function databaseBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

function commandsFor(env: () => Record<string, string>) {
  return (args: string[], input?: string) => runCli(args, { home: home.home, env: env(), input });
}

function blockScenario(flowdeck: ReturnType<typeof commandsFor>) {
  return async () => {
    const types = JSON.parse(expectOk(await flowdeck(['block', 'type', 'ls', '--json'])).stdout);
    expect(types.map((type: { slug: string }) => type.slug)).toContain('smtp-email');
    expect(expectOk(await flowdeck(['block', 'type', 'ls'])).stdout).toMatch(/sql-connection\s+url, password\*/);

    const made = await flowdeck([
      'block',
      'create',
      'sql-connection/warehouse',
      '--data',
      JSON.stringify({ url: 'postgres://ada@db/app', password: PASSWORD }),
    ]);
    expect(expectOk(made).stdout).toContain('Created block sql-connection/warehouse (secret fields encrypted: password)');
    expectOk(await flowdeck(['block', 'create', 'http-auth/api', '--data', '-'], JSON.stringify({ scheme: 'bearer', token: SECRET })));
    expectOk(await flowdeck(['secret', 'set', 'db-password'], `${SECRET}\n`));

    const listed = expectOk(await flowdeck(['block', 'ls']));
    expect(listed.stdout).toMatch(/http-auth\/api\s+token/);
    expect(listed.stdout).toMatch(/secret\/db-password\s+value/);
    const json = JSON.parse(expectOk(await flowdeck(['block', 'ls', '--type', 'sql-connection', '--json'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0].data).toEqual({ url: 'postgres://ada@db/app', password: '********' });
    const inspected = expectOk(await flowdeck(['block', 'inspect', 'sql-connection/warehouse']));
    expect(inspected.stdout).toMatch(/password\s+\*{8}/);
    const inspectedJson = JSON.parse(expectOk(await flowdeck(['block', 'inspect', 'secret/db-password', '--json'])).stdout);
    expect(inspectedJson).toMatchObject({ type: 'secret', name: 'db-password', data: { value: '********' }, secretFieldsSet: ['value'] });

    // An update that leaves the password masked keeps it; secret set on an existing secret replaces it.
    const updated = await flowdeck([
      'block',
      'update',
      'sql-connection/warehouse',
      '--data',
      JSON.stringify({ url: 'postgres://ada@db2/app', password: '********' }),
    ]);
    expect(expectOk(updated).stdout).toContain('Updated block sql-connection/warehouse.');
    expect(expectOk(await flowdeck(['secret', 'set', 'db-password'], 'another')).stdout).toContain('Updated secret db-password.');

    // Bad input exits 2 with a message naming what is wrong.
    const unknownType = await flowdeck(['block', 'create', 'ftp/x', '--data', '{}']);
    expect(unknownType.code).toBe(2);
    expect(unknownType.stderr).toMatch(/no block type 'ftp'; the types are secret, json/);
    const badField = await flowdeck([
      'block',
      'create',
      'smtp-email/mail',
      '--data',
      JSON.stringify({ host: 'smtp', port: 'x', from: 'a@b.co', to: ['c@d.co'] }),
    ]);
    expect(badField.code).toBe(2);
    expect(badField.stderr).toMatch(/data\.port: /);
    const noData = await flowdeck(['block', 'create', 'secret/x']);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/--data JSON, or --data -/);
    const onCommandLine = await flowdeck(['secret', 'set', 'api-key', 'plain-value']);
    expect(onCommandLine.code).toBe(2);
    expect(onCommandLine.stderr).toMatch(/reads the value from stdin, not the command line/);
    const withValue = await flowdeck(['secret', 'set', 'api-key', '--value', 'plain-value']);
    expect(expectOk(withValue).stderr).toMatch(/warning: a value given with --value may be kept in shell history/);
    const taken = await flowdeck(['block', 'create', 'secret/api-key', '--data', '{"value":"v"}']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('a block secret/api-key exists already');

    expect(expectOk(await flowdeck(['block', 'delete', 'http-auth/api'])).stdout).toContain('Deleted block http-auth/api.');
    const gone = await flowdeck(['block', 'inspect', 'http-auth/api']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no block http-auth/api');

    return { outputs: [made, listed, inspected, updated, withValue] };
  };
}

describe('block commands on the local database', () => {
  it('create, list, inspect masked, update, set secrets and delete; the database never holds a secret', async () => {
    const flowdeck = commandsFor(() => ({}));
    const { outputs } = await blockScenario(flowdeck)();
    for (const output of outputs) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
    const bytes = databaseBytes(home.dbPath);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    expect(bytes.includes(Buffer.from('postgres://ada@db2/app'))).toBe(true);
    // The key was made beside the database, readable by its owner only.
    expect(statSync(join(home.home, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('refuse a malformed FLOWDECK_SERVER_ENCRYPTION_KEY at once', async () => {
    const result = await runCli(['block', 'ls'], { home: home.home, env: { FLOWDECK_SERVER_ENCRYPTION_KEY: 'not-a-key' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/FLOWDECK_SERVER_ENCRYPTION_KEY in the environment must be 32 bytes written as 64 hex characters/);
  });
});

describe('block commands against a server with an API key', () => {
  const KEY = 'blocks-cli-key';
  let server: TestServer;
  let serverHome: ReturnType<typeof makeTempHome>;
  beforeEach(async () => {
    serverHome = makeTempHome();
    server = await startTestServer({ apiKey: KEY, encryptionKey: new EncryptionKeySource({ setting: null, home: serverHome.home }) });
  });
  afterEach(async () => {
    await server.close();
    expect(server.unexpected).toEqual([]);
    serverHome.cleanup();
  });

  it('work as they do locally, keeping everything on the server', async () => {
    const flowdeck = commandsFor(() => ({ FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY }));
    const { outputs } = await blockScenario(flowdeck)();
    for (const output of outputs) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
    // Nothing local: no database, no key in the CLI's home; the server's key file was made.
    expect(existsSync(home.dbPath)).toBe(false);
    expect(existsSync(join(home.home, 'encryption.key'))).toBe(false);
    expect(existsSync(join(serverHome.home, 'encryption.key'))).toBe(true);
    await server.store.flush();
    expect(databaseBytes(server.dbPath).includes(Buffer.from(PASSWORD))).toBe(false);

    const refused = await runCli(['block', 'ls'], { home: home.home, env: { FLOWDECK_API_URL: server.api } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/401|key/i);
  });
});
