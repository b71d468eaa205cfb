import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** A due run of a deployment of `flowName`, claimed by worker w1: Pending, as a worker's flow process finds it. */
async function claimedRun(flowName: string): Promise<{ id: string; name: string }> {
  await env.store.createWorkPool({ name: 'main', type: 'process' });
  const [deployment] = await env.store.deploy([{ name: 'daily', flowName, entrypoint: 'flows/f.ts:f', workPool: 'main' }]);
  await env.store.createDeploymentRun(deployment.id, { parameters: { n: 2 }, scheduledTime: Date.now() - 1 });
  const [claimed] = await env.store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 1 });
  expect(claimed.flowRun.state.type).toBe('PENDING');
  return { id: claimed.flowRun.id, name: claimed.flowRun.name };
}

describe('a claimed deployment run started by its flow process', () => {
  it('goes from Pending to Running, owned by the process, and completes', async () => {
    const run = await claimedRun('claimed-start');
    const f = flow({ name: 'claimed-start' }, ({ n }: { n: number }) => n * 21);
    const outcome = await f.run({ n: 2 }, { flowRunId: run.id, flowRunName: run.name });
    expect(outcome).toMatchObject({ ok: true, result: 42, flowRunId: run.id });
    expect((await env.store.listStates(run.id)).map((s) => s.name)).toEqual(['Scheduled', 'Pending', 'Running', 'Completed']);
    const stored = (await env.store.getFlowRun(run.id))!;
    expect(stored).toMatchObject({ pid: process.pid, hostname: hostname(), workerName: 'w1', deploymentName: 'claimed-start/daily' });
  });

  it('handed back while running, it belongs to no process, so no sweep takes it for crashed, and its task runs end', async () => {
    const run = await claimedRun('claimed-handback');
    await env.store.setState({
      kind: 'flow',
      runId: run.id,
      transitionId: 'start-1',
      state: { type: 'RUNNING', name: 'Running' },
      // A process that has ended since: the sweep would crash a run it still owned.
      owner: { pid: 2 ** 22 + 12345, hostname: hostname() },
    });
    const taskRunId = 'task-of-handed-back-run';
    await env.store.createTaskRun({
      id: taskRunId,
      flowRunId: run.id,
      taskKey: 'step',
      name: 'step-0',
      dynamicKey: 0,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      transitionId: 'task-start-1',
      state: { type: 'RUNNING', name: 'Running' },
    });
    expect(await env.store.releaseRuns({ pool: 'main' }, 'w1', [run.id])).toEqual([run.id]);
    expect(await env.store.sweepCrashedRuns()).toBe(0);
    // The attempt that was running is over: its task run does not stay Running.
    expect((await env.store.getTaskRun(taskRunId))!.state).toMatchObject({
      type: 'CANCELLED',
      message: 'its flow run was Scheduled again before this task run ended (handed back by worker w1)',
    });
    expect((await env.store.getFlowRun(run.id))!).toMatchObject({ state: { type: 'SCHEDULED', name: 'Scheduled' }, pid: null, workerName: null });
  });
});
