import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { State } from '../../app/core/index.js';
import { configureEngine } from '../../app/engine/hosting.js';
import { CancelledError, ConcurrentTaskRunner, flow, getRunContext, task, TimeoutError, type RunInfo } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { delay, historyOf, namesOf, onlyTaskRun, stateNamed, taskRunsOf, until } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Asks the store to cancel the current flow run a little later, as a person would. */
function cancelSoon(ms = 10): void {
  const id = getRunContext().flowRun.id;
  setTimeout(() => void env.store.cancelFlowRun(id), ms);
}

/** Resolves when the signal fires; never otherwise. */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

describe('timeouts', () => {
  it('timeoutSeconds fires the task signal and ends the run TimedOut, even when the function ignores it', async () => {
    let signal: AbortSignal | null = null;
    let bodyFinished = false;
    const stubborn = task({ name: 'stubborn', timeoutSeconds: 0.03 }, async () => {
      signal = getRunContext().signal;
      await delay(500); // ignores the signal
      bodyFinished = true;
      return 'too late';
    });
    let caught: unknown;
    const outcome = await flow({ name: 'task-timeout' }, async () => {
      caught = await stubborn().catch((e: unknown) => e);
    }).run();
    expect(bodyFinished).toBe(false);
    expect(caught).toBeInstanceOf(TimeoutError);
    expect((caught as TimeoutError).seconds).toBe(0.03);
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBe(caught);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'stubborn');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'TimedOut:1']);
    expect(run.state.type).toBe('FAILED');
    expect(run.state.error?.name).toBe('TimeoutError');
    expect(run.state.message).toBe(`task run '${run.name}' timed out after 0.03s`);
    expect(outcome.state.name).toBe('Completed');
  });

  it('a task that listens to the signal stops with it', async () => {
    let reason: unknown;
    const polite = task({ name: 'polite', timeoutSeconds: 0.02 }, async () => {
      reason = await aborted(getRunContext().signal);
      throw reason;
    });
    const outcome = await flow({ name: 'polite-timeout' }, () => polite().catch(() => 'handled')).run();
    expect(outcome.result).toBe('handled');
    expect(reason).toBeInstanceOf(TimeoutError);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'polite')).state.name).toBe('TimedOut');
  });

  it('timed-out attempts are retried, each with a fresh signal', async () => {
    const signals: AbortSignal[] = [];
    const slowThenFast = task({ name: 'slow-then-fast', timeoutSeconds: 0.03, retries: 1, retryDelaySeconds: 0 }, async () => {
      signals.push(getRunContext().signal);
      if (signals.length === 1) await delay(200);
      return signals.length;
    });
    const outcome = await flow({ name: 'timeout-retry' }, () => slowThenFast()).run();
    expect(outcome.result).toBe(2);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'slow-then-fast');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);
    expect((await stateNamed(env.store, run.id, 'AwaitingRetry')).error?.name).toBe('TimeoutError');
    expect(signals[0].aborted).toBe(true);
    expect(signals[0]).not.toBe(signals[1]);
  });

  it('a flow timeout ends the flow TimedOut and stops its running task', async () => {
    let taskSignal: AbortSignal | null = null;
    const waits = task({ name: 'waits' }, async () => {
      taskSignal = getRunContext().signal;
      await delay(300);
    });
    // Long enough for the task to be running when the flow times out.
    const f = flow({ name: 'flow-timeout', timeoutSeconds: 0.1 }, async () => {
      await waits();
      return 'never';
    });
    const outcome = await f.run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.state.name).toBe('TimedOut');
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual(['Pending:1', 'Running:1', 'TimedOut:1']);
    const flowRun = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect(flowRun.state.error?.name).toBe('TimeoutError');
    expect(flowRun.state.message).toBe(`flow run '${outcome.flowRunName}' timed out after 0.1s`);
    expect(taskSignal!.aborted).toBe(true);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'waits');
    // The task is stopped by its flow's timeout and says so.
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'TimedOut']);
    expect(run.state.message).toBe(flowRun.state.message);
    expect(run.endTime!).toBeLessThanOrEqual(flowRun.endTime!);
  });

  it('a flow timeout does not leave a retrying task waiting', async () => {
    const flaky = task({ name: 'flaky-in-timed-flow', retries: 5, retryDelaySeconds: 10 }, () => {
      throw new Error('again');
    });
    const outcome = await flow({ name: 'flow-timeout-retry', timeoutSeconds: 0.1 }, () => flaky()).run();
    expect(outcome.state.name).toBe('TimedOut');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'flaky-in-timed-flow');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'AwaitingRetry', 'Cancelled']);
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() => task({ name: 'x', timeoutSeconds: -1 }, () => 1)).toThrow(/positive/);
    expect(() => flow({ name: 'x', timeoutSeconds: 0 }, () => 1)).toThrow(/positive/);
  });
});

