// The scheduler and the late rounds of a real server, over a real database that outlives it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiClient, type CatchUpRule } from '../../../app/core/api/index.js';
import type { FlowRun } from '../../../app/core/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { deployRequest } from './deployment-support.js';

const HOUR = 3_600_000;

let temp: ReturnType<typeof makeTempHome>;
let running: { server: FlowdeckServer; store: RunStore; unexpected: unknown[] } | null = null;
beforeEach(() => {
  temp = makeTempHome();
});
afterEach(async () => {
  await stop();
  temp.cleanup();
});

/** A server on the test's database, with short rounds; one at a time. */
async function start(): Promise<{ api: string; store: RunStore }> {
  const store = await openTestStore({ path: temp.dbPath });
  const unexpected: unknown[] = [];
  const server = await createServer({
    store,
    host: '127.0.0.1',
    port: 0,
    home: temp.home,
    crashSweepIntervalMs: 0,
    schedulerIntervalMs: 50,
    deploymentUpkeepIntervalMs: 50,
    onUnexpectedError: (error) => unexpected.push(error),
  });
  const url = await server.listen();
  running = { server, store, unexpected };
  return { api: `${url}/api`, store };
}

async function stop(): Promise<void> {
  if (!running) return;
  const { server, store, unexpected } = running;
  running = null;
  await server.close();
  await store.close();
  expect(unexpected).toEqual([]);
}

async function runsOf(store: RunStore, flowName: string): Promise<FlowRun[]> {
  const runs = await store.listFlowRuns({ flowName, limit: 10_000 });
  return runs.sort((a, b) => (a.expectedStartTime ?? 0) - (b.expectedStartTime ?? 0));
}

function expectNoTimeTwice(runs: readonly FlowRun[]): void {
  const times = runs.map((run) => run.expectedStartTime);
  expect(new Set(times).size).toBe(times.length);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the scheduler', () => {
  it('makes the runs of a new schedule ahead at once: an hour of them at least', async () => {
    const { api, store } = await start();
    const client = createApiClient({ baseUrl: api });
    await client.createWorkPool({ body: { name: 'main' } });
    const before = Date.now();
    const deployment = await client.deploy({
      body: deployRequest({ parameters: { n: 1 }, schedules: [{ interval: 600, parameters: { label: 'x' } }] }),
    });
    await vi.waitFor(async () => expect(await runsOf(store, 'etl')).toHaveLength(6), { timeout: 10_000, interval: 20 });
    const runs = await runsOf(store, 'etl');
    for (const [index, run] of runs.entries()) {
      expect(run).toMatchObject({ deploymentId: deployment.id, autoScheduled: true, parameters: { n: 1, label: 'x' }, state: { type: 'SCHEDULED' } });
      expect(run.expectedStartTime! % 600_000).toBe(0);
      expect(run.expectedStartTime).toBeGreaterThan(before);
      if (index > 0) expect(run.expectedStartTime! - runs[index - 1].expectedStartTime!).toBe(600_000);
    }
    expect(runs.at(-1)!.expectedStartTime).toBeLessThanOrEqual(Date.now() + HOUR);
    const read = await client.getDeployment({ params: { id: deployment.id } });
    expect(read.upcoming.map((run) => run.id)).toEqual(runs.map((run) => run.id));
  });

  it('makes no run twice across a restart on the same database, and goes on where it stopped', async () => {
    const first = await start();
    let { store } = first;
    const client = createApiClient({ baseUrl: first.api });
    await client.createWorkPool({ body: { name: 'main' } });
    await client.deploy({ body: deployRequest({ schedules: [{ interval: 1 }] }) });
    await vi.waitFor(async () => expect(await runsOf(store, 'etl')).toHaveLength(100), { timeout: 10_000, interval: 20 });
    const made = await runsOf(store, 'etl');
    await stop();
    await sleep(1_100);

    ({ store } = await start());
    // The schedule's horizon moved on while the server was down: new runs are made after the last one.
    await vi.waitFor(async () => expect((await runsOf(store, 'etl')).at(-1)!.expectedStartTime).toBeGreaterThan(made.at(-1)!.expectedStartTime!), {
      timeout: 10_000,
      interval: 20,
    });
    await sleep(300);
    const after = await runsOf(store, 'etl');
    expectNoTimeTwice(after);
    expect(after.slice(0, made.length).map((run) => run.id)).toEqual(made.map((run) => run.id));
    expect(after.every((run) => run.state.type === 'SCHEDULED')).toBe(true);
  });

  it('makes the runs of a resumed deployment at once, and none while it is paused', async () => {
    const { api, store } = await start();
    const client = createApiClient({ baseUrl: api });
    await client.createWorkPool({ body: { name: 'main' } });
    const deployment = await client.deploy({ body: deployRequest({ paused: true, schedules: [{ interval: 600 }] }) });
    await sleep(300);
    expect(await runsOf(store, 'etl')).toEqual([]);
    await client.resumeDeployment({ params: { id: deployment.id } });
    await vi.waitFor(async () => expect(await runsOf(store, 'etl')).toHaveLength(6), { timeout: 10_000, interval: 20 });
  });
});

