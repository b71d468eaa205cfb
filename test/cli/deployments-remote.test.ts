// The deploy, deployment, work pool, queue and worker commands against a real Flowdeck server on a
// loopback port that requires an API key: each prints what it prints over the same database
// locally, and changes the server's records as it would change local ones.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentRead, DeploymentSummary } from '../../app/core/api/index.js';
import type { FlowRun } from '../../app/core/index.js';
import { lastJsonLine } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import { expectExit, flowdeckIn, useDeployProject } from './deploy-support.js';
import { cli, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const KEY = 'deploy-test-key';
const ctx = useDeployProject();
let server: TestServer;
let bundles: string;
let remoteHome: ReturnType<typeof makeTempHome>;

beforeEach(async () => {
  bundles = mkdtempSync(join(tmpdir(), 'flowdeck-bundles-'));
  server = await startTestServer({ apiKey: KEY, bundleFolder: bundles });
  remoteHome = makeTempHome();
});
afterEach(async () => {
  await server.close();
  expect(server.unexpected).toEqual([]);
  // Everything went through the server: the CLI's own home never got a database.
  expect(existsSync(remoteHome.dbPath)).toBe(false);
  remoteHome.cleanup();
  rmSync(bundles, { recursive: true, force: true });
});

const serverEnv = () => ({ FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY });

/** The command in this process against the server, as `flowdeck` with FLOWDECK_API_URL and the key. */
function remote(...argv: string[]): Promise<CliResult> {
  return cliWithEnv(remoteHome.home, serverEnv(), ...argv);
}

/** The command against the server's database file, in this process, as `flowdeck` without a server. */
function local(...argv: string[]): Promise<CliResult> {
  return cli(dirname(server.dbPath), ...argv);
}

/** Runs a command both ways and expects the same exit code, output and errors. */
async function same(...argv: string[]): Promise<CliResult> {
  const here = await local(...argv);
  const there = await remote(...argv);
  expect(there, argv.join(' ')).toEqual(here);
  return there;
}

/** `flowdeck deploy` (which loads flow files) in a child process, against the server. */
function deployRemotely(...args: string[]) {
  return flowdeckIn(remoteHome.home, ctx.project, ['deploy', ...args], serverEnv());
}

describe('against a server', () => {
  it('deploys over the API, uploading the code bundle, and lists and inspects as locally', async () => {
    // Paused, so the server's scheduler makes no runs that could come due between two reads.
    const yamlPath = join(ctx.project, 'flowdeck.yaml');
    writeFileSync(yamlPath, readFileSync(yamlPath, 'utf8').replaceAll(/^( {4}entrypoint: .*)$/gm, '$1\n    paused: true'));
    expect((await remote('work-pool', 'create', 'local')).code).toBe(0);
    const deployed = lastJsonLine<DeploymentSummary[]>(expectExit(await deployRemotely('--all', '--json'), 0).stdout);
    expect(deployed.map((d) => [d.fullName, d.paused])).toEqual([
      ['etl/nightly', true],
      ['etl/adhoc', true],
    ]);
    expect(existsSync(join(bundles, `${deployed[0].bundle}.json`))).toBe(true);

    const listed = await same('deployment', 'ls', '--json');
    expect((JSON.parse(listed.out) as DeploymentSummary[]).map((d) => d.fullName)).toEqual(['etl/adhoc', 'etl/nightly']);
    await same('deployment', 'ls');
    const inspected = await same('deployment', 'inspect', 'etl/nightly', '--json');
    expect((JSON.parse(inspected.out) as DeploymentRead).schedules.map((s) => s.description)).toEqual([
      'at 03:00 every day (Asia/Shanghai)',
      'every hour',
    ]);
    await same('deployment', 'inspect', 'etl/nightly');
    await same('deployment', 'inspect', 'etl/nightyl');
    await same('work-pool', 'ls', '--json');
    await same('work-pool', 'inspect', 'local');
    await same('work-queue', 'ls', '--pool', 'local', '--json');
    await same('worker', 'ls', '--pool', 'local');
  });

  it('deploys one flow file with --name, and redeploys it in place', async () => {
    expect((await remote('work-pool', 'create', 'local')).code).toBe(0);
    const [first] = lastJsonLine<DeploymentSummary[]>(
      expectExit(await deployRemotely('flows/etl.ts', '--name', 'quick', '--pool', 'local', '--param', 'limit=2', '--json'), 0).stdout,
    );
    const [second] = lastJsonLine<DeploymentSummary[]>(
      expectExit(await deployRemotely('flows/etl.ts', '--name', 'quick', '--pool', 'local', '--param', 'limit=3', '--json'), 0).stdout,
    );
    expect(second.id).toBe(first.id);
    expect((await server.store.findDeployment('etl', 'quick'))?.parameters).toEqual({ limit: 3 });
    const refused = expectExit(await deployRemotely('flows/etl.ts', '--name', 'quick', '--pool', 'elsewhere'), 2);
    expect(refused.stderr).toContain("no work pool named 'elsewhere'");
  });

  it('runs a deployment on demand, pauses, resumes and deletes it, and refuses bad parameters as locally', async () => {
    expect((await remote('work-pool', 'create', 'local')).code).toBe(0);
    expectExit(await deployRemotely('adhoc'), 0);
    const run = JSON.parse((await remote('deployment', 'run', 'etl/adhoc', '--param', 'limit=4', '--json')).out) as FlowRun;
    expect(run).toMatchObject({ parameters: { limit: 4 }, state: { type: 'SCHEDULED' }, workPool: 'local', deploymentName: 'etl/adhoc' });
    expect((await server.store.getFlowRun(run.id))?.parameters).toEqual({ limit: 4 });

    const bad = await same('deployment', 'run', 'etl/adhoc', '--param', 'limit=0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('parameter limit');

    expect((await remote('deployment', 'pause', 'etl/adhoc')).code).toBe(0);
    expect((await server.store.findDeployment('etl', 'adhoc'))?.paused).toBe(true);
    expect((await remote('deployment', 'resume', 'etl/adhoc')).code).toBe(0);
    expect((await server.store.findDeployment('etl', 'adhoc'))?.paused).toBe(false);
    expect((await remote('deployment', 'delete', 'etl/adhoc')).code).toBe(0);
    expect(await server.store.findDeployment('etl', 'adhoc')).toBeNull();
  });

  it('creates and changes pools and queues over the API, with the refusals said as locally', async () => {
    const created = await remote('work-pool', 'create', 'local', '--limit', '2', '--env', 'A=1', '--json');
    expect(created.code, created.err).toBe(0);
    expect((await server.store.getWorkPool('local'))?.jobTemplate.env).toEqual({ A: '1' });
    expect((await remote('work-queue', 'create', 'urgent', '--pool', 'local', '--priority', '1')).code).toBe(0);
    expect((await server.store.getWorkQueue('local', 'urgent'))?.priority).toBe(1);
    expect((await remote('work-pool', 'pause', 'local')).code).toBe(0);
    expect((await server.store.getWorkPool('local'))?.paused).toBe(true);

    await same('work-pool', 'create', 'boxes', '--type', 'docker');
    await same('work-pool', 'create', 'local');
    await same('work-queue', 'delete', 'default', '--pool', 'local');
    await same('work-queue', 'inspect', 'urgnet', '--pool', 'local');
    await same('work-pool', 'inspect', 'locl');

    expect((await remote('work-queue', 'delete', 'urgent', '--pool', 'local')).code).toBe(0);
    expect((await remote('work-pool', 'delete', 'local')).code).toBe(0);
    expect(await server.store.getWorkPool('local')).toBeNull();
  });

  it('says so when the key is missing', async () => {
    const result = await cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: server.api }, 'deployment', 'ls');
    expect(result.code).toBe(3);
    expect(result.err).toContain('requires an API key and none is set');
  });
});
