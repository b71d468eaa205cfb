import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/ids.js';
import type { ProposedState } from '../../../app/core/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { retryFlowRun } from '../../../app/server/runs/retry-flow-run.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

/** An hour ago: runs are made and end in the store's past; a retry is due at the real time it is asked for. */
const T0 = Date.now() - 3_600_000;
const OWNER = { pid: process.pid, hostname: hostname() };

describe('claims of retried deployment runs', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
    await store.createWorkPool({ name: 'main', type: 'process' });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function deploy(name: string, overrides: Partial<DeployRequest> = {}): Promise<string> {
    const [deployment] = await store.deploy([{ name, flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'main', ...overrides }]);
    return deployment.id;
  }

  async function propose(runId: string, state: ProposedState, owner = false): Promise<void> {
    const result = await store.setStateNow({ kind: 'flow', runId, transitionId: newId(), state, ...(owner ? { owner: OWNER } : {}) });
    expect(result.status).toBe('ACCEPT');
  }

  /** A run of the deployment, claimed by a worker and run by a process (this one) until it ends as given. */
  async function ranAndEnded(deploymentId: string, end: ProposedState, target: { pool: string } | { deploymentId: string } = { pool: 'main' }) {
    const id = (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: clock - 60_000 })).id;
    const claimed = await store.claimRuns(target, { worker: 'w1', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toContain(id);
    await propose(id, { type: 'RUNNING', name: 'Running' }, true);
    await propose(id, end);
    return id;
  }

  /** Retries as the server does, at the real time, and then lets the store's clock pass it. */
  async function retry(id: string, message: string) {
    clock = Date.now();
    const outcome = await retryFlowRun(store, id, message);
    const retriedAt = clock;
    clock = Date.now() + 1_000;
    return { outcome, retriedAt };
  }

  const FAILED: ProposedState = { type: 'FAILED', name: 'Failed', message: 'boom' };

  it('a retried run waits AwaitingRetry, due now, in its deployment, pool and queue, owned by no worker or process, and a worker claims it', async () => {
    const deploymentId = await deploy('nightly');
    const id = await ranAndEnded(deploymentId, FAILED);
    const { outcome, retriedAt } = await retry(id, 'retried from the command line, reusing completed tasks');
    expect(outcome.ok).toBe(true);
    const run = await store.getFlowRun(id);
    expect(run).toMatchObject({
      state: { type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the command line, reusing completed tasks' },
      deploymentId,
      deploymentName: 'etl/nightly',
      workPool: 'main',
      workQueue: 'default',
      workerName: null,
      pid: null,
      expectedStartTime: retriedAt,
      runCount: 1,
    });
    expect(await store.nextDueTime({ pool: 'main' }, [])).toBe(retriedAt);
    const claimed = await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([id]);
    expect(claimed[0].flowRun).toMatchObject({ state: { type: 'PENDING' }, workerName: 'w2' });
    // The attempt that runs next is the second.
    await propose(id, { type: 'RUNNING', name: 'Running' }, true);
    expect((await store.getFlowRun(id))!.state.attempt).toBe(2);
  });

  it("wakes a waiting claim when a run is retried, and never claims a flow's own retry, which its process goes on to run", async () => {
    const deploymentId = await deploy('flaky', { retryPolicy: { retries: 1, retryDelaySeconds: [60] } });
    const id = (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: clock - 1_000 })).id;
    await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 });
    await propose(id, { type: 'RUNNING', name: 'Running' }, true);
    // The policy turns a failure with attempts left into AwaitingRetry, still this process's.
    await propose(id, FAILED);
    expect((await store.getFlowRun(id))!.state.name).toBe('AwaitingRetry');
    clock = Date.now() + 120_000;
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).toEqual([]);
    expect(await store.nextDueTime({ pool: 'main' }, [])).toBeNull();

    const other = await ranAndEnded(await deploy('other'), { type: 'CRASHED', name: 'Crashed' });
    let told = 0;
    const stop = store.onClaimableChange(() => told++);
    try {
      expect((await retry(other, 'retried through the API')).outcome.ok).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(told).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual([other]);
  });

  it("keeps its deployment's concurrency limit: a retried run waits while the deployment runs as many as it may", async () => {
    const deploymentId = await deploy('single', { concurrencyLimit: 1 });
    const failed = await ranAndEnded(deploymentId, FAILED);
    const running = (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: clock - 1_000 })).id;
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual([running]);
    await propose(running, { type: 'RUNNING', name: 'Running' }, true);

    expect((await retry(failed, 'retried from the UI')).outcome.ok).toBe(true);
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).toEqual([]);
    expect((await store.getFlowRun(failed))!.state.name).toBe('AwaitingRetry');

    await propose(running, { type: 'COMPLETED', name: 'Completed' });
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w2', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual([failed]);
  });

  it('a served deployment (no pool) gets its retried run back through its own claims', async () => {
    const [served] = await store.deploy([{ name: 'served', flowName: 'etl', entrypoint: 'flows/etl.ts:etl' }]);
    const id = await ranAndEnded(served.id, { type: 'CANCELLED', name: 'Cancelled' }, { deploymentId: served.id });
    expect((await retry(id, 'retried from the command line')).outcome.ok).toBe(true);
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).toEqual([]);
    const claimed = await store.claimRuns({ deploymentId: served.id }, { worker: 'serve', queues: [], limit: 10 });
    expect(claimed.map((c) => c.flowRun.id)).toEqual([id]);
  });

  it('refuses a run that has not finished, and one whose deployment was deleted, saying why', async () => {
    const deploymentId = await deploy('gone');
    const waiting = (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime: clock + 60_000 })).id;
    const { outcome: notFinished } = await retry(waiting, 'retried from the command line');
    expect(notFinished).toMatchObject({ ok: false, reason: 'NOT_RETRYABLE', message: expect.stringContaining('is Scheduled') });

    const failed = await ranAndEnded(deploymentId, FAILED);
    expect(await store.deleteDeployment(deploymentId)).toBe(true);
    const { outcome } = await retry(failed, 'retried from the command line');
    expect(outcome).toMatchObject({ ok: false, reason: 'NOT_RETRYABLE' });
    expect(!outcome.ok && outcome.message).toMatch(/is a run of deployment etl\/gone, which was deleted.*flowdeck deployment run/);
    expect((await store.getFlowRun(failed))!.state.name).toBe('Failed');
  });

  it('retries a run of a paused pool, saying in its state that it waits until the pool is resumed', async () => {
    const deploymentId = await deploy('held');
    const id = await ranAndEnded(deploymentId, FAILED);
    await store.updateWorkPool('main', { paused: true });
    const { outcome } = await retry(id, 'retried from the UI, reusing completed tasks');
    expect(outcome.ok && outcome.run.state).toMatchObject({
      name: 'AwaitingRetry',
      message: 'retried from the UI, reusing completed tasks; work pool main is paused: the run waits until it is resumed',
    });
    expect(await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).toEqual([]);
    await store.updateWorkPool('main', { paused: false });
    expect((await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 10 })).map((c) => c.flowRun.id)).toEqual([id]);
  });
});
