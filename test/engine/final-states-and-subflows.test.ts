import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../app/server/index.js';
import { ConcurrentTaskRunner, flow, getRunContext, RunAbortedError, task, TimeoutError, type TaskRunner } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { delay, historyOf, idle, namesOf, onlyTaskRun, stateNamed, taskRunsOf } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** Counts how many calls are inside `body` at once. */
function gauge() {
  let now = 0;
  let max = 0;
  return {
    get max() {
      return max;
    },
    async around<T>(body: () => Promise<T>): Promise<T> {
      now++;
      max = Math.max(max, now);
      try {
        return await body();
      } finally {
        now--;
      }
    },
  };
}

/** [start, end] of each run's Running period, from the recorded states. */
async function runningSpans(store: RunStore, ids: string[]): Promise<[number, number][]> {
  return Promise.all(
    ids.map(async (id): Promise<[number, number]> => {
      const states = await store.listStates(id);
      const start = states.find((s) => s.type === 'RUNNING')!.timestamp;
      const end = states.find((s) => s.type === 'COMPLETED' || s.type === 'FAILED')!.timestamp;
      return [start, end];
    }),
  );
}

describe("a flow's final state", () => {
  it('is Completed with the returned value, recorded as its result', async () => {
    const f = flow({ name: 'returns' }, () => ({ rows: 3, names: ['a'] }));
    const outcome = await f.run();
    expect(outcome).toMatchObject({ ok: true, result: { rows: 3, names: ['a'] } });
    const run = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
    expect(run.result).toBe('{"rows":3,"names":["a"]}');
    expect(run).toMatchObject({ flowName: 'returns', runCount: 1, pid: process.pid, hostname: hostname(), parentFlowRunId: null });
    expect(run.startTime).toBe((await stateNamed(env.store, run.id, 'Running')).timestamp);
    expect(run.endTime).toBe((await stateNamed(env.store, run.id, 'Completed')).timestamp);
    await expect(f()).resolves.toEqual({ rows: 3, names: ['a'] });
  });

  it('is Failed with the thrown error, and calling the flow rejects with that same error', async () => {
    const boom = new SyntaxError('bad config');
    const f = flow({ name: 'throws' }, () => {
      throw boom;
    });
    const outcome = await f.run();
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(boom);
    const state = (await env.store.getFlowRun(outcome.flowRunId))!.state;
    expect([state.type, state.name, state.message, state.error?.name]).toEqual(['FAILED', 'Failed', 'bad config', 'SyntaxError']);
    await expect(f()).rejects.toBe(boom);
  });

  it('records a thrown non-Error too', async () => {
    const outcome = await flow({ name: 'throws-string' }, () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a thrown non-Error is what is tested
      throw 'plain string';
    }).run();
    expect(outcome.error).toBe('plain string');
    expect(outcome.state.error).toEqual({ name: 'Error', message: 'plain string' });
  });

  it('is Completed when the flow catches a task failure, which stays Failed on the task run', async () => {
    const fails = task({ name: 'fails' }, () => {
      throw new Error('task broke');
    });
    const outcome = await flow({ name: 'catches' }, async () => {
      try {
        await fails();
      } catch {
        return 'recovered';
      }
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe('recovered');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'fails')).state.name).toBe('Failed');
  });

  it('is Completed when a submitted task fails but the flow returns normally', async () => {
    const fails = task({ name: 'fails-unawaited' }, () => {
      throw new Error('ignored');
    });
    const outcome = await flow({ name: 'ignores' }, () => {
      fails.submit();
      return 'done';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'fails-unawaited')).state.name).toBe('Failed');
  });

  it("is Failed with a task's error when the flow lets it through", async () => {
    const fails = task({ name: 'fails-through' }, () => {
      throw new RangeError('too big');
    });
    const outcome = await flow({ name: 'lets-through' }, () => fails()).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.error).toMatchObject({ name: 'RangeError', message: 'too big' });
  });

  it('stops the other task runs of a failed attempt', async () => {
    const slow = task({ name: 'slow-sibling' }, () => idle(5000));
    const fails = task({ name: 'fails-fast' }, async () => {
      await delay(10);
      throw new Error('fast failure');
    });
    const outcome = await flow({ name: 'siblings' }, async () => {
      const s = slow.submit();
      await fails();
      await s.result();
    }).run();
    expect(outcome.state.name).toBe('Failed');
    expect(await namesOf(env.store, (await onlyTaskRun(env.store, outcome.flowRunId, 'slow-sibling')).id)).toEqual([
      'Pending',
      'Running',
      'Cancelled',
    ]);
  });
});

