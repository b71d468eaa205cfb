// Retry on the page of a deployment's run, in real Chromium against a real server: the run goes
// back to its pool, AwaitingRetry, and a worker (played on the store, as it claims and reports)
// takes it and runs its next attempt; the page follows without a reload.
import { hostname } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { newId, type ProposedState } from '../../app/core/index.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function propose(runId: string, state: ProposedState, owner = false): Promise<void> {
  const result = await suite.server.store.setStateNow({
    kind: 'flow',
    runId,
    transitionId: newId(),
    state,
    ...(owner ? { owner: { pid: process.pid, hostname: hostname() } } : {}),
  });
  expect(result.status, result.reason).toBe('ACCEPT');
}

/** A worker's claim of the pool's due runs, answering the one it took. */
async function claim(worker: string): Promise<string> {
  const claimed = await suite.server.store.claimRuns({ pool: 'local' }, { worker, queues: [], limit: 1 });
  expect(claimed).toHaveLength(1);
  return claimed[0].flowRun.id;
}

describe("Retry on a deployment run's page", () => {
  it('hands the run to its pool: AwaitingRetry, then Retrying on the worker that took it, then Completed', async () => {
    const store = suite.server.store;
    await store.createWorkPool({ name: 'local', type: 'process' });
    // The deployment's file is in no workspace: its runs run from its bundle, on the pool's workers.
    const [deployment] = await store.deploy([{ name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'local' }]);
    const run = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: Date.now() - 1_000 });
    expect(await claim('box-1')).toBe(run.id);
    await propose(run.id, { type: 'RUNNING', name: 'Running' }, true);
    await propose(run.id, { type: 'FAILED', name: 'Failed', message: 'the warehouse is not ready' });

    const ui = await suite.open(`${suite.server.url}#/runs/${run.id}`);
    const { page } = ui;
    const badge = page.getByTestId('flow-run-state');
    const where = page.getByTestId('run-deployment');
    await expect.poll(() => badge.innerText(), WAIT).toBe('Failed');
    expect(await where.innerText()).toBe('etl/nightly · worker box-1');
    const retry = page.getByRole('button', { name: 'Retry', exact: true });
    expect(await retry.isEnabled()).toBe(true);
    expect(await retry.getAttribute('title')).toBe(
      'Run it again as its next attempt, on a worker of work pool local, reusing the results of the tasks that completed',
    );

    await retry.click();
    await expect.poll(() => badge.innerText(), WAIT).toBe('AwaitingRetry');
    await expect.poll(() => where.innerText(), WAIT).toBe('etl/nightly · work pool local');
    expect(await page.getByText('retried from the UI, reusing completed tasks').count()).toBe(1);
    expect(await page.getByTestId('toast').count()).toBe(0);
    expect(await store.getFlowRun(run.id)).toMatchObject({ state: { name: 'AwaitingRetry' }, workPool: 'local', workerName: null });

    // A worker of the pool takes it and runs its second attempt.
    expect(await claim('box-2')).toBe(run.id);
    await propose(run.id, { type: 'RUNNING', name: 'Running' }, true);
    await expect.poll(() => badge.innerText(), WAIT).toBe('Retrying');
    await expect.poll(() => where.innerText(), WAIT).toBe('etl/nightly · worker box-2');
    await propose(run.id, { type: 'COMPLETED', name: 'Completed' });
    await expect.poll(() => badge.innerText(), WAIT).toBe('Completed');
    expect((await store.getFlowRun(run.id))!.runCount).toBe(2);
    expect(ui.errors).toEqual([]);
  });
});
