// `flowdeck flow-run ls --pool P [--queue Q]` over one database: locally, and against a real server
// on a loopback port that requires an API key, printing the same.
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRunSummary } from '../../app/core/index.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { flowRunRequest, startTestServer, type TestServer } from '../server/http/support.js';
import { cli, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const KEY = 'pool-runs-key';
let server: TestServer;
let remoteHome: ReturnType<typeof makeTempHome>;
/** Run ids by what they are. */
let runs: { slow: string; fast: string; other: string; byHand: string };

beforeEach(async () => {
  server = await startTestServer({ apiKey: KEY });
  remoteHome = makeTempHome();
  const { store } = server;
  await store.createWorkPool({ name: 'main', type: 'process' });
  await store.createWorkQueue('main', { name: 'fast' });
  await store.createWorkPool({ name: 'other', type: 'process' });
  const [slow, fast, elsewhere] = await store.deploy([
    { name: 'slow', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main', workQueue: null },
    { name: 'fast', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main', workQueue: 'fast' },
    { name: 'elsewhere', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'other', workQueue: null },
  ]);
  // Due in an hour: nothing turns them Late between the two reads.
  const later = Date.now() + 3_600_000;
  const made = async (deploymentId: string) => (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: later })).id;
  const byHand = flowRunRequest({ flowName: 'etl' });
  await store.createFlowRun(byHand);
  runs = { slow: await made(slow.id), fast: await made(fast.id), other: await made(elsewhere.id), byHand: byHand.id };
});
afterEach(async () => {
  await server.close();
  expect(server.unexpected).toEqual([]);
  remoteHome.cleanup();
});

/** The command against the server's database file, in this process, as `flowdeck` without a server. */
function local(...argv: string[]): Promise<CliResult> {
  return cli(dirname(server.dbPath), ...argv);
}

/** The command against the server, with its key. */
function remote(...argv: string[]): Promise<CliResult> {
  return cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY }, ...argv);
}

/** Runs a command both ways and expects the same exit code, output and errors. */
async function same(...argv: string[]): Promise<CliResult> {
  const here = await local(...argv);
  const there = await remote(...argv);
  expect(there, argv.join(' ')).toEqual(here);
  return there;
}

const listed = (result: CliResult) => (JSON.parse(result.out) as FlowRunSummary[]).map((run) => run.id).sort();

describe('flow-run ls --pool', () => {
  it("lists a pool's runs, or one queue's, the same locally and against a server", async () => {
    const pool = await same('flow-run', 'ls', '--pool', 'main', '--json');
    expect(pool.code).toBe(0);
    expect(listed(pool)).toEqual([runs.slow, runs.fast].sort());
    expect((JSON.parse(pool.out) as FlowRunSummary[]).every((run) => run.workPool === 'main')).toBe(true);
    expect(listed(await same('flow-run', 'ls', '--pool', 'main', '--queue', 'fast', '--json'))).toEqual([runs.fast]);
    expect(listed(await same('flow-run', 'ls', '--pool', 'other', '--state', 'Scheduled', '--json'))).toEqual([runs.other]);
    expect(listed(await same('flow-run', 'ls', '--pool', 'main', '--state', 'RUNNING', '--json'))).toEqual([]);
    expect(listed(await same('flow-run', 'ls', '--json'))).toEqual(Object.values(runs).sort());

    const table = await same('flow-run', 'ls', '--pool', 'main', '--queue', 'fast');
    expect(table.code).toBe(0);
    expect(table.out).toContain('Scheduled');
    expect(table.out.trim().split('\n')).toHaveLength(2);
  });

  it('says no run matches for an unknown pool or queue', async () => {
    for (const argv of [
      ['--pool', 'nowhere'],
      ['--pool', 'main', '--queue', 'nowhere'],
    ]) {
      const answer = await same('flow-run', 'ls', ...argv);
      expect(answer).toEqual({ code: 0, out: 'No flow runs match these filters.\n', err: '' });
      expect(JSON.parse((await same('flow-run', 'ls', ...argv, '--json')).out)).toEqual([]);
    }
  });

  it('refuses a malformed name, and a queue without its pool, saying what is wrong', async () => {
    const badPool = await same('flow-run', 'ls', '--pool', 'a/b');
    expect(badPool.code).toBe(2);
    expect(badPool.err).toContain("--pool 'a/b' must start with a letter or digit");
    const badQueue = await same('flow-run', 'ls', '--pool', 'main', '--queue', ' fast');
    expect(badQueue.code).toBe(2);
    expect(badQueue.err).toContain("--queue ' fast' must start with a letter or digit");
    const alone = await same('flow-run', 'ls', '--queue', 'fast');
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--queue needs --pool');
  });
});
