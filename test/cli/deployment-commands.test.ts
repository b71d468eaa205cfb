// `flowdeck deployment ls | inspect | run | pause | resume | delete` over the local database, the
// deployments made by the real `flowdeck deploy` from the small deploy project.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentRead, DeploymentSummary } from '../../app/core/api/index.js';
import { newId, type FlowRun } from '../../app/core/index.js';
import { killStrayProcesses, lastJsonLine, spawnCli, waitUntil } from '../helpers/cli.js';
import { openTestStore } from '../helpers/store-factory.js';
import { expectExit, flowdeckIn, useDeployProject } from './deploy-support.js';
import { cli } from './harness.js';
import { tableRows } from './settings-support.js';

const ctx = useDeployProject();
afterEach(killStrayProcesses);

beforeEach(async () => {
  expect((await cli(ctx.home, 'work-pool', 'create', 'local')).code).toBe(0);
  expectExit(await flowdeckIn(ctx.home, ctx.project, ['deploy', '--all']), 0);
});

async function json<T>(...argv: string[]): Promise<T> {
  const result = await cli(ctx.home, ...argv);
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out.trim().split('\n').pop()!) as T;
}

function flowRun(id: string): Promise<FlowRun> {
  return json<FlowRun>('flow-run', 'inspect', id, '--json');
}

describe('deployment ls and inspect', () => {
  it('lists deployments with their schedules in words, pool and paused; --json gives the records', async () => {
    const result = await cli(ctx.home, 'deployment', 'ls');
    expect(result.code, result.err).toBe(0);
    const rows = tableRows(result.out);
    expect(rows[0]).toEqual(['DEPLOYMENT', 'SCHEDULES', 'POOL', 'PAUSED', 'NEXT RUN']);
    expect(rows[1]).toEqual(['etl/adhoc', '-', 'local', 'no', '-']);
    expect(rows[2].slice(0, 4)).toEqual(['etl/nightly', 'at 03:00 every day (Asia/Shanghai); every hour', 'local/default', 'no']);
    const listed = await json<DeploymentSummary[]>('deployment', 'ls', '--json');
    expect(listed.map((d) => d.fullName)).toEqual(['etl/adhoc', 'etl/nightly']);
  });

  it('inspects a deployment by FLOW/NAME, and suggests the name meant for a typo', async () => {
    const result = await cli(ctx.home, 'deployment', 'inspect', 'etl/nightly');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Deployment etl/nightly');
    expect(result.out).toMatch(/schedules +at 03:00 every day \(Asia\/Shanghai\)\n +every hour\n/);
    expect(result.out).toMatch(/parameters +\{"limit":100\}/);
    expect(result.out).toMatch(/concurrency +1 at once; more runs are cancelled \(CANCEL_NEW\)/);
    expect(result.out).toMatch(/retries +2 retries, 5s apart/);
    expect(result.out).toContain('Upcoming runs (');
    expect(result.out).toContain('Recent runs (0)');

    const read = await json<DeploymentRead>('deployment', 'inspect', 'etl/nightly', '--json');
    expect(read).toMatchObject({ fullName: 'etl/nightly', recent: [] });

    const typo = await cli(ctx.home, 'deployment', 'inspect', 'etl/nightyl');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("no deployment 'etl/nightyl'; did you mean 'etl/nightly'?");
    const unnamed = await cli(ctx.home, 'deployment', 'inspect', 'nightly');
    expect(unnamed.code).toBe(2);
    expect(unnamed.err).toContain("name a deployment as FLOW/NAME, such as etl/nightly, not 'nightly'");
  });
});

