import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { State } from '../../app/core/index.js';
import { configureEngine } from '../../app/engine/hosting.js';
import { exponentialBackoff, flow, getRunContext, task, type RunInfo } from '../../app/engine/index.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { failing, historyOf, logsOf, onlyTaskRun, taskRunsOf } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Store clocks are whole milliseconds; allow for rounding only. */
const TOLERANCE_MS = 1;

async function awaitingRetries(store: RunStore, runId: string): Promise<State[]> {
  return (await store.listStates(runId)).filter((s) => s.name === 'AwaitingRetry');
}

/** The delay each AwaitingRetry state asked for: its scheduled time minus when it was recorded. */
async function retryDelays(store: RunStore, runId: string): Promise<number[]> {
  return (await awaitingRetries(store, runId)).map((s) => s.scheduledTime! - s.timestamp);
}

function expectDelays(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((ms, i) => expect(Math.abs(ms - expected[i])).toBeLessThanOrEqual(TOLERANCE_MS));
}

describe('task retries', () => {
  it('records every attempt, with the error on each AwaitingRetry and the final Failed', async () => {
    const t = task({ name: 'always-fails', retries: 2, retryDelaySeconds: 0.02 }, failing(10));
    const outcome = await flow({ name: 'fixed-delay' }, () => t()).run();
    expect(outcome.state.name).toBe('Failed');
    expect((outcome.error as Error).message).toBe('failure 3');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'always-fails');
    expect(await historyOf(env.store, run.id)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'AwaitingRetry:2',
      'Retrying:3',
      'Failed:3',
    ]);
    expect(run.runCount).toBe(3);
    const states = await env.store.listStates(run.id);
    const withErrors = states.filter((s) => s.name === 'AwaitingRetry' || s.name === 'Failed');
    expect(withErrors.map((s) => [s.message, s.error?.name, s.error?.message])).toEqual([
      ['failure 1', 'Error', 'failure 1'],
      ['failure 2', 'Error', 'failure 2'],
      ['failure 3', 'Error', 'failure 3'],
    ]);
    expect(withErrors.every((s) => s.error?.stack?.includes('failure'))).toBe(true);
    expectDelays(await retryDelays(env.store, run.id), [20, 20]);
    // Each retry starts no earlier than its scheduled time (the store allows 2 ms of clock skew).
    const retrying = states.filter((s) => s.name === 'Retrying');
    (await awaitingRetries(env.store, run.id)).forEach((waiting, i) => {
      expect(retrying[i].timestamp).toBeGreaterThanOrEqual(waiting.scheduledTime! - 2);
    });
  });

  it("completes on a later attempt and returns that attempt's value", async () => {
    const t = task({ name: 'flaky', retries: 3, retryDelaySeconds: 0 }, failing(2));
    const outcome = await flow({ name: 'eventually' }, () => t()).run();
    expect(outcome.result).toBe(3);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'flaky');
    expect(await historyOf(env.store, run.id)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'AwaitingRetry:2',
      'Retrying:3',
      'Completed:3',
    ]);
    expectDelays(await retryDelays(env.store, run.id), [0, 0]);
    const logs = await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id });
    const retryLines = logs.filter((l) => l.message.startsWith('attempt'));
    expect(retryLines.map((l) => [l.attempt, l.level])).toEqual([
      [1, 40],
      [2, 40],
    ]);
    expect(retryLines[0].message).toMatch(/^attempt 1 failed; retrying in \d+ ms: Error: failure 1\n\s+at /);
  });

  it('takes delays from a list, repeating the last one', async () => {
    const t = task({ name: 'listed', retries: 3, retryDelaySeconds: [0.01, 0.03] }, failing(10));
    const outcome = await flow({ name: 'listed-delays' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'listed');
    expect(run.retryPolicy.retryDelaySeconds).toEqual([0.01, 0.03]);
    expectDelays(await retryDelays(env.store, run.id), [10, 30, 30]);
    expect(run.state.name).toBe('Failed');
    expect(run.runCount).toBe(4);
  });

  it('doubles the delay with exponentialBackoff', async () => {
    const t = task({ name: 'backoff', retries: 3, retryDelaySeconds: exponentialBackoff(0.01) }, failing(10));
    const outcome = await flow({ name: 'backoff-delays' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'backoff');
    expect(run.retryPolicy.retryDelaySeconds).toEqual([0.01, 0.02, 0.04]);
    expectDelays(await retryDelays(env.store, run.id), [10, 20, 40]);
  });

  it('spreads delays by the jitter factor, within base * (1 ± factor)', async () => {
    const t = task({ name: 'jitter', retries: 4, retryDelaySeconds: 0.02, retryJitterFactor: 0.5 }, failing(10));
    const outcome = await flow({ name: 'jittered' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'jitter');
    expect(run.retryPolicy).toEqual({ retries: 4, retryDelaySeconds: [0.02], retryJitterFactor: 0.5 });
    const delays = await retryDelays(env.store, run.id);
    expect(delays).toHaveLength(4);
    for (const ms of delays) {
      expect(ms).toBeGreaterThanOrEqual(10 - TOLERANCE_MS);
      expect(ms).toBeLessThanOrEqual(30 + TOLERANCE_MS);
    }
  });

  it('reaches both ends of the jitter range', async () => {
    const t = task({ name: 'jitter-ends', retries: 1, retryDelaySeconds: 0.02, retryJitterFactor: 0.5 }, failing(10));
    const f = flow({ name: 'jitter-ends' }, () => t());
    const delaysWith = async (random: number) => {
      const store = await openTestStore({ path: env.path, random: () => random });
      configureEngine({ reporter: store });
      try {
        const outcome = await f.run();
        return await retryDelays(store, (await onlyTaskRun(store, outcome.flowRunId, 'jitter-ends')).id);
      } finally {
        await store.close();
        configureEngine({ reporter: env.store });
      }
    };
    expectDelays(await delaysWith(0), [10]);
    expectDelays(await delaysWith(0.5), [20]);
    expectDelays(await delaysWith(0.9999), [30]);
  });

  it('does not retry when retryCondition says no, and passes it the task, run and error', async () => {
    const calls: { subject: unknown; run: RunInfo; error: unknown }[] = [];
    const t = task(
      {
        name: 'conditional',
        retries: 5,
        retryDelaySeconds: 0,
        tags: ['t'],
        retryCondition: (subject, run, error) => {
          calls.push({ subject, run, error });
          return (error as Error).message !== 'failure 2';
        },
      },
      failing(10),
    );
    const outcome = await flow({ name: 'retry-condition' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'conditional');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Failed:2']);
    expect(calls).toHaveLength(2);
    expect(calls[0].subject).toBe(t);
    expect(calls[0].run).toEqual({ id: run.id, name: run.name, flowRunId: outcome.flowRunId, attempt: 1, tags: ['t'] });
    expect(calls[1].run.attempt).toBe(2);
    expect((calls[1].error as Error).message).toBe('failure 2');
  });

  it('an async retryCondition that returns false stops at the first failure', async () => {
    const t = task({ name: 'never-retry', retries: 3, retryCondition: async () => false }, failing(10));
    const outcome = await flow({ name: 'no-retry' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'never-retry');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'Failed:1']);
  });

  it('is not asked once no retries are left', async () => {
    let asked = 0;
    const t = task({ name: 'last-attempt', retries: 1, retryCondition: () => ++asked > 0 }, failing(10));
    const outcome = await flow({ name: 'last-attempt' }, () => t()).run();
    expect(asked).toBe(1);
    expect((await historyOf(env.store, (await onlyTaskRun(env.store, outcome.flowRunId, 'last-attempt')).id)).at(-1)).toBe('Failed:2');
  });

  it('a retryCondition that throws means no retry, and says so in the logs', async () => {
    const t = task(
      {
        name: 'bad-condition',
        retries: 3,
        retryCondition: () => {
          throw new Error('condition broke');
        },
      },
      failing(10),
    );
    const outcome = await flow({ name: 'bad-condition' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'bad-condition');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'Failed:1']);
    expect(run.state.error?.message).toBe('failure 1');
    const logs = await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id });
    expect(logs.some((l) => l.level === 40 && l.message.includes('retry condition failed') && l.message.includes('condition broke'))).toBe(true);
  });

  it('refuses bad retry options when the task is defined', () => {
    expect(() => task({ name: 'x', retries: -1 }, () => 1)).toThrow(/retries must be a whole number/);
    expect(() => task({ name: 'x', retries: 1.5 }, () => 1)).toThrow(/retries must be a whole number/);
    expect(() => task({ name: 'x', retryDelaySeconds: [] }, () => 1)).toThrow(/retryDelaySeconds/);
    expect(() => task({ name: 'x', retryDelaySeconds: -1 }, () => 1)).toThrow(/retryDelaySeconds/);
    expect(() => task({ name: 'x', retryDelaySeconds: [1, Number.NaN] }, () => 1)).toThrow(/retryDelaySeconds/);
    expect(() => task({ name: 'x', retryJitterFactor: -0.1 }, () => 1)).toThrow(/retryJitterFactor/);
    expect(() => exponentialBackoff(-1)).toThrow(/factor/);
    expect(() => flow({ name: 'x', retries: -2 }, () => 1)).toThrow(/retries/);
  });
});

