// `flowdeck flow-run retry` of a deployment's run against a real server that requires an API key,
// and locally over the same database: the run goes back to its pool, AwaitingRetry, for a worker;
// --watch follows it to its end; a run not finished, a deleted deployment and a paused pool are
// said the same both ways. The worker's side (claim, Running, the end) is played on the store.
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type FlowRun, type ProposedState } from '../../app/core/index.js';
import { lastJsonLine, waitUntil } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { startTestServer, type TestServer } from '../server/http/support.js';
import { cli, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const KEY = 'retry-test-key';
let server: TestServer;
let remoteHome: ReturnType<typeof makeTempHome>;
let deploymentId: string;

beforeEach(async () => {
  server = await startTestServer({ apiKey: KEY });
  remoteHome = makeTempHome();
  await server.store.createWorkPool({ name: 'local', type: 'process' });
  const [deployment] = await server.store.deploy([{ name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'local' }]);
  deploymentId = deployment.id;
});
afterEach(async () => {
  await server.close();
  expect(server.unexpected).toEqual([]);
  remoteHome.cleanup();
});

function remote(...argv: string[]): Promise<CliResult> {
  return cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: server.api, FLOWDECK_API_KEY: KEY }, ...argv);
}

function local(...argv: string[]): Promise<CliResult> {
  return cli(dirname(server.dbPath), ...argv);
}

/** What a run's own name and id make different between two runs' outputs. */
function withoutRun(text: string, run: FlowRun): string {
  return text.replaceAll(run.id, 'ID').replaceAll(run.name, 'NAME');
}

async function propose(runId: string, state: ProposedState, owner = false): Promise<void> {
  const result = await server.store.setStateNow({
    kind: 'flow',
    runId,
    transitionId: newId(),
    state,
    ...(owner ? { owner: { pid: process.pid, hostname: hostname() } } : {}),
  });
  expect(result.status, result.reason).toBe('ACCEPT');
}

/** Claims every due run of the pool and plays each one's process: Running, then the state given. */
async function workerRuns(end: ProposedState): Promise<string[]> {
  const claimed = await server.store.claimRuns({ pool: 'local' }, { worker: 'w1', queues: [], limit: 10 });
  for (const { flowRun } of claimed) {
    await propose(flowRun.id, { type: 'RUNNING', name: 'Running' }, true);
    await propose(flowRun.id, end);
  }
  return claimed.map((c) => c.flowRun.id);
}

/** A run of the deployment that a worker ran and that ended as given. */
async function endedRun(end: ProposedState = { type: 'FAILED', name: 'Failed', message: 'boom' }): Promise<FlowRun> {
  const run = await server.store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: Date.now() - 1_000 });
  expect(await workerRuns(end)).toEqual([run.id]);
  return (await server.store.getFlowRun(run.id))!;
}

describe("flow-run retry of a deployment's run", () => {
  it('hands the run back to its pool for a worker, saying so the same over the API as locally', async () => {
    const here = await endedRun();
    const there = await endedRun({ type: 'CRASHED', name: 'Crashed' });
    const locally = await local('flow-run', 'retry', here.id);
    const remotely = await remote('flow-run', 'retry', there.id);
    expect(remotely.code, remotely.err).toBe(0);
    expect(withoutRun(remotely.out, there)).toBe(withoutRun(locally.out, here));
    expect(remotely.out).toBe(
      `Flow run ${there.name} (${there.id}) of etl/nightly: AwaitingRetry, waiting for a worker of work pool local to run its attempt 2, ` +
        'reusing the completed tasks of earlier attempts.\n',
    );
    for (const id of [here.id, there.id]) {
      expect(await server.store.getFlowRun(id)).toMatchObject({
        state: { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the command line, reusing completed tasks' },
        workPool: 'local',
        workQueue: 'default',
        deploymentId,
      });
    }
    // Both wait for a worker of the pool, which takes them.
    expect(new Set(await workerRuns({ type: 'COMPLETED', name: 'Completed' }))).toEqual(new Set([here.id, there.id]));

    const json = await endedRun();
    const printed = await remote('flow-run', 'retry', json.id, '--all', '--json');
    expect(printed.code, printed.err).toBe(0);
    expect(lastJsonLine<FlowRun>(printed.out)).toMatchObject({
      id: json.id,
      state: { name: 'AwaitingRetry', message: 'retried from the command line, running every task again' },
      workPool: 'local',
    });
  });

  it('with --watch follows the run on its worker to its end: exit 0 on Completed, 1 otherwise', async () => {
    for (const [end, code] of [
      [{ type: 'COMPLETED', name: 'Completed' }, 0],
      [{ type: 'FAILED', name: 'Failed', message: 'still broken' }, 1],
    ] as const) {
      const run = await endedRun();
      const watching = remote('flow-run', 'retry', run.id, '--watch', '--json');
      // The worker's part, once the retry has put the run back in the pool.
      await waitUntil(async () => (await server.store.getFlowRun(run.id))!.state.name === 'AwaitingRetry', { what: 'the run to await its retry' });
      expect(await workerRuns(end)).toEqual([run.id]);
      const watched = await watching;
      expect(watched.code, watched.err).toBe(code);
      expect(lastJsonLine(watched.out)).toMatchObject({ flowRunId: run.id, state: { type: end.type, name: end.name } });
    }
  });

  it('refuses a run that has not finished and one whose deployment was deleted, the same both ways, and warns of a paused pool', async () => {
    const waiting = await server.store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: Date.now() + 3_600_000 });
    const notFinished = await remote('flow-run', 'retry', waiting.id);
    expect(notFinished.code).toBe(2);
    expect(notFinished.err).toContain(`flow run '${waiting.name}' is Scheduled`);
    expect(await local('flow-run', 'retry', waiting.id)).toEqual(notFinished);

    const orphan = await endedRun();
    const paused = await endedRun();
    await server.store.updateWorkPool('local', { paused: true });
    const warned = await remote('flow-run', 'retry', paused.id);
    expect(warned.code, warned.err).toBe(0);
    expect(warned.err).toBe('warning: work pool local is paused: the run waits until it is resumed\n');
    expect(warned.out).toContain('AwaitingRetry, waiting for a worker of work pool local');

    const moved = await remote('flow-run', 'retry', orphan.id, '--file', 'elsewhere.ts');
    expect(moved.code).toBe(2);
    expect(moved.err).toContain('runs from the code it was deployed with; --file does not apply to it');

    expect(await server.store.deleteDeployment(deploymentId)).toBe(true);
    const gone = await remote('flow-run', 'retry', orphan.id);
    expect(gone.code).toBe(2);
    expect(gone.err).toContain(`flow run '${orphan.name}' is a run of deployment etl/nightly, which was deleted`);
    expect(await local('flow-run', 'retry', orphan.id)).toEqual(gone);
    expect((await server.store.getFlowRun(orphan.id))!.state.name).toBe('Failed');
  });
});
