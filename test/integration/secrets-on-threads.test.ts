// A task on a worker thread loads a secret and a block, reads a variable and makes artifacts, in a
// flow run by the real `flowdeck run`, locally and against a real server with a key. The thread
// asks the flow's process for each, so the secrets it loaded are masked in the run's logs,
// results and artifacts as if the main thread had loaded them: no artifact answer of the API, no
// line the CLI printed and no byte of the database holds a secret value.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptionKeySource } from '../../app/server/index.js';
import { fixtureFlow, lastJsonLine, runCli, showOutput, useCliHome } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { call, startTestServer, type TestServer } from '../server/http/support.js';

const TOKEN = 'tk-thread-5ecret-token';
const PASSWORD = 'pw-thread-5ecret-pass';
const SECRETS = [TOKEN, PASSWORD];
const home = useCliHome();

interface Artifact {
  key: string | null;
  type: string;
  data: unknown;
  description: string | null;
  taskRunId: string | null;
}

function databaseBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text, where).not.toContain(secret);
}

function expectNoSecretInDatabase(dbPath: string): void {
  const bytes = databaseBytes(dbPath);
  for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
}

async function setUp(env: Record<string, string>): Promise<void> {
  const options = { home: home.home, env };
  const set = await runCli(['secret', 'set', 'api-token'], { ...options, input: TOKEN });
  expect(set.code, showOutput(set)).toBe(0);
  const data = JSON.stringify({ url: 'postgres://ada@db/app', password: PASSWORD });
  const made = await runCli(['block', 'create', 'sql-connection/warehouse', '--data', data], options);
  expect(made.code, showOutput(made)).toBe(0);
  const variable = await runCli(['variable', 'set', 'greeting', '"hello from the store"'], options);
  expect(variable.code, showOutput(variable)).toBe(0);
}

async function runFlow(env: Record<string, string>): Promise<string> {
  const result = await runCli(['run', fixtureFlow('secrets-on-threads'), '--json'], { home: home.home, env });
  expect(result.code, showOutput(result)).toBe(0);
  expectNoSecret(result.stdout, 'stdout of flowdeck run');
  expectNoSecret(result.stderr, 'stderr of flowdeck run');
  const outcome = lastJsonLine<{ flowRunId: string; result: Record<string, unknown> }>(result.stdout);
  // The task had the real values on its thread: the mask is only in what was recorded and shown.
  expect(outcome.result).toEqual({
    onThread: true,
    greeting: 'hello from the store',
    token: '********',
    password: '********',
    tokenLength: TOKEN.length,
  });
  expect(result.stderr).toMatch(/thread \d+ uses token \*{8} and password \*{8}/);
  return outcome.flowRunId;
}

/** `flowdeck block inspect` names the run that last loaded the block, in its table and its JSON. */
async function expectLoadedBy(flowRunId: string, env: Record<string, string>): Promise<void> {
  for (const block of ['secret/api-token', 'sql-connection/warehouse']) {
    const shown = await runCli(['block', 'inspect', block], { home: home.home, env });
    expect(shown.code, showOutput(shown)).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`last loaded\\s+.+ by flow run ${flowRunId}`));
    const json = await runCli(['block', 'inspect', block, '--json'], { home: home.home, env });
    expect(JSON.parse(json.stdout)).toMatchObject({ lastLoadedBy: flowRunId, lastLoadedAt: expect.any(Number) });
    expectNoSecret(shown.stdout + json.stdout, `block inspect ${block}`);
  }
}

/** The artifacts of the run, each of them masked, the thread's ones recorded against its task run. */
function expectMaskedArtifacts(artifacts: readonly Artifact[]): void {
  const byKey = new Map(artifacts.map((artifact) => [artifact.key, artifact]));
  expect([...byKey.keys()].sort()).toEqual(['main-report', 'thread-link', 'thread-progress', 'thread-report', 'thread-table']);
  expect(byKey.get('thread-report')).toMatchObject({ data: '# north\n\nToken: ********', description: 'made with ********' });
  expect(byKey.get('thread-table')?.data).toEqual([{ region: 'north', token: '********', password: '********' }]);
  expect(byKey.get('thread-link')?.data).toEqual({ link: 'https://example.com/?token=********', linkText: 'open ********' });
  expect(byKey.get('thread-progress')?.data).toBe(100);
  expect(byKey.get('main-report')).toMatchObject({ data: 'main thread saw ********', taskRunId: null });
  for (const key of ['thread-report', 'thread-table', 'thread-link', 'thread-progress'])
    expect(byKey.get(key)?.taskRunId).toEqual(expect.any(String));
}

describe('a task on a worker thread that loads secrets and makes artifacts', () => {
  it('works on the local database, with every secret masked in what the run recorded', async () => {
    await setUp({});
    const flowRunId = await runFlow({});
    const listed = await runCli(['artifact', 'ls', '--flow-run', flowRunId, '--json'], { home: home.home });
    expect(listed.code, showOutput(listed)).toBe(0);
    expectNoSecret(listed.stdout, 'artifact ls');
    expectMaskedArtifacts(JSON.parse(listed.stdout) as Artifact[]);
    const logs = await runCli(['flow-run', 'logs', flowRunId], { home: home.home });
    expect(logs.stdout).toMatch(/thread \d+ uses token \*{8} and password \*{8}/);
    expectNoSecret(logs.stdout, 'flow-run logs');
    await expectLoadedBy(flowRunId, {});
    expectNoSecretInDatabase(home.dbPath);
  });

  describe('against a server with a key', () => {
    const KEY = 'threads-key';
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

    it("loads the server's blocks for the thread and masks them in every artifact answer", async () => {
      const env = { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY };
      await setUp(env);
      const flowRunId = await runFlow(env);
      const headers = { authorization: `Bearer ${KEY}` };
      const get = async (path: string) => {
        const answer = await call(`${server.api}${path}`, { headers });
        expect(answer.status, path).toBe(200);
        expectNoSecret(answer.text, path);
        return answer;
      };
      const page = (await get(`/artifacts?flowRunId=${flowRunId}`)).json as { items: Artifact[] };
      expectMaskedArtifacts(page.items);
      await get('/artifacts');
      await get('/artifacts/latest');
      for (const key of ['thread-report', 'thread-table', 'thread-link', 'main-report']) await get(`/artifacts/keys/${key}`);
      for (const artifact of page.items as (Artifact & { id: string })[]) await get(`/artifacts/${artifact.id}`);
      const logs = (await get(`/flow-runs/${flowRunId}/logs`)).json as { message: string }[];
      expect(logs.map((line) => line.message)).toEqual(expect.arrayContaining([expect.stringMatching(/uses token \*{8} and password \*{8}/)]));
      await expectLoadedBy(flowRunId, env);
      await server.store.flush();
      expectNoSecretInDatabase(server.dbPath);
      expect(existsSync(home.dbPath)).toBe(false);
    });
  });
});