describe('deployment run', () => {
  it("makes a Scheduled run now with the given parameters over the deployment's", async () => {
    const result = await cli(ctx.home, 'deployment', 'run', 'etl/nightly', '--param', 'mode=full');
    expect(result.code, result.err).toBe(0);
    const id = /\(([0-9a-f-]{36})\)/.exec(result.out)?.[1];
    expect(result.out).toContain('of etl/nightly: Scheduled, for a worker of work pool local to start.');
    const run = await flowRun(id!);
    expect(run).toMatchObject({ flowName: 'etl', parameters: { limit: 100, mode: 'full' }, workPool: 'local', state: { type: 'SCHEDULED' } });
    const read = await json<DeploymentRead>('deployment', 'inspect', 'etl/nightly', '--json');
    expect(read.upcoming.map((r) => r.id)).toContain(id);

    const printed = await json<FlowRun>(
      'deployment',
      'run',
      'etl/adhoc',
      '--params-json',
      '{"limit": 5, "mode": "delta"}',
      '--param',
      'limit=6',
      '--json',
    );
    expect(printed.parameters).toEqual({ limit: 6, mode: 'delta' });
    expect((await flowRun(printed.id)).deploymentName).toBe('etl/adhoc');
  });

  it('refuses parameters that do not fit the flow, naming the field, and makes no run', async () => {
    const bad = await cli(ctx.home, 'deployment', 'run', 'etl/adhoc', '--param', 'limit=0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("the parameters of deployment 'etl/adhoc' do not fit the flow's parameter schema: parameter limit:");
    const missing = await cli(ctx.home, 'deployment', 'run', 'etl/adhoc');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('limit');
    expect(await json<unknown[]>('flow-run', 'ls', '--json')).toEqual([]);
  });

  it('with --watch follows the run to its end and prints the same last line as run --json', async () => {
    const watching = spawnCli(['deployment', 'run', 'etl/adhoc', '--param', 'limit=1', '--watch', '--json'], { home: ctx.home, cwd: ctx.home });
    const summary = await waitUntil(async () => (await json<FlowRun[]>('flow-run', 'ls', '--json'))[0], { what: 'the run' });
    // Its flow process would report these; the store takes them as it takes a worker's.
    const store = await openTestStore({ path: join(ctx.home, 'flowdeck.db') });
    try {
      for (const [type, name, extra] of [
        ['PENDING', 'Pending', {}],
        ['RUNNING', 'Running', {}],
        ['COMPLETED', 'Completed', { resultPreview: '"loaded (delta) 1"' }],
      ] as const) {
        const result = await store.setState({ kind: 'flow', runId: summary.id, transitionId: newId(), state: { type, name, ...extra } });
        expect(result.status).toBe('ACCEPT');
      }
    } finally {
      await store.close();
    }
    const done = await watching.wait();
    expect(done.code, done.stderr).toBe(0);
    expect(lastJsonLine(done.stdout)).toEqual({ flowRunId: summary.id, state: { type: 'COMPLETED', name: 'Completed' }, result: 'loaded (delta) 1' });
  });

  it('with --watch exits 1 when the run ends other than Completed', async () => {
    const watching = spawnCli(['deployment', 'run', 'etl/adhoc', '--param', 'limit=1', '--watch', '--json'], { home: ctx.home, cwd: ctx.home });
    const summary = await waitUntil(async () => (await json<FlowRun[]>('flow-run', 'ls', '--json'))[0], { what: 'the run' });
    expect((await cli(ctx.home, 'flow-run', 'cancel', summary.id)).code).toBe(0);
    const done = await watching.wait();
    expect(done.code, done.stderr).toBe(1);
    expect(lastJsonLine(done.stdout)).toMatchObject({ flowRunId: summary.id, state: { type: 'CANCELLED' }, result: null });
  });
});

describe('deployment pause, resume and delete', () => {
  it('pauses and resumes a deployment, and deletes it', async () => {
    const paused = await cli(ctx.home, 'deployment', 'pause', 'etl/nightly');
    expect(paused.code, paused.err).toBe(0);
    expect(paused.out).toContain('Paused deployment etl/nightly');
    expect((await json<DeploymentRead>('deployment', 'inspect', 'etl/nightly', '--json')).paused).toBe(true);
    expect(tableRows((await cli(ctx.home, 'deployment', 'ls')).out)[2][3]).toBe('yes');
    expect((await cli(ctx.home, 'deployment', 'pause', 'etl/nightly')).out).toContain('is already paused');

    const resumed = await cli(ctx.home, 'deployment', 'resume', 'etl/nightly');
    expect(resumed.code, resumed.err).toBe(0);
    expect((await json<DeploymentRead>('deployment', 'inspect', 'etl/nightly', '--json')).paused).toBe(false);

    const deleted = await cli(ctx.home, 'deployment', 'delete', 'etl/nightly');
    expect(deleted.code, deleted.err).toBe(0);
    expect((await json<DeploymentSummary[]>('deployment', 'ls', '--json')).map((d) => d.fullName)).toEqual(['etl/adhoc']);
    const gone = await cli(ctx.home, 'deployment', 'delete', 'etl/nightly');
    expect(gone.code).toBe(2);
    expect(gone.err).toContain("no deployment 'etl/nightly'");
  });
});
