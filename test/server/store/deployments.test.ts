import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../../app/core/api/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { planCatchUp } from '../../../app/server/scheduling/catch-up.js';
import { planRunsAhead } from '../../../app/server/scheduling/plan-runs.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return { name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'main', ...overrides };
}

describe('deployments in the store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  async function open(): Promise<RunStore> {
    return openTestStore({ path: temp.dbPath, now: () => clock });
  }

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await open();
    await store.createWorkPool({ name: 'main', type: 'process' });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function scheduleOf(deploymentId: string, index = 0): Promise<string> {
    return (await store.getDeployment(deploymentId))!.schedules[index].id;
  }

  async function runStates(deploymentId: string): Promise<string[]> {
    const runs = await store.listFlowRuns({ deploymentId, limit: 1000 });
    return runs.map((run) => `${run.expectedStartTime! - T0}:${run.state.name}`).sort();
  }

  it('creates a deployment, and replaces it whole under the same flow and name, keeping its id', async () => {
    const [first] = await store.deploy([
      request({ tags: ['a'], parameters: { n: 1 }, schedules: [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }] }),
    ]);
    expect(first).toMatchObject({
      fullName: 'etl/nightly',
      workPool: 'main',
      workQueue: null,
      tags: ['a'],
      parameters: { n: 1 },
      collisionStrategy: 'ENQUEUE',
      catchUp: 'latest',
      paused: false,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    });
    expect(first.schedules).toEqual([
      {
        id: expect.any(String),
        schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai' },
        active: true,
        description: expect.stringContaining('03:00'),
      },
    ]);
    const [second] = await store.deploy([request({ tags: ['b'], description: 'every night' })]);
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ tags: ['b'], description: 'every night', parameters: {}, schedules: [] });
    expect((await store.listDeployments()).map((d) => d.fullName)).toEqual(['etl/nightly']);
    expect((await store.findDeployment('etl', 'nightly'))?.id).toBe(first.id);
  });

  it('stores all of a batch or, when one is refused, none, and the refusal names the deployment and the field', async () => {
    await expect(store.deploy([request({ name: 'good' }), request({ name: 'bad', workPool: 'nowhere' })])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "etl/bad: workPool: no work pool named 'nowhere'",
    });
    await expect(store.deploy([request({ name: 'good' }), request({ name: 'bad', workQueue: 'fast' })])).rejects.toThrow(
      "etl/bad: workQueue: work pool 'main' has no queue named 'fast'",
    );
    await expect(store.deploy([request({ workPool: null, workQueue: 'fast' })])).rejects.toThrow(/^workQueue: /);
    await expect(store.deploy([request(), request()])).rejects.toThrow('name: the deployment etl/nightly is given more than once');
    expect(await store.listDeployments()).toEqual([]);
  });

  it("makes a run on demand, Scheduled for its time, with the deployment's settings; a used idempotency key answers the same run", async () => {
    const [deployment] = await store.deploy([request({ tags: ['nightly'], retryPolicy: { retries: 2, retryDelaySeconds: [5] } })]);
    const { stateId } = store.lastEventIds();
    const run = await store.createDeploymentRun(deployment.id, {
      parameters: { day: 'mon' },
      tags: ['manual'],
      scheduledTime: T0 + 1_000,
      idempotencyKey: 'k1',
    });
    expect(run).toMatchObject({
      flowName: 'etl',
      name: expect.stringMatching(/^nightly-[a-z0-9]{6}$/),
      state: { type: 'SCHEDULED', name: 'Scheduled', scheduledTime: T0 + 1_000 },
      parameters: { day: 'mon' },
      tags: ['nightly', 'manual'],
      entrypoint: 'flows/etl.ts:etl',
      retryPolicy: { retries: 2, retryDelaySeconds: [5] },
      pid: null,
      deploymentId: deployment.id,
      deploymentName: 'etl/nightly',
      workPool: 'main',
      workQueue: 'default',
      workerName: null,
      expectedStartTime: T0 + 1_000,
      autoScheduled: false,
    });
    // Recorded as a transition: the event stream carries it.
    expect(store.listStatesAfter(stateId, { limit: 10 }).map((entry) => entry.runId)).toEqual([run.id]);
    const again = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0, idempotencyKey: 'k1' });
    expect(again.id).toBe(run.id);
    await expect(store.createDeploymentRun('no-such-id', { parameters: {}, scheduledTime: T0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("makes a schedule's runs once for each time, also after the store is opened again", async () => {
    const [deployment] = await store.deploy([request({ parameters: { a: 1, b: 1 }, schedules: [{ interval: 3600, parameters: { b: 2 } }] })]);
    const [target] = await store.listScheduleTargets();
    expect(target).toMatchObject({
      deploymentId: deployment.id,
      parameters: { a: 1, b: 2 },
      catchUp: 'latest',
      lastScheduledTime: null,
      futureRuns: 0,
    });
    const times = [T0 + HOUR, T0 + 2 * HOUR];
    expect(await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId: target.scheduleId, times }])).toBe(2);
    await store.close();
    store = await open();
    expect(await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId: target.scheduleId, times: [...times, T0 + 3 * HOUR] }])).toBe(1);
    const runs = await store.listFlowRuns({ deploymentId: deployment.id });
    expect(runs.map((r) => r.expectedStartTime).sort()).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(runs.every((r) => r.autoScheduled && r.parameters.b === 2)).toBe(true);
    const [after] = await store.listScheduleTargets();
    expect(after).toMatchObject({ lastScheduledTime: T0 + 3 * HOUR, futureRuns: 3 });
    const summary = (await store.listDeployments())[0];
    expect(summary.nextRunAt).toBe(T0 + HOUR);
    expect((await store.getDeployment(deployment.id))!.upcoming.map((r) => r.expectedStartTime)).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
  });

  it('keeps the runs of an unchanged schedule; a changed or removed one loses its future runs that have not started', async () => {
    const kept = { cron: '0 * * * *' };
    const changed = { interval: 1800 };
    const [deployment] = await store.deploy([request({ schedules: [kept, changed] })]);
    const keptId = await scheduleOf(deployment.id, 0);
    const changedId = await scheduleOf(deployment.id, 1);
    await store.scheduleRuns([
      { deploymentId: deployment.id, scheduleId: keptId, times: [T0 + HOUR] },
      { deploymentId: deployment.id, scheduleId: changedId, times: [T0 - HOUR, T0 + HOUR / 2, T0 + HOUR + 1] },
    ]);
    // The past run of the changed schedule is late, not future: it stays.
    expect(await runStates(deployment.id)).toHaveLength(4);
    const [again] = await store.deploy([request({ schedules: [{ interval: 900 }, kept] })]);
    expect(again.schedules[1].id).toBe(keptId);
    expect(again.schedules[0].id).not.toBe(changedId);
    expect(await runStates(deployment.id)).toEqual([`${-HOUR}:Scheduled`, `${HOUR}:Scheduled`]);
    expect((await store.listScheduleTargets()).map((t) => t.scheduleId).sort()).toEqual([again.schedules[0].id, keptId].sort());
  });

  it('plans no runs for an inactive schedule or a paused deployment', async () => {
    const [deployment] = await store.deploy([request({ schedules: [{ interval: 60, active: false }, { interval: 120 }] })]);
    expect((await store.getDeployment(deployment.id))!.schedules.map((s) => s.active)).toEqual([false, true]);
    expect(await store.listScheduleTargets()).toHaveLength(1);
    await store.setDeploymentPaused(deployment.id, true);
    expect(await store.listScheduleTargets()).toEqual([]);
    expect(await store.setDeploymentPaused('no-such-id', true)).toBeNull();
    // Deployed again without a word on pausing, it stays paused; told, it resumes.
    expect((await store.deploy([request()]))[0].paused).toBe(true);
    expect((await store.deploy([request({ paused: false })]))[0].paused).toBe(false);
  });

  it('pausing deletes the future runs its schedules made and keeps the ones asked for; resumed, its schedules start again from then', async () => {
    const [deployment] = await store.deploy([request({ schedules: [{ interval: 3600 }] })]);
    const scheduleId = await scheduleOf(deployment.id);
    await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId, times: [T0 - 60_000, T0 + HOUR, T0 + 2 * HOUR] }]);
    const asked = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0 + HOUR / 2 });
    expect(await store.setDeploymentPaused(deployment.id, true)).toMatchObject({ paused: true });
    // The past run was due before the pause: it stays, as does the run asked for on demand.
    expect(await runStates(deployment.id)).toEqual(['-60000:Scheduled', `${HOUR / 2}:Scheduled`]);
    expect((await store.getFlowRun(asked.id))!.state.name).toBe('Scheduled');
    // A scheduler pass that read the schedules before the pause makes nothing once it is paused.
    expect(await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId, times: [T0 + 3 * HOUR] }])).toBe(0);
    expect(await runStates(deployment.id)).toHaveLength(2);

    clock = T0 + 10 * HOUR;
    await store.setDeploymentPaused(deployment.id, false);
    const [target] = await store.listScheduleTargets();
    expect(target).toMatchObject({ scheduleId, lastScheduledTime: null, futureRuns: 0 });
    // Nothing is caught up for the time it was paused, even by a server starting now; its runs start from now.
    expect(planCatchUp([target], clock).runs).toEqual([]);
    const [ahead] = planRunsAhead([target], clock, clock - 15_000);
    expect(Math.min(...ahead.times)).toBeGreaterThan(clock);
    expect(await store.scheduleRuns([ahead])).toBe(ahead.times.length);
  });

  it('deployed paused, a deployment loses the future runs of its schedules as pausing it would', async () => {
    const [deployment] = await store.deploy([request({ schedules: [{ interval: 3600 }] })]);
    await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId: await scheduleOf(deployment.id), times: [T0 + HOUR] }]);
    expect((await store.deploy([request({ schedules: [{ interval: 3600 }], paused: true })]))[0].paused).toBe(true);
    expect(await runStates(deployment.id)).toEqual([]);
  });

  it('marks Late the deployment runs still Scheduled past their time, as recorded transitions', async () => {
    const [deployment] = await store.deploy([request()]);
    const due = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0 - 20_000 });
    const recent = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0 - 5_000 });
    expect(await store.markLateRuns(15_000)).toBe(1);
    expect(await store.markLateRuns(15_000)).toBe(0);
    expect((await store.listStates(due.id)).map((s) => s.name)).toEqual(['Scheduled', 'Late']);
    expect((await store.getFlowRun(due.id))!.state).toMatchObject({ type: 'SCHEDULED', name: 'Late', scheduledTime: T0 - 20_000 });
    expect((await store.getFlowRun(recent.id))!.state.name).toBe('Scheduled');

    const dashboard = await store.dashboard({ hours: 24, buckets: 24 });
    expect(dashboard.lateCount).toBe(1);
    expect(dashboard.late.map((r) => r.id)).toEqual([due.id]);
    expect(dashboard.upcoming).toEqual([
      {
        id: recent.id,
        name: recent.name,
        flowName: 'etl',
        deploymentId: deployment.id,
        deploymentName: 'etl/nightly',
        state: { type: 'SCHEDULED', name: 'Scheduled' },
        expectedStartTime: T0 - 5_000,
      },
    ]);
    const page = await store.listFlowRunPage({ stateNames: ['Late'], limit: 10 });
    expect(page.items.map((r) => r.id)).toEqual([due.id]);
  });

  it('cancels the runs missed while the server was down, all or all but the latest, saying why', async () => {
    const [deployment] = await store.deploy([request({ schedules: [{ interval: 60 }] })]);
    const scheduleId = await scheduleOf(deployment.id);
    await store.scheduleRuns([{ deploymentId: deployment.id, scheduleId, times: [T0 - 180_000, T0 - 120_000, T0 - 60_000, T0 + 60_000] }]);
    expect(await store.skipMissedRuns(deployment.id, T0, true)).toBe(2);
    expect(await runStates(deployment.id)).toEqual(['-120000:Cancelled', '-180000:Cancelled', '-60000:Scheduled', '60000:Scheduled']);
    const cancelled = (await store.listFlowRuns({ deploymentId: deployment.id, stateTypes: ['CANCELLED'] }))[0];
    expect(cancelled.state.message).toBe("missed while the server was down; the deployment's catch-up rule 'latest' runs only the latest missed run");
    expect(await store.skipMissedRuns(deployment.id, T0, false)).toBe(1);
  });

  it('deletes a deployment with its runs that have not started; runs that started stay', async () => {
    const [deployment] = await store.deploy([request()]);
    const started = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0 - 1_000 });
    const waiting = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: T0 + HOUR });
    await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    const { stateId } = store.lastEventIds();
    expect(await store.deleteDeployment(deployment.id)).toBe(true);
    expect(await store.deleteDeployment(deployment.id)).toBe(false);
    expect(await store.getFlowRun(waiting.id)).toBeNull();
    expect(await store.listStates(waiting.id)).toEqual([]);
    expect((await store.getFlowRun(started.id))!.state.type).toBe('PENDING');
    expect(await store.getDeployment(deployment.id)).toBeNull();
    expect(store.listStatesAfter(0, { limit: 100, upToId: stateId }).some((e) => e.runId === waiting.id)).toBe(false);
  });

  it("lists a deployment's runs page by page", async () => {
    const [one] = await store.deploy([request({ name: 'one' })]);
    const [two] = await store.deploy([request({ name: 'two' })]);
    const mine = [];
    for (let i = 0; i < 3; i++) {
      clock = T0 + i;
      mine.push((await store.createDeploymentRun(one.id, { parameters: {}, scheduledTime: T0 })).id);
      await store.createDeploymentRun(two.id, { parameters: {}, scheduledTime: T0 });
    }
    const first = await store.listFlowRunPage({ deploymentId: one.id, limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([mine[2], mine[1]]);
    expect(first.items[0].deploymentName).toBe('etl/one');
    const second = await store.listFlowRunPage({ deploymentId: one.id, limit: 2, after: first.next! });
    expect(second.items.map((r) => r.id)).toEqual([mine[0]]);
  });
});