describe('flow retries', () => {
  it('retries the whole flow and records each attempt, with its own task runs', async () => {
    const attempts: number[] = [];
    const step = task({ name: 'step' }, () => getRunContext().flowRun.attempt);
    const f = flow({ name: 'flow-retries', retries: 2, retryDelaySeconds: 0.02 }, async () => {
      attempts.push(getRunContext().flowRun.attempt);
      const seen = await step();
      if (attempts.length < 3) throw new Error(`flow failure ${attempts.length}`);
      return seen;
    });
    const outcome = await f.run();
    expect(outcome.ok).toBe(true);
    expect(outcome.result).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'AwaitingRetry:2',
      'Retrying:3',
      'Completed:3',
    ]);
    const waits = await awaitingRetries(env.store, outcome.flowRunId);
    expect(waits.map((s) => s.error?.message)).toEqual(['flow failure 1', 'flow failure 2']);
    expectDelays(await retryDelays(env.store, outcome.flowRunId), [20, 20]);
    const flowRun = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect(flowRun.runCount).toBe(3);
    expect(flowRun.retryPolicy).toEqual({ retries: 2, retryDelaySeconds: [0.02] });
    const steps = await taskRunsOf(env.store, outcome.flowRunId, 'step');
    expect(steps).toHaveLength(3);
    expect(steps.every((r) => r.state.name === 'Completed')).toBe(true);
  });

  it('ends Failed with the last error once its retries are used up', async () => {
    let calls = 0;
    const f = flow({ name: 'flow-gives-up', retries: 1, retryDelaySeconds: exponentialBackoff(0.01) }, () => {
      calls++;
      throw new Error(`flow failure ${calls}`);
    });
    const outcome = await f.run();
    expect(outcome.ok).toBe(false);
    expect((outcome.error as Error).message).toBe('flow failure 2');
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Failed:2']);
    expectDelays(await retryDelays(env.store, outcome.flowRunId), [10]);
    expect((await env.store.getFlowRun(outcome.flowRunId))!.state.error?.message).toBe('flow failure 2');
    await expect(f()).rejects.toThrow('flow failure 4');
  });
});
