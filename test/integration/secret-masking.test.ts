// A flow that loads a secret and a block and lets their values into every place a run records or
// prints something, run as a person runs it (the real CLI) locally and against a real server with
// a key: no answer of the API about that run, no line the CLI printed, and no byte of the
// database holds a secret value; each place shows the mask instead.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptionKeySource } from '../../app/server/index.js';
import { fixtureFlow, lastJsonLine, runCli, showOutput, useCliHome } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { call, startTestServer, type TestServer } from '../server/http/support.js';

const TOKEN = 'tk-5ecret-0f-the-api';
const PASSWORD = 'pw-5ecret-0f-the-db';
const SECRETS = [TOKEN, PASSWORD];
const home = useCliHome();

function databaseBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text, where).not.toContain(secret);
}

async function setUp(env: Record<string, string>): Promise<void> {
  const options = { home: home.home, env };
  const set = await runCli(['secret', 'set', 'api-token'], { ...options, input: TOKEN });
  expect(set.code, showOutput(set)).toBe(0);
  const data = JSON.stringify({ url: 'postgres://ada@db/app', password: PASSWORD });
  const made = await runCli(['block', 'create', 'sql-connection/warehouse', '--data', data], options);
  expect(made.code, showOutput(made)).toBe(0);
}

async function runFlow(env: Record<string, string>) {
  const result = await runCli(['run', fixtureFlow('uses-secrets'), '--json'], { home: home.home, env });
  expect(result.code, showOutput(result)).toBe(0);
  expectNoSecret(result.stdout, 'stdout of flowdeck run');
  expectNoSecret(result.stderr, 'stderr of flowdeck run');
  const outcome = lastJsonLine<{ flowRunId: string; result: { token: string; length: number; connected: { password: string } } }>(result.stdout);
  // The flow had the real values: the mask is only in what was recorded and shown.
  expect(outcome.result).toMatchObject({ token: '********', length: TOKEN.length, connected: { password: '********' } });
  expect(result.stderr).toContain('token is ********');
  expect(result.stderr).toContain('printed token ******** and secret object ********');
  return outcome.flowRunId;
}

/** Every read of the run the API has, as text: the run, its states, its task runs and theirs, its logs. */
async function everyAnswer(api: string, flowRunId: string, headers: Record<string, string>): Promise<string[]> {
  const get = async (path: string) => {
    const answer = await call(`${api}${path}`, { headers });
    expect(answer.status, path).toBe(200);
    return answer;
  };
  const answers = [
    await get(`/flow-runs/${flowRunId}`),
    await get(`/flow-runs/${flowRunId}/states`),
    await get(`/flow-runs/${flowRunId}/task-run-states`),
    await get(`/flow-runs/${flowRunId}/logs`),
    await get(`/flow-runs?limit=10`),
    await get(`/flow-runs/${flowRunId}/recorded-runs`),
  ];
  const taskRuns = await get(`/flow-runs/${flowRunId}/task-runs`);
  answers.push(taskRuns);
  for (const taskRun of taskRuns.json as { id: string }[]) {
    answers.push(await get(`/task-runs/${taskRun.id}`), await get(`/task-runs/${taskRun.id}/states`));
  }
  answers.push(await get('/blocks'), await get('/blocks/secret/api-token'), await get('/blocks/sql-connection/warehouse'));
  const logs = answers[3].json as { message: string }[];
  expect(logs.map((line) => line.message)).toEqual(
    expect.arrayContaining([
      'token is ********',
      'connecting to postgres://ada@db/app with password ********',
      'refused: the server refused token ********',
    ]),
  );
  return answers.map((answer) => answer.text);
}

describe('secrets loaded by a run', () => {
  it('are masked in everything a local run records and prints, and never in the database', async () => {
    await setUp({});
    const flowRunId = await runFlow({});
    const bytes = databaseBytes(home.dbPath);
    for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    const logs = await runCli(['flow-run', 'logs', flowRunId], { home: home.home });
    expect(logs.stdout).toContain('connecting to postgres://ada@db/app with password ********');
    expectNoSecret(logs.stdout, 'flow-run logs');
    const tasks = await runCli(['task-run', 'ls', '--flow-run', flowRunId, '--json'], { home: home.home });
    expectNoSecret(tasks.stdout, 'task-run ls');
  });

  describe('against a server with a key', () => {
    const KEY = 'masking-key';
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

    it('are masked in every answer of the API about the run, and the server never stores them in the clear', async () => {
      const env = { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY };
      await setUp(env);
      const flowRunId = await runFlow(env);
      for (const [index, text] of (await everyAnswer(server.api, flowRunId, { authorization: `Bearer ${KEY}` })).entries()) {
        expectNoSecret(text, `answer ${index}`);
      }
      await server.store.flush();
      const bytes = databaseBytes(server.dbPath);
      for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
      // The run has ended: its id no longer opens a secret.
      const late = await call(`${server.api}/blocks/secret/api-token/load`, {
        method: 'POST',
        body: { flowRunId },
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(late.status).toBe(409);
      expectNoSecret(late.text, 'load after the run ended');
    });
  });
});