describe('subflows', () => {
  it('a flow called inside a flow is a child run linked to its parent, with its own task runs', async () => {
    const leaf = task({ name: 'leaf' }, (x: number) => x + 1);
    const child = flow({ name: 'child' }, async (params: { x: number }) => leaf(params.x));
    const parent = flow({ name: 'parent' }, async () => {
      const a = await child({ x: 1 });
      const b = await child({ x: 10 });
      return a + b;
    });
    const outcome = await parent.run();
    expect(outcome.result).toBe(13);
    const children = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(children).toHaveLength(2);
    const subflowTaskRuns = await taskRunsOf(env.store, outcome.flowRunId, 'child');
    for (const run of children) {
      expect(run).toMatchObject({ flowName: 'child', parentFlowRunId: outcome.flowRunId });
      expect(subflowTaskRuns.map((t) => t.id)).toContain(run.parentTaskRunId);
      expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
      expect(await taskRunsOf(env.store, run.id, 'leaf')).toHaveLength(1);
    }
    expect(children.map((c) => c.parameters).sort((a, b) => (a.x as number) - (b.x as number))).toEqual([{ x: 1 }, { x: 10 }]);
    expect(await env.store.listTaskRuns(outcome.flowRunId)).toHaveLength(2);
  });

  it('a flow called inside a task also records the task run as its parent', async () => {
    const child = flow({ name: 'child-of-task' }, () => getRunContext().flowRun.id);
    const wrapper = task({ name: 'wrapper' }, () => child());
    const outcome = await flow({ name: 'task-parent' }, () => wrapper()).run();
    const wrapperRun = await onlyTaskRun(env.store, outcome.flowRunId, 'wrapper');
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(childRun.id).toBe(outcome.result);
    expect(childRun.parentTaskRunId).toBe(wrapperRun.id);
  });

  it('a failing subflow rejects in the parent with its error', async () => {
    const boom = new Error('child broke');
    const child = flow({ name: 'failing-child' }, () => {
      throw boom;
    });
    let caught: unknown;
    const catching = flow({ name: 'catching-parent' }, async () => {
      caught = await child().catch((e: unknown) => e);
      return 'survived';
    });
    const letting = flow({ name: 'letting-parent' }, () => child());
    const a = await catching.run();
    const b = await letting.run();
    expect(caught).toBe(boom);
    expect(a.state.name).toBe('Completed');
    expect(b.state.name).toBe('Failed');
    expect(b.error).toBe(boom);
    for (const parent of [a, b]) {
      const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: parent.flowRunId });
      expect(childRun.state.name).toBe('Failed');
      expect(childRun.state.error?.message).toBe('child broke');
    }
  });

  it('a subflow retries on its own', async () => {
    let calls = 0;
    const child = flow({ name: 'retrying-child', retries: 1, retryDelaySeconds: 0 }, () => {
      if (++calls === 1) throw new Error('once');
      return calls;
    });
    const outcome = await flow({ name: 'retry-parent' }, () => child()).run();
    expect(outcome.result).toBe(2);
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(await historyOf(env.store, childRun.id)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
  });

  it('the parent ends only after a subflow it did not await', async () => {
    const child = flow({ name: 'background-child' }, async () => {
      await delay(30);
      return 'child done';
    });
    const outcome = await flow({ name: 'hasty-parent' }, () => {
      void child();
      return 'parent returned';
    }).run();
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(childRun.state.name).toBe('Completed');
    expect(childRun.endTime!).toBeLessThanOrEqual((await env.store.getFlowRun(outcome.flowRunId))!.endTime!);
  });

  it("a parent's timeout stops its running subflow before the parent ends", async () => {
    const child = flow({ name: 'slow-child' }, () => idle(5000));
    const outcome = await flow({ name: 'impatient-parent', timeoutSeconds: 0.05 }, () => child()).run();
    expect(outcome.state.name).toBe('TimedOut');
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(await namesOf(env.store, childRun.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(childRun.state.message).toContain('timed out');
    expect(childRun.endTime!).toBeLessThanOrEqual((await env.store.getFlowRun(outcome.flowRunId))!.endTime!);
  });
});

describe('concurrency', () => {
  it('ConcurrentTaskRunner({ maxConcurrency: 2 }) never runs more than 2 task runs at once', async () => {
    const g = gauge();
    const work = task({ name: 'work' }, (i: number) => g.around(() => delay(10).then(() => i)));
    const outcome = await flow({ name: 'limited', taskRunner: new ConcurrentTaskRunner({ maxConcurrency: 2 }) }, () =>
      work.map([1, 2, 3, 4, 5, 6]).result(),
    ).run();
    expect(outcome.result).toEqual([1, 2, 3, 4, 5, 6]);
    expect(g.max).toBe(2);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'work')).every((r) => r.state.name === 'Completed')).toBe(true);
  });

  it('the default runner runs submitted task runs concurrently', async () => {
    const g = gauge();
    const work = task({ name: 'work-free' }, (_i: number) => g.around(() => delay(20)));
    await flow({ name: 'unlimited' }, () => work.map([1, 2, 3, 4]).wait()).run();
    expect(g.max).toBe(4);
  });

  it('a runner of its own that only schedules (no admit) runs each submitted task run through schedule', async () => {
    let scheduled = 0;
    const runner: TaskRunner = {
      name: 'scheduling-only',
      schedule: (start) => {
        scheduled++;
        return start();
      },
      execute: (call) => call.runInline(),
      close: () => Promise.resolve(),
    };
    const double = task({ name: 'double-scheduled' }, (x: number) => {
      if (x === 3) throw new Error('three');
      return x * 2;
    });
    const outcome = await flow({ name: 'scheduled', taskRunner: runner }, async () => {
      const ok = await double.map([1, 2]).result();
      const failed = await double
        .submit(3)
        .result()
        .catch((e: Error) => e.message);
      return { ok, failed };
    }).run();
    expect(outcome.result).toEqual({ ok: [2, 4], failed: 'three' });
    expect(scheduled).toBe(3);
  });

  it('refuses a maxConcurrency below 1', () => {
    expect(() => new ConcurrentTaskRunner({ maxConcurrency: 0 })).toThrow(/1 or more/);
  });

  it("a tag's concurrency limit makes tasks wait for a slot, and they never overlap", async () => {
    await env.store.setConcurrencyLimit('db', 1);
    const g = gauge();
    const query = task({ name: 'query', tags: ['db', 'other'] }, (i: number) => g.around(() => delay(15).then(() => i)));
    const outcome = await flow({ name: 'tag-limited' }, () => query.map([1, 2, 3]).result()).run();
    expect(outcome.result).toEqual([1, 2, 3]);
    expect(g.max).toBe(1);
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'query');
    const histories = await Promise.all(runs.map((r) => namesOf(env.store, r.id)));
    const waited = histories.filter((h) => h.includes('AwaitingConcurrencySlot'));
    expect(waited.length).toBeGreaterThanOrEqual(1);
    for (const h of waited) expect(h).toEqual(['Pending', 'AwaitingConcurrencySlot', 'Running', 'Completed']);
    const waiting = await stateNamed(env.store, runs.find((r, i) => histories[i].includes('AwaitingConcurrencySlot'))!.id, 'AwaitingConcurrencySlot');
    expect(waiting.message).toBe("waiting for a slot of tag 'db' (limit 1)");
    const spans = (
      await runningSpans(
        env.store,
        runs.map((r) => r.id),
      )
    ).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect((await env.store.getConcurrencyLimit('db'))!.activeSlots).toEqual([]);
  });

  it('a tag limit holds across flow runs, and failed runs give their slot back', async () => {
    await env.store.setConcurrencyLimit('api', 1);
    const g = gauge();
    const call = task({ name: 'call', tags: ['api'] }, (fail: boolean) =>
      g.around(async () => {
        await delay(10);
        if (fail) throw new Error('api down');
      }),
    );
    const f = flow({ name: 'api-user' }, (params: { fail: boolean }) => call.map([params.fail, params.fail]).wait());
    const outcomes = await Promise.all([f.run({ fail: true }), f.run({ fail: false })]);
    expect(g.max).toBe(1);
    const states = (await Promise.all(outcomes.map((o) => taskRunsOf(env.store, o.flowRunId, 'call'))))
      .flat()
      .map((r) => r.state.name)
      .sort();
    expect(states).toEqual(['Completed', 'Completed', 'Failed', 'Failed']);
    expect((await env.store.getConcurrencyLimit('api'))!.activeSlots).toEqual([]);
  });

  it('a limit of 0 stops the task run at once', async () => {
    await env.store.setConcurrencyLimit('frozen', 0);
    let ran = false;
    const t = task({ name: 'frozen-task', tags: ['frozen'] }, () => {
      ran = true;
    });
    let caught: unknown;
    const outcome = await flow({ name: 'frozen' }, async () => {
      caught = await t().catch((e: unknown) => e);
    }).run();
    expect(ran).toBe(false);
    expect(caught).toBeInstanceOf(RunAbortedError);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'frozen-task');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Failed']);
    expect(run.state.message).toMatch(/concurrency limit for tag 'frozen' is 0/);
  });

  it("fails, not cancels, a task refused for a tag whose name speaks of cancelling: the refusal's code decides", async () => {
    await env.store.setConcurrencyLimit('cancel-queue', 0);
    const t = task({ name: 'queued', tags: ['cancel-queue'] }, () => 1);
    let caught: unknown;
    const outcome = await flow({ name: 'cancel-queue-user' }, async () => {
      caught = await t().catch((e: unknown) => e);
    }).run();
    expect(caught).toBeInstanceOf(RunAbortedError);
    expect(await namesOf(env.store, (await onlyTaskRun(env.store, outcome.flowRunId, 'queued')).id)).toEqual(['Pending', 'Failed']);
  });
});
