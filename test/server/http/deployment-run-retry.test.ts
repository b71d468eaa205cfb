// The retry routes for a deployment's run, on a real server over a real store: both `/retry` and
// the run page's `/rerun` hand the run back to its pool (the file is in no workspace), and refuse
// with 409 what cannot be retried.
import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { newId, type FlowRun, type ProposedState } from '../../../app/core/index.js';
import { call, useTestServer } from './support.js';

const server = useTestServer();

async function propose(runId: string, state: ProposedState, owner = false): Promise<void> {
  const result = await server.current.store.setStateNow({
    kind: 'flow',
    runId,
    transitionId: newId(),
    state,
    ...(owner ? { owner: { pid: process.pid, hostname: hostname() } } : {}),
  });
  expect(result.status, result.reason).toBe('ACCEPT');
}

/** A deployment in pool `local` and a run of it that a worker ran until it failed. */
async function failedDeploymentRun(): Promise<{ deploymentId: string; run: FlowRun }> {
  const store = server.current.store;
  await store.createWorkPool({ name: 'local', type: 'process' });
  const [deployment] = await store.deploy([{ name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'local' }]);
  const run = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: Date.now() - 1_000 });
  await store.claimRuns({ pool: 'local' }, { worker: 'w1', queues: [], limit: 1 });
  await propose(run.id, { type: 'RUNNING', name: 'Running' }, true);
  await propose(run.id, { type: 'FAILED', name: 'Failed' });
  return { deploymentId: deployment.id, run };
}

it("the run page's rerun of a deployment's run makes it AwaitingRetry for its pool instead of refusing it for want of a workspace file", async () => {
  const { run } = await failedDeploymentRun();
  const answer = await call(`${server.current.api}/flow-runs/${run.id}/rerun`, { method: 'POST', body: { all: true, source: 'ui' } });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json).toEqual({ flowRunId: run.id });
  expect(await server.current.store.getFlowRun(run.id)).toMatchObject({
    state: { name: 'AwaitingRetry', message: 'retried from the UI, running every task again' },
    workPool: 'local',
    workerName: null,
  });
  const claimed = await server.current.store.claimRuns({ pool: 'local' }, { worker: 'w2', queues: [], limit: 1 });
  expect(claimed.map((c) => c.flowRun.id)).toEqual([run.id]);
});

it('retry says what the attempt does, and answers 409 for a run not finished and for one whose deployment was deleted', async () => {
  const { deploymentId, run } = await failedDeploymentRun();
  const retried = await call(`${server.current.api}/flow-runs/${run.id}/retry`, { method: 'POST', body: {} });
  expect(retried.status, retried.text).toBe(200);
  expect(retried.json).toMatchObject({ state: { name: 'AwaitingRetry', message: 'retried through the API, reusing completed tasks' } });

  const again = await call(`${server.current.api}/flow-runs/${run.id}/retry`, { method: 'POST', body: {} });
  expect(again.status).toBe(409);
  expect(again.json.message).toContain(`flow run '${run.name}' is AwaitingRetry`);

  await server.current.store.claimRuns({ pool: 'local' }, { worker: 'w2', queues: [], limit: 1 });
  await propose(run.id, { type: 'RUNNING', name: 'Running' }, true);
  await propose(run.id, { type: 'CRASHED', name: 'Crashed' });
  expect(await server.current.store.deleteDeployment(deploymentId)).toBe(true);
  for (const route of ['retry', 'rerun']) {
    const gone = await call(`${server.current.api}/flow-runs/${run.id}/${route}`, { method: 'POST', body: {} });
    expect(gone.status, route).toBe(409);
    expect(gone.json.message).toBe(
      `flow run '${run.name}' is a run of deployment etl/nightly, which was deleted, so no worker would take it again; ` +
        'deploy it again and start a new run with `flowdeck deployment run`',
    );
  }
});
