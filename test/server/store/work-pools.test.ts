import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WORKER_OFFLINE_AFTER_MS } from '../../../app/core/api/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const beat = { queues: [], limit: null, hostname: 'box', pid: 42 };

describe('work pools, queues and workers in the store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function deployTo(pool: string, queue: string | null = null): Promise<string> {
    const [deployment] = await store.deploy([
      { name: `d-${queue ?? 'default'}`, flowName: 'etl', entrypoint: 'etl.ts', workPool: pool, workQueue: queue },
    ]);
    return deployment.id;
  }

  it("makes a pool with its 'default' queue, and refuses a taken name or a type that does not exist, saying which", async () => {
    const pool = await store.createWorkPool({ name: 'main', type: 'process', description: 'the main one' });
    expect(pool).toMatchObject({
      name: 'main',
      type: 'process',
      description: 'the main one',
      paused: false,
      concurrencyLimit: null,
      jobTemplate: { env: {}, workingDir: null, command: null, runsPerProcess: 1 },
      workers: [],
      runs: { waiting: 0, late: 0, running: 0 },
    });
    expect(pool.queues).toEqual([expect.objectContaining({ name: 'default', priority: 1, concurrencyLimit: null, paused: false, workPool: 'main' })]);
    await expect(store.createWorkPool({ name: 'main', type: 'process' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.createWorkPool({ name: 'boxes', type: 'docker' })).rejects.toThrow(
      "type: work pools of type 'docker' are planned but not available yet; use 'process'",
    );
    await expect(store.createWorkPool({ name: 'odd', type: 'lambda' })).rejects.toThrow("type: unknown type 'lambda'");
    expect((await store.listWorkPools()).map((p) => p.name)).toEqual(['main']);
  });

  it('changes a pool and its queues, and answers null for unknown ones', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    const changed = await store.updateWorkPool('main', {
      concurrencyLimit: 4,
      jobTemplate: { env: { A: '1' }, workingDir: '/srv', command: null, runsPerProcess: 1 },
    });
    expect(changed).toMatchObject({ concurrencyLimit: 4, jobTemplate: { env: { A: '1' }, workingDir: '/srv' } });
    expect(await store.updateWorkPool('nowhere', { paused: true })).toBeNull();
    const queue = await store.createWorkQueue('main', { name: 'fast', concurrencyLimit: 2 });
    expect(queue).toMatchObject({ name: 'fast', priority: 2, concurrencyLimit: 2 });
    await expect(store.createWorkQueue('main', { name: 'fast' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.createWorkQueue('nowhere', { name: 'fast' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.updateWorkQueue('main', 'fast', { priority: 1, paused: true })).toMatchObject({ priority: 1, paused: true });
    expect(await store.updateWorkQueue('main', 'nothing', { priority: 1 })).toBeNull();
    expect((await store.listWorkQueues('main'))!.map((q) => q.name)).toEqual(['default', 'fast']);
    expect(await store.listWorkQueues('nowhere')).toBeNull();
    expect(await store.getWorkQueue('main', 'fast')).toMatchObject({ paused: true });
  });

  it('refuses to delete a pool that deployments name, naming them', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    const id = await deployTo('main');
    await expect(store.deleteWorkPool('main')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining("work pool 'main' is used by the deployment etl/d-default"),
    });
    await store.deleteDeployment(id);
    expect(await store.deleteWorkPool('main')).toBe(true);
    expect(await store.deleteWorkPool('main')).toBe(false);
    expect(await store.getWorkPool('main')).toBeNull();
  });

  it("keeps the 'default' queue; a deleted queue's waiting runs and deployments move to it", async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    await store.createWorkQueue('main', { name: 'fast' });
    const id = await deployTo('main', 'fast');
    const run = await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 - 20_000 });
    await expect(store.deleteWorkQueue('main', 'default')).rejects.toThrow("the 'default' queue of a work pool cannot be deleted");
    expect(await store.deleteWorkQueue('main', 'fast')).toBe(true);
    expect(await store.deleteWorkQueue('main', 'fast')).toBe(false);
    expect((await store.getFlowRun(run.id))!.workQueue).toBe('default');
    expect((await store.getDeployment(id))!.workQueue).toBeNull();
    await store.markLateRuns(15_000);
    await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 + 30_000 });
    await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 + 3_600_000 });
    expect((await store.getWorkPool('main'))!.runs).toEqual({ waiting: 1, late: 1, running: 0 });
    await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 5 });
    expect((await store.getWorkPool('main'))!.runs).toEqual({ waiting: 1, late: 0, running: 1 });
  });

  it('registers a worker on its first beat; it is ONLINE while it beats and OFFLINE once silent or gone', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    await expect(store.workerHeartbeat('nowhere', { name: 'w1', ...beat })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const first = await store.workerHeartbeat('main', { name: 'w1', ...beat, queues: ['default'], limit: 3 });
    expect(first).toEqual({
      worker: {
        id: expect.any(String),
        name: 'w1',
        workPool: 'main',
        queues: ['default'],
        limit: 3,
        hostname: 'box',
        pid: 42,
        status: 'ONLINE',
        startedAt: T0,
        lastHeartbeatAt: T0,
        activeRuns: 0,
      },
      cancelling: [],
    });
    clock = T0 + 2_000;
    expect((await store.workerHeartbeat('main', { name: 'w1', ...beat })).worker).toMatchObject({
      startedAt: T0,
      lastHeartbeatAt: T0 + 2_000,
      id: first.worker.id,
    });
    clock += WORKER_OFFLINE_AFTER_MS + 1;
    expect((await store.listWorkers('main'))!.map((w) => w.status)).toEqual(['OFFLINE']);
    expect((await store.workerHeartbeat('main', { name: 'w1', ...beat })).worker).toMatchObject({ status: 'ONLINE', startedAt: clock });
    expect(await store.removeWorker('main', 'w1')).toBe(true);
    expect(await store.removeWorker('main', 'w9')).toBe(false);
    expect((await store.getWorkPool('main'))!.workers.map((w) => w.status)).toEqual(['OFFLINE']);
    expect(await store.listWorkers('nowhere')).toBeNull();
  });

  it('tells a worker on its beat which of its runs were asked to stop', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    const id = await deployTo('main');
    const run = await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 });
    const other = await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 });
    await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 1 });
    await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 1 });
    // Cancelled before its process started: the worker may be starting it still.
    await store.cancelFlowRun(run.id);
    expect((await store.workerHeartbeat('main', { name: 'w1', ...beat })).cancelling).toEqual([run.id]);
    expect((await store.workerHeartbeat('main', { name: 'w2', ...beat })).cancelling).toEqual([]);
    expect((await store.getFlowRun(other.id))!.workerName).toBe('w2');
  });

  it('hands back the unstarted runs of a worker that stopped or went silent', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    const id = await deployTo('main');
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 - 1_000 + i })).id);
    await store.workerHeartbeat('main', { name: 'quiet', ...beat });
    await store.workerHeartbeat('main', { name: 'leaving', ...beat });
    await store.workerHeartbeat('main', { name: 'alive', ...beat });
    const [quietRun] = await store.claimRuns({ pool: 'main' }, { worker: 'quiet', queues: [], limit: 1 });
    const [leavingRun] = await store.claimRuns({ pool: 'main' }, { worker: 'leaving', queues: [], limit: 1 });
    const [aliveRun] = await store.claimRuns({ pool: 'main' }, { worker: 'alive', queues: [], limit: 1 });

    expect(await store.removeWorker('main', 'leaving')).toBe(true);
    expect((await store.getFlowRun(leavingRun.flowRun.id))!.state).toMatchObject({ type: 'SCHEDULED', name: 'Scheduled' });

    clock = T0 + WORKER_OFFLINE_AFTER_MS / 2;
    await store.workerHeartbeat('main', { name: 'alive', ...beat });
    expect(await store.releaseClaimsOfSilentWorkers()).toBe(0);
    clock = T0 + WORKER_OFFLINE_AFTER_MS + 1;
    expect(await store.releaseClaimsOfSilentWorkers()).toBe(1);
    expect(await store.releaseClaimsOfSilentWorkers()).toBe(0);
    const back = (await store.getFlowRun(quietRun.flowRun.id))!;
    expect(back.state).toMatchObject({ type: 'SCHEDULED', name: 'Scheduled', message: expect.stringContaining('quiet') });
    expect(back.workerName).toBeNull();
    expect((await store.getFlowRun(aliveRun.flowRun.id))!.state.type).toBe('PENDING');
  });
});
