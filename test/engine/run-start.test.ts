import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../app/core/index.js';
import { CancelledError, flow, getRunContext, RunAbortedError, task, waitFor, type TaskRunFuture } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { delay, namesOf, onlyTaskRun, taskRunsOf, until } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Records a flow run of `flowName` in the store, in `state`, for the engine to continue. */
async function recordFlowRun(flowName: string, state: { type: 'SCHEDULED'; name: string; scheduledTime: number }): Promise<string> {
  const id = newId();
  await env.store.createFlowRun({
    id,
    flowName,
    name: `${flowName}-continued`,
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    transitionId: newId(),
    state,
  });
  return id;
}

describe('starting a flow run', () => {
  it('a run continued before its scheduled time waits for it, then runs', async () => {
    let runs = 0;
    const f = flow({ name: 'scheduled-later' }, () => ++runs);
    const due = Date.now() + 150;
    const id = await recordFlowRun('scheduled-later', { type: 'SCHEDULED', name: 'Scheduled', scheduledTime: due });
    const outcome = await f.run({}, { flowRunId: id, flowRunName: 'scheduled-later-continued' });
    expect(outcome.ok).toBe(true);
    expect(outcome.result).toBe(1);
    expect(await namesOf(env.store, id)).toEqual(['Scheduled', 'Running', 'Completed']);
    const running = (await env.store.listStates(id)).find((s) => s.name === 'Running')!;
    // The store allows 2 ms of clock difference between processes.
    expect(running.timestamp).toBeGreaterThanOrEqual(due - 2);
  });

  it('a finished run the store will not start again ends with the state the store holds, without running', async () => {
    let runs = 0;
    const f = flow({ name: 'finished-once' }, () => ++runs);
    const first = await f.run();
    expect(first.state.name).toBe('Completed');
    const again = await f.run({}, { flowRunId: first.flowRunId, flowRunName: first.flowRunName });
    expect(runs).toBe(1);
    expect(again.ok).toBe(false);
    expect(again.state).toEqual(first.state);
    expect(again.error).toBeInstanceOf(RunAbortedError);
    expect((again.error as Error).message).toMatch(new RegExp(`^flow run '${first.flowRunName}' could not start: `));
    expect(await namesOf(env.store, first.flowRunId)).toEqual(['Pending', 'Running', 'Completed']);
  });
});

describe('starting a task run', () => {
  it('a task run waiting for a concurrency slot is cancelled with its flow run and never runs', async () => {
    await env.store.setConcurrencyLimit('single', 1);
    const ran: number[] = [];
    const slot = task({ name: 'slot-user', tags: ['single'] }, async (i: number) => {
      ran.push(i);
      const signal = getRunContext().signal;
      while (!signal.aborted) await delay(5);
      throw signal.reason;
    });
    const f = flow({ name: 'cancel-while-waiting-for-slot' }, async () => {
      const id = getRunContext().flowRun.id;
      const holder = slot.submit(1);
      await until(() => holder.state?.name === 'Running');
      const waiter = slot.submit(2);
      await until(() => waiter.state?.name === 'AwaitingConcurrencySlot');
      await env.store.cancelFlowRun(id);
      await Promise.allSettled([holder.result(), waiter.result()]);
      return waiter.result();
    });
    const outcome = await f.run();
    expect(outcome.state.name).toBe('Cancelled');
    expect(outcome.error).toBeInstanceOf(CancelledError);
    expect(ran).toEqual([1]);
    const [holder, waiter] = await taskRunsOf(env.store, outcome.flowRunId, 'slot-user');
    expect(await namesOf(env.store, holder.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(await namesOf(env.store, waiter.id)).toEqual(['Pending', 'AwaitingConcurrencySlot', 'Cancelled']);
    expect(waiter.runCount).toBe(0);
    expect((await env.store.getConcurrencyLimit('single'))!.activeSlots).toEqual([]);
  });

  it('a task run the store will not start, finished elsewhere meanwhile, fails its call and keeps the state the store holds', async () => {
    let ran = false;
    let later: TaskRunFuture<unknown> | null = null;
    const finishElsewhere = task({ name: 'finish-elsewhere' }, async () => {
      await until(() => later !== null);
      await env.store.setState({ kind: 'task', runId: later!.taskRunId, state: { type: 'COMPLETED', name: 'Completed' }, transitionId: newId() });
    });
    const refused = task({ name: 'refused-start' }, () => {
      ran = true;
    });
    let caught: unknown;
    const outcome = await flow({ name: 'start-refused' }, async () => {
      const first = finishElsewhere.submit();
      later = refused.submit(waitFor(first));
      caught = await later.result().catch((error: unknown) => error);
    }).run();
    expect(ran).toBe(false);
    expect(caught).toBeInstanceOf(RunAbortedError);
    expect((caught as Error).message).toBe("task run 'refused-start-0' was not started: a run in state Completed cannot move to Running");
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'refused-start');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Completed']);
    expect(outcome.state.name).toBe('Completed');
  });
});
