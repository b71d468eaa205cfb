// A flow that makes every kind of artifact, run by the real `flowdeck run`, locally and against a
// server that requires a key; then `artifact ls | inspect | delete` over what it recorded, which
// print the same either way.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Artifact } from '../../app/core/api/index.js';
import { fixtureFlow, lastJsonLine, runCli, showOutput } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import { cli, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const FLOW = fixtureFlow('artifacts');

function json<T>(result: CliResult): T {
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out) as T;
}

/** What the fixture flow records, whichever store it went to. */
async function expectFlowArtifacts(run: (...argv: string[]) => Promise<CliResult>, flowRunId: string): Promise<void> {
  const latest = json<Artifact[]>(await run('artifact', 'ls', '--json'));
  expect(latest.map((a) => [a.key, a.type])).toEqual([
    ['data-link', 'link'],
    ['daily-report', 'markdown'],
    ['column-table', 'table'],
    ['sales-table', 'table'],
    ['load-progress', 'progress'],
  ]);
  const byKey = new Map(latest.map((a) => [a.key, a]));
  expect(byKey.get('load-progress')).toMatchObject({ data: 100, description: 'Loading rows', flowRunId, taskRunId: null });
  expect(byKey.get('sales-table')).toMatchObject({
    data: [
      { region: 'north', sales: 5 },
      { region: 'south', sales: 10 },
    ],
    description: 'Sales by region',
  });
  // Made in a task: it belongs to the task run as well as the flow run.
  expect(byKey.get('sales-table')!.taskRunId).toEqual(expect.any(String));
  expect(byKey.get('column-table')!.data).toEqual({ name: ['a', 'b'], count: [1, 2] });
  expect(byKey.get('data-link')!.data).toEqual({ link: 'https://example.com/data.csv', linkText: 'the data' });
  expect(byKey.get('daily-report')!.data).toMatch(/^# Report\n\nLoaded \*\*15\*\* rows/);

  // The run's own listing has the keyless table too.
  const ofRun = json<Artifact[]>(await run('artifact', 'ls', '--flow-run', flowRunId, '--json'));
  expect(ofRun).toHaveLength(6);
  expect(ofRun.filter((a) => a.key === null).map((a) => a.data)).toEqual([
    [
      ['x', 1],
      ['y', 2],
    ],
  ]);
}

describe('artifacts of a local run', () => {
  let temp: ReturnType<typeof makeTempHome>;
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(() => temp.cleanup());

  it('are made by flowdeck run and listed, inspected and deleted by the artifact commands', async () => {
    const first = await runCli(['run', FLOW, '--json'], { home: temp.home });
    expect(first.code, showOutput(first)).toBe(0);
    const { flowRunId } = lastJsonLine(first.stdout);
    await expectFlowArtifacts((...argv) => cli(temp.home, ...argv), flowRunId);

    const second = await runCli(['run', FLOW, '--param', 'rows=7', '--json'], { home: temp.home });
    expect(second.code, showOutput(second)).toBe(0);
    const history = json<{ key: string; versions: Artifact[] }>(await cli(temp.home, 'artifact', 'inspect', 'daily-report', '--json'));
    expect(history.key).toBe('daily-report');
    expect(history.versions.map((a) => a.flowRunId)).toEqual([lastJsonLine(second.stdout).flowRunId, flowRunId]);
    expect(history.versions[0].data).toMatch(/Loaded \*\*21\*\* rows/);

    const text = await cli(temp.home, 'artifact', 'inspect', 'sales-table');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Artifact sales-table');
    expect(text.out).toMatch(/region\s+sales\n\s+north\s+7\n\s+south\s+14/);
    expect(text.out).toContain('History (2 versions, newest first)');

    const byId = json<Artifact>(await cli(temp.home, 'artifact', 'inspect', history.versions[1].id, '--json'));
    expect(byId).toEqual(history.versions[1]);
    const listed = await cli(temp.home, 'artifact', 'ls');
    expect(listed.out).toMatch(/^KEY\s+TYPE\s+ID\s+FLOW RUN\s+UPDATED\s+PREVIEW/);
    expect(listed.out).toMatch(/load-progress\s+progress\s+\S+\s+\S+\s+.*100%/);
    expect(json<Artifact[]>(await cli(temp.home, 'artifact', 'ls', '--all', '--json'))).toHaveLength(12);
    expect(json<Artifact[]>(await cli(temp.home, 'artifact', 'ls', '--key', 'daily-report', '--all', '--json'))).toHaveLength(2);
    expect(json<Artifact[]>(await cli(temp.home, 'artifact', 'ls', '--type', 'table', '--json')).map((a) => a.key)).toEqual([
      'column-table',
      'sales-table',
    ]);

    expect((await cli(temp.home, 'artifact', 'delete', history.versions[1].id)).code).toBe(0);
    const removed = await cli(temp.home, 'artifact', 'delete', 'sales-table');
    expect(removed.out).toContain("Deleted 2 versions of artifact 'sales-table'.");
    const gone = await cli(temp.home, 'artifact', 'inspect', 'sales-table');
    expect(gone.code).toBe(2);
    expect(gone.err).toContain("no artifact with key or id 'sales-table'");
    expect(json<{ versions: Artifact[] }>(await cli(temp.home, 'artifact', 'inspect', 'daily-report', '--json')).versions).toHaveLength(1);
  });

  it('refuse bad options naming them, and a bad key in a flow fails its run with a clear error', async () => {
    const badKey = await cli(temp.home, 'artifact', 'ls', '--key', 'Not A Key');
    expect(badKey.code).toBe(2);
    expect(badKey.err).toContain("--key must be lowercase letters, digits and dashes only, got 'Not A Key'");
    const badType = await cli(temp.home, 'artifact', 'ls', '--type', 'chart');
    expect(badType.code).toBe(2);
    expect(badType.err).toContain("--type must be one of markdown, table, link, progress, got 'chart'");
    const empty = await cli(temp.home, 'artifact', 'ls');
    expect(empty.out).toMatch(/^No artifacts\./);

    const failed = await runCli(['run', FLOW, '--param', 'badKey=true', '--json'], { home: temp.home });
    expect(failed.code, showOutput(failed)).toBe(1);
    expect(failed.stderr + failed.stdout).toContain(
      "createMarkdownArtifact(): the key must be lowercase letters, digits and dashes only, got 'Bad Key'",
    );
  });
});

describe('artifacts of a run against a server', () => {
  const KEY = 'artifact-cli-key';
  let server: TestServer;
  let remoteHome: ReturnType<typeof makeTempHome>;
  beforeEach(async () => {
    server = await startTestServer({ apiKey: KEY });
    remoteHome = makeTempHome();
  });
  afterEach(async () => {
    await server.close();
    expect(server.unexpected).toEqual([]);
    remoteHome.cleanup();
  });

  const serverEnv = () => ({ FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY });

  it('are recorded on the server, and the commands print the same there as over its database', async () => {
    const ran = await runCli(['run', FLOW, '--json'], { home: remoteHome.home, env: serverEnv() });
    expect(ran.code, showOutput(ran)).toBe(0);
    const { flowRunId } = lastJsonLine(ran.stdout);
    // Everything went through the server: the CLI's own home never got a database.
    expect(existsSync(remoteHome.dbPath)).toBe(false);
    const remote = (...argv: string[]) => cliWithEnv(remoteHome.home, serverEnv(), ...argv);
    await expectFlowArtifacts(remote, flowRunId);
    for (const argv of [
      ['artifact', 'ls', '--json'],
      ['artifact', 'ls', '--all', '--json'],
      ['artifact', 'inspect', 'daily-report', '--json'],
      ['artifact', 'inspect', 'load-progress'],
      ['artifact', 'inspect', 'nothing-here'],
    ]) {
      const there = await remote(...argv);
      const here = await cli(dirname(server.dbPath), ...argv);
      expect(there, argv.join(' ')).toEqual(here);
    }
    expect(existsSync(remoteHome.dbPath)).toBe(false);

    const wrongKey = await cliWithEnv(remoteHome.home, { ...serverEnv(), FLOWDECK_API_KEY: 'wrong' }, 'artifact', 'ls');
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.err).toMatch(/key/i);
  });
});