describe('runs missed while the server was down', () => {
  /**
   * A deployment whose hourly schedule made runs for three hours long past and then stopped: the
   * server was down since. Its minute is half an hour away from now, so no time is near the
   * 15 s boundary of missed.
   */
  async function missedThreeHours(catchUp: CatchUpRule): Promise<{ latest: number }> {
    const minute = (new Date().getUTCMinutes() + 30) % 60;
    const store = await openTestStore({ path: temp.dbPath });
    await store.createWorkPool({ name: 'main', type: 'process' });
    const [deployment] = await store.deploy([deployRequest({ catchUp, schedules: [{ cron: `${minute} * * * *` }] })]);
    const [target] = await store.listScheduleTargets();
    const latest = Math.floor((Date.now() - minute * 60_000) / HOUR) * HOUR + minute * 60_000;
    expect(latest).toBeLessThan(Date.now() - 20 * 60_000);
    await store.scheduleRuns([
      { deploymentId: deployment.id, scheduleId: target.scheduleId, times: [latest - 4 * HOUR, latest - 3 * HOUR, latest - 2 * HOUR] },
    ]);
    await store.close();
    return { latest };
  }

  /** The runs for times up to `latest`, as [hours before it, state name]. */
  async function pastRuns(store: RunStore, latest: number): Promise<[number, string][]> {
    return (await runsOf(store, 'etl'))
      .filter((run) => run.expectedStartTime! <= latest)
      .map((run) => [(latest - run.expectedStartTime!) / HOUR, run.state.name]);
  }

  /** Waits for the first passes: the runs ahead are made after the catch-up. */
  async function caughtUp(store: RunStore, latest: number): Promise<void> {
    await vi.waitFor(async () => expect((await runsOf(store, 'etl')).filter((run) => run.expectedStartTime! > latest)).toHaveLength(3), {
      timeout: 10_000,
      interval: 20,
    });
  }

  it("'latest' keeps only the latest missed run", async () => {
    const { latest } = await missedThreeHours('latest');
    const { store } = await start();
    await caughtUp(store, latest);
    expect(await pastRuns(store, latest)).toEqual([
      [4, 'Cancelled'],
      [3, 'Cancelled'],
      [2, 'Cancelled'],
      [0, 'Late'],
    ]);
  });

  it("'all' keeps every missed run and makes those that never got one", async () => {
    const { latest } = await missedThreeHours('all');
    const { store } = await start();
    await caughtUp(store, latest);
    await vi.waitFor(async () =>
      expect(await pastRuns(store, latest)).toEqual([
        [4, 'Late'],
        [3, 'Late'],
        [2, 'Late'],
        [1, 'Late'],
        [0, 'Late'],
      ]),
    );
  });

  it("'none' drops every missed run and makes none", async () => {
    const { latest } = await missedThreeHours('none');
    const { store } = await start();
    await caughtUp(store, latest);
    expect(await pastRuns(store, latest)).toEqual([
      [4, 'Cancelled'],
      [3, 'Cancelled'],
      [2, 'Cancelled'],
    ]);
  });

  it('are settled once: a second restart changes nothing and makes no run twice', async () => {
    const { latest } = await missedThreeHours('all');
    let { store } = await start();
    await caughtUp(store, latest);
    const made = await runsOf(store, 'etl');
    await stop();
    ({ store } = await start());
    await sleep(300);
    const second = await runsOf(store, 'etl');
    expectNoTimeTwice(second);
    expect(second.map((run) => run.id)).toEqual(made.map((run) => run.id));
  });
});

describe('late runs', () => {
  it('are named Late once 15 s past their time and not started', async () => {
    const { api } = await start();
    const client = createApiClient({ baseUrl: api });
    await client.createWorkPool({ body: { name: 'main' } });
    const deployment = await client.deploy({ body: deployRequest() });
    const overdue = await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: Date.now() - 20_000 } });
    const due = await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: Date.now() - 5_000 } });
    await vi.waitFor(async () => expect((await client.getFlowRun({ params: { id: overdue.id } })).state.name).toBe('Late'), {
      timeout: 10_000,
      interval: 20,
    });
    const stillDue = await client.getFlowRun({ params: { id: due.id } });
    // Unless this machine took ten seconds since: then it is Late too, rightly.
    if (Date.now() < due.expectedStartTime! + 15_000) expect(stillDue.state.name).toBe('Scheduled');
    expect((await client.getFlowRun({ params: { id: overdue.id } })).state.type).toBe('SCHEDULED');
  });
});