describe('cancellation', () => {
  it('cancelling a running flow in the store cancels it and its running task, and runs onCancellation hooks', async () => {
    const hookCalls: { who: string; subject: unknown; run: RunInfo; state: State }[] = [];
    let reason: unknown;
    const listens = task(
      {
        name: 'listens',
        onCancellation: (subject, run, state) => void hookCalls.push({ who: 'task', subject, run, state }),
      },
      async () => {
        cancelSoon();
        reason = await aborted(getRunContext().signal);
        throw reason;
      },
    );
    let flowSignal: AbortSignal | null = null;
    const f = flow(
      {
        name: 'cancel-me',
        onCancellation: (subject, run, state) => void hookCalls.push({ who: 'flow', subject, run, state }),
      },
      async () => {
        flowSignal = getRunContext().signal;
        await listens();
      },
    );
    const outcome = await f.run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBeInstanceOf(CancelledError);
    expect(outcome.state.name).toBe('Cancelled');
    expect(await namesOf(env.store, outcome.flowRunId)).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
    expect((await stateNamed(env.store, outcome.flowRunId, 'Cancelling')).message).toBe('cancellation requested');
    expect(flowSignal!.aborted).toBe(true);
    expect(reason).toBeInstanceOf(CancelledError);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'listens');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(hookCalls.map((c) => [c.who, c.state.name])).toEqual([
      ['task', 'Cancelled'],
      ['flow', 'Cancelled'],
    ]);
    expect(hookCalls[0].subject).toBe(listens);
    expect(hookCalls[0].run.id).toBe(run.id);
    expect(hookCalls[1].subject).toBe(f);
    expect(hookCalls[1].run).toMatchObject({ id: outcome.flowRunId, flowRunId: outcome.flowRunId });
  });

  it('a task that ignores the signal is still recorded Cancelled and the flow does not wait for it', async () => {
    let finished = false;
    const deaf = task({ name: 'deaf' }, async () => {
      cancelSoon();
      await delay(1000);
      finished = true;
    });
    const f = flow({ name: 'cancel-deaf' }, () => deaf());
    const outcome = await f.run();
    expect(finished).toBe(false);
    expect(outcome.state.name).toBe('Cancelled');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'deaf')).state.name).toBe('Cancelled');
  });

  it('a task run waiting to retry is cancelled with its flow', async () => {
    const retrying = task({ name: 'retrying', retries: 3, retryDelaySeconds: 10 }, () => {
      throw new Error('fail');
    });
    const f = flow({ name: 'cancel-waiting' }, async () => {
      const id = getRunContext().flowRun.id;
      const r = retrying.submit();
      await until(() => r.state?.name === 'AwaitingRetry');
      await env.store.cancelFlowRun(id);
      await r.result();
    });
    const outcome = await f.run();
    expect(outcome.state.name).toBe('Cancelled');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'retrying');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'AwaitingRetry', 'Cancelled']);
    expect(run.runCount).toBe(1);
  });

  it('a task run queued behind the task runner never starts once its flow is cancelled', async () => {
    let starts = 0;
    const hold = task({ name: 'hold' }, async (_i: number) => {
      if (++starts === 1) cancelSoon();
      await aborted(getRunContext().signal);
      throw getRunContext().signal.reason;
    });
    const f = flow({ name: 'cancel-queued', taskRunner: new ConcurrentTaskRunner({ maxConcurrency: 1 }) }, async () => {
      await hold.map([1, 2]).wait();
    });
    const outcome = await f.run();
    expect(outcome.state.name).toBe('Cancelled');
    expect(starts).toBe(1);
    const [first, second] = await taskRunsOf(env.store, outcome.flowRunId, 'hold');
    expect(await namesOf(env.store, first.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(await namesOf(env.store, second.id)).toEqual(['Pending', 'Cancelled']);
  });

  it('the store refuses to start a task run of a flow being cancelled, before the engine hears of it', async () => {
    let started = false;
    const t = task({ name: 'refused' }, () => {
      started = true;
    });
    let caught: unknown;
    // No heartbeat during this test: only the store's answer can tell the engine.
    configureEngine({ heartbeatSeconds: 60 });
    const f = flow({ name: 'cancel-before-start' }, async () => {
      await env.store.cancelFlowRun(getRunContext().flowRun.id);
      // The heartbeat has not told the engine yet: the store's rules stop the task.
      expect(getRunContext().signal.aborted).toBe(false);
      caught = await t().catch((e: unknown) => e);
      throw caught;
    });
    const outcome = await f.run().finally(() => configureEngine({ heartbeatSeconds: 0.05 }));
    expect(started).toBe(false);
    expect(caught).toBeInstanceOf(CancelledError);
    expect((caught as Error).message).toMatch(/its flow run is cancelling/);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'refused');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Cancelled']);
    // The flow ends Cancelled, not Failed with a CancelledError.
    expect(await namesOf(env.store, outcome.flowRunId)).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
    expect(outcome.error).toBe(caught);
  });

  it('cancelling a flow cancels the subflow running in it', async () => {
    let parentId = '';
    const inner = task({ name: 'inner' }, async () => {
      setTimeout(() => void env.store.cancelFlowRun(parentId), 10);
      await aborted(getRunContext().signal);
      throw getRunContext().signal.reason;
    });
    const child = flow({ name: 'child-cancelled' }, () => inner());
    const parent = flow({ name: 'parent-cancelled' }, async () => {
      parentId = getRunContext().flowRun.id;
      await child();
    });
    const outcome = await parent.run();
    expect(outcome.state.name).toBe('Cancelled');
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(await namesOf(env.store, childRun.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(childRun.endTime!).toBeLessThanOrEqual((await env.store.getFlowRun(outcome.flowRunId))!.endTime!);
    expect((await taskRunsOf(env.store, childRun.id, 'inner')).map((r) => r.state.name)).toEqual(['Cancelled']);
  });

  it('a flow cancelled while it waits to retry ends Cancelled', async () => {
    let attempts = 0;
    const hooked: string[] = [];
    const f = flow(
      { name: 'cancel-flow-retry', retries: 2, retryDelaySeconds: 10, onCancellation: (_f, _r, state) => void hooked.push(state.name) },
      () => {
        attempts++;
        throw new Error('first attempt fails');
      },
    );
    const running = f.run();
    const stored = async () => (await env.store.listFlowRuns({ flowName: 'cancel-flow-retry' }))[0];
    await until(async () => (await stored())?.state.name === 'AwaitingRetry');
    expect((await env.store.cancelFlowRun((await stored()).id)).state?.name).toBe('Cancelled');
    const outcome = await running;
    expect(attempts).toBe(1);
    expect(outcome.ok).toBe(false);
    expect(outcome.state.name).toBe('Cancelled');
    expect(await namesOf(env.store, outcome.flowRunId)).toEqual(['Pending', 'Running', 'AwaitingRetry', 'Cancelled']);
    expect(hooked).toEqual(['Cancelled']);
  });
});
