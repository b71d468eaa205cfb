import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../../app/core/api/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

describe('claims of due deployment runs', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
    await store.createWorkPool({
      name: 'main',
      type: 'process',
      jobTemplate: { env: { MODE: 'test' }, workingDir: null, command: null, runsPerProcess: 1 },
    });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function deploy(name: string, overrides: Partial<DeployRequest> = {}): Promise<string> {
    const [deployment] = await store.deploy([{ name, flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'main', ...overrides }]);
    return deployment.id;
  }

  async function runAt(deploymentId: string, scheduledTime: number): Promise<string> {
    return (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime })).id;
  }

  async function stateName(id: string): Promise<string> {
    return (await store.getFlowRun(id))!.state.name;
  }

  it('claims due runs only, by queue priority and then time, each Pending and named by its worker, with its deployment and job template', async () => {
    await store.createWorkQueue('main', { name: 'urgent', priority: 1 });
    await store.updateWorkQueue('main', 'default', { priority: 2 });
    const normal = await deploy('normal');
    const urgent = await deploy('urgent', { workQueue: 'urgent' });
    const later = await runAt(normal, T0 - 1_000);
    const earlier = await runAt(normal, T0 - 5_000);
    const urgentRun = await runAt(urgent, T0);
    const future = await runAt(urgent, T0 + 60_000);

    const claimed = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([urgentRun, earlier, later]);
    expect(claimed[0].flowRun).toMatchObject({
      state: { type: 'PENDING', name: 'Pending' },
      workerName: 'w1',
      workPool: 'main',
      workQueue: 'urgent',
      deploymentId: urgent,
      deploymentName: 'etl/urgent',
      expectedStartTime: T0,
      autoScheduled: false,
      pid: null,
    });
    expect(claimed[0].deployment.fullName).toBe('etl/urgent');
    expect(claimed[0].jobTemplate).toEqual({ env: { MODE: 'test' }, workingDir: null, command: null, runsPerProcess: 1 });
    expect(await stateName(future)).toBe('Scheduled');
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).toEqual([]);
    expect(await store.nextDueTime({ pool: 'main' }, [])).toBe(T0 + 60_000);

    clock = T0 + 60_000;
    const next = await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: ['default'], limit: 10 });
    expect(next).toEqual([]);
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: ['urgent'], limit: 10 })).map((c) => c.flowRun.id)).toEqual([future]);
  });

  it('takes no more than the limit asked, and the rest stay for the next claim', async () => {
    const id = await deploy('many');
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await runAt(id, T0 - 10_000 + i));
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 2 })).map((c) => c.flowRun.id)).toEqual(runs.slice(0, 2));
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual(runs.slice(2));
  });

  it('keeps the concurrency limits of the pool, of each queue and of each deployment', async () => {
    await store.updateWorkPool('main', { concurrencyLimit: 3 });
    await store.createWorkQueue('main', { name: 'narrow', concurrencyLimit: 1 });
    const wide = await deploy('wide');
    const narrow = await deploy('narrow', { workQueue: 'narrow' });
    const limited = await deploy('limited', { concurrencyLimit: 1 });
    for (let i = 0; i < 3; i++) await runAt(narrow, T0 - 3_000 + i);
    for (let i = 0; i < 3; i++) await runAt(limited, T0 - 2_000 + i);
    for (let i = 0; i < 3; i++) await runAt(wide, T0 - 1_000 + i);

    const first = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    // The default queue comes first (priority 1): one of 'limited', then 'wide' up to the pool's 3.
    expect(first.map((c) => c.deployment.name)).toEqual(['limited', 'wide', 'wide']);
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).toEqual([]);

    await store.updateWorkPool('main', { concurrencyLimit: null });
    const second = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    expect(second.map((c) => c.deployment.name)).toEqual(['wide', 'narrow']);
    const waiting = await store.listFlowRuns({ stateTypes: ['SCHEDULED'] });
    expect(waiting).toHaveLength(4);
    expect(new Set(waiting.map((r) => r.state.name))).toEqual(new Set(['Scheduled']));
  });

  it('cancels a due run past its deployment limit when the deployment says CANCEL_NEW', async () => {
    const id = await deploy('single', { concurrencyLimit: 1, collisionStrategy: 'CANCEL_NEW' });
    const first = await runAt(id, T0 - 2_000);
    const second = await runAt(id, T0 - 1_000);
    const claimed = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([first]);
    const cancelled = await store.getFlowRun(second);
    expect(cancelled?.state).toMatchObject({ type: 'CANCELLED', message: expect.stringContaining('CANCEL_NEW') });
    expect(cancelled?.state.message).toContain('etl/single');
  });

  it('holds back the runs of a paused pool, queue or deployment until it is resumed', async () => {
    const id = await deploy('held');
    const run = await runAt(id, T0 - 1_000);
    let told = 0;
    const stop = store.onClaimableChange(() => told++);
    try {
      for (const [pause, resume] of [
        [() => store.updateWorkPool('main', { paused: true }), () => store.updateWorkPool('main', { paused: false })],
        [() => store.updateWorkQueue('main', 'default', { paused: true }), () => store.updateWorkQueue('main', 'default', { paused: false })],
        [() => store.setDeploymentPaused(id, true), () => store.setDeploymentPaused(id, false)],
      ] as const) {
        await pause();
        expect(await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).toEqual([]);
        expect(await store.nextDueTime({ pool: 'main' }, [])).toBeNull();
        const before = told;
        await resume();
        await new Promise((resolve) => setImmediate(resolve));
        expect(told).toBeGreaterThan(before);
        expect(await store.nextDueTime({ pool: 'main' }, [])).toBe(T0 - 1_000);
      }
    } finally {
      stop();
    }
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual([run]);
  });

  it('a released run is Scheduled again, says by whom, and another worker claims it', async () => {
    const id = await deploy('released');
    const run = await runAt(id, T0 - 1_000);
    await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 1 });
    expect(await store.releaseRuns({ pool: 'main' }, 'w2', [run])).toEqual([]);
    expect(await store.releaseRuns({ pool: 'main' }, 'w1', [run])).toEqual([run]);
    const back = await store.getFlowRun(run);
    expect(back?.state).toMatchObject({ type: 'SCHEDULED', name: 'Scheduled', message: 'handed back by worker w1', scheduledTime: T0 - 1_000 });
    expect(back?.workerName).toBeNull();
    const again = await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 1 });
    expect(again.map((c) => c.flowRun.workerName)).toEqual(['w2']);
  });

  it('a serve process claims only the runs of its own deployment', async () => {
    const [served] = await store.deploy([{ name: 'served', flowName: 'etl', entrypoint: 'flows/etl.ts:etl' }]);
    const other = await deploy('pooled');
    const mine = await runAt(served.id, T0 - 1_000);
    await runAt(other, T0 - 1_000);
    const claimed = await store.claimRuns({ deploymentId: served.id }, { worker: 'serve', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([mine]);
    expect(claimed[0].flowRun.workPool).toBeNull();
    expect(claimed[0].jobTemplate).toEqual({ env: {}, workingDir: null, command: null, runsPerProcess: 1 });
  });
});

describe('claims past many held runs', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  beforeEach(async () => {
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => T0 });
    await store.createWorkPool({ name: 'main', type: 'process' });
    await store.createWorkQueue('main', { name: 'later' });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  it('reaches the runs behind more held runs than one read of candidates holds (twice the limit, at least 20), in this queue and the next', async () => {
    const [held] = await store.deploy([{ name: 'held', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main', concurrencyLimit: 1 }]);
    const [free] = await store.deploy([{ name: 'free', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main' }]);
    const [later] = await store.deploy([{ name: 'later', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main', workQueue: 'later' }]);
    const heldRuns = [];
    // All at one time: the order among them is the order they were made.
    for (let i = 0; i < 60; i++) heldRuns.push((await store.createDeploymentRun(held.id, { parameters: {}, scheduledTime: T0 - 10_000 })).id);
    const freeRun = (await store.createDeploymentRun(free.id, { parameters: {}, scheduledTime: T0 - 5_000 })).id;
    const laterRun = (await store.createDeploymentRun(later.id, { parameters: {}, scheduledTime: T0 - 20_000 })).id;
    const claimed = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 5 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([heldRuns[0], freeRun, laterRun]);
  });
});
