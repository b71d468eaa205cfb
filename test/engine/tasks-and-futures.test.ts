import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowFailure, flow, FutureList, task, TaskRunFuture, unmapped, UpstreamFailedError, waitFor } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { sqliteOf } from '../helpers/store-factory.js';
import { delay, historyOf, namesOf, onlyTaskRun, stateNamed, taskRunsOf, until } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

describe('defining tasks', () => {
  it('task(fn) takes its name from the function and names runs after it', async () => {
    const double = task(function double(x: number) {
      return x * 2;
    });
    expect(double.name).toBe('double');
    const f = flow({ name: 'naming' }, async () => [await double(1), await double(2)]);
    const outcome = await f.run();
    expect(outcome.result).toEqual([2, 4]);
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'double');
    expect(runs.map((r) => [r.name, r.dynamicKey])).toEqual([
      ['double-0', 0],
      ['double-1', 1],
    ]);
  });

  it('task(options, fn) uses the name and records the options on the run', async () => {
    const t = task({ name: 'named', tags: ['a', 'b'], retries: 2, retryDelaySeconds: [1, 2] }, () => 'ok');
    expect(t.name).toBe('named');
    expect(t.options.retries).toBe(2);
    const outcome = await flow({ name: 'options' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'named');
    expect(run.tags).toEqual(['a', 'b']);
    expect(run.retryPolicy).toEqual({ retries: 2, retryDelaySeconds: [1, 2] });
    expect(run.runCount).toBe(1);
  });

  it('refuses a task without a name and bad options', () => {
    expect(() => task((() => 1) as () => number)).toThrow(/needs a name/);
    expect(() => task({ name: 'x', timeoutSeconds: 0 }, () => 1)).toThrow(/timeoutSeconds/);
    expect(() => task({ name: 'x', cachePolicy: 'inputs', cacheKeyFn: () => 'k' }, () => 1)).toThrow(/both cachePolicy and cacheKeyFn/);
    expect(() => task({ name: 'x' } as never)).toThrow(/needs a function/);
  });

  it('runs sync and async functions alike and records the result preview', async () => {
    const sync = task({ name: 'sync' }, (x: number) => x + 1);
    const asyncTask = task({ name: 'async' }, async (x: number) => {
      await delay(5);
      return { value: x + 2 };
    });
    const outcome = await flow({ name: 'sync-async' }, async () => [await sync(1), await asyncTask(1)]).run();
    expect(outcome.result).toEqual([2, { value: 3 }]);
    for (const key of ['sync', 'async']) {
      expect(await historyOf(env.store, (await onlyTaskRun(env.store, outcome.flowRunId, key)).id)).toEqual([
        'Pending:1',
        'Running:1',
        'Completed:1',
      ]);
    }
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'async')).result).toBe('{"value":3}');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'sync')).inputs).toBe('[1]');
  });

  it('calling a task rejects with its own error, recorded on the Failed state', async () => {
    const boom = new TypeError('bad input');
    const fails = task({ name: 'fails' }, () => {
      throw boom;
    });
    let caught: unknown;
    const outcome = await flow({ name: 'rejects' }, async () => {
      try {
        await fails();
      } catch (error) {
        caught = error;
      }
    }).run();
    expect(caught).toBe(boom);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'fails');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'Failed']);
    const failed = await stateNamed(env.store, run.id, 'Failed');
    expect(failed.message).toBe('bad input');
    expect(failed.error).toMatchObject({ name: 'TypeError', message: 'bad input' });
    expect(failed.error?.stack).toContain('bad input');
  });

  it('outside a flow a task is a plain call that records nothing', async () => {
    const plain = task({ name: 'plain', retries: 3 }, (x: number) => x * 10);
    await expect(plain(4)).resolves.toBe(40);
    const fails = task({ name: 'plain-fails', retries: 3 }, () => {
      throw new Error('no retries outside flows');
    });
    await expect(fails()).rejects.toThrow('no retries outside flows');
    expect(() => plain.submit(1)).toThrow(/outside a flow/);
    expect(await env.store.listFlowRuns()).toEqual([]);
    // Counted in SQLite's table: no answer of the store lists task runs apart from their flow run.
    expect(sqliteOf(env.store).database.prepare('SELECT COUNT(*) AS n FROM task_runs').get()).toEqual({ n: 0 });
  });

  it('withOptions returns a changed copy and leaves the original alone', async () => {
    const base = task({ name: 'base', tags: ['x'] }, (x: number) => x);
    const copy = base.withOptions({ name: 'copy', tags: ['y'], retries: 1 });
    expect(copy).not.toBe(base);
    expect(copy.name).toBe('copy');
    expect(copy.fn).toBe(base.fn);
    expect(base.options).toEqual({ name: 'base', tags: ['x'] });
    expect(copy.options).toEqual({ name: 'copy', tags: ['y'], retries: 1 });
    const outcome = await flow({ name: 'with-options' }, async () => [await base(1), await copy(2)]).run();
    expect(outcome.result).toEqual([1, 2]);
    // A copy runs the same function, so it keeps the task key (and shares its cache).
    const [baseRun, copyRun] = await taskRunsOf(env.store, outcome.flowRunId, 'base');
    expect([baseRun.name, copyRun.name]).toEqual(['base-0', 'copy-1']);
    expect(baseRun.tags).toEqual(['x']);
    expect(baseRun.retryPolicy.retries).toBe(0);
    expect(copyRun.tags).toEqual(['y']);
    expect(copyRun.retryPolicy.retries).toBe(1);
  });
});

describe('futures', () => {
  it('submit returns a future with result(), wait() and the latest state', async () => {
    const slow = task({ name: 'slow' }, async (x: number) => {
      await delay(20);
      return x * 3;
    });
    let seen: { future: TaskRunFuture<number>; early: string | undefined; final: unknown; result: number } | null = null;
    const outcome = await flow({ name: 'submit' }, async () => {
      const future = slow.submit(5);
      expect(future).toBeInstanceOf(TaskRunFuture);
      expect(future.taskName).toBe('slow');
      // The future follows the run's states as the store accepts them.
      await until(() => future.state?.name === 'Running');
      const early = future.state?.name;
      const final = await future.wait();
      seen = { future, early, final, result: await future.result() };
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'slow');
    expect(seen!.future.taskRunId).toBe(run.id);
    expect(seen!.early).toBe('Running');
    expect(seen!.final).toMatchObject({ type: 'COMPLETED', name: 'Completed' });
    expect(seen!.future.state).toEqual(run.state);
    expect(seen!.result).toBe(15);
  });

  it('a failed future rejects result() but wait() resolves with the Failed state', async () => {
    const fails = task({ name: 'future-fails' }, async () => {
      throw new Error('nope');
    });
    const outcome = await flow({ name: 'failed-future' }, async () => {
      const future = fails.submit();
      const state = await future.wait();
      await expect(future.result()).rejects.toThrow('nope');
      return state?.name;
    }).run();
    expect(outcome.result).toBe('Failed');
  });

  it('map zips several iterables, repeats plain values and passes unmapped() whole', async () => {
    const combine = task({ name: 'combine' }, (a: number, b: string, extra: number[], k: string) => `${a}${b}${extra.length}${k}`);
    const outcome = await flow({ name: 'map-zip' }, async () => {
      const futures = combine.map([1, 2, 3], new Set(['x', 'y', 'z']), unmapped([7, 8]), 'k');
      expect(futures).toBeInstanceOf(FutureList);
      expect(futures).toHaveLength(3);
      return futures.result();
    }).run();
    expect(outcome.result).toEqual(['1x2k', '2y2k', '3z2k']);
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'combine');
    expect(runs.map((r) => r.dynamicKey).sort()).toEqual([0, 1, 2]);
    expect(runs.map((r) => r.inputs).sort()).toEqual(['[1,"x",[7,8],"k"]', '[2,"y",[7,8],"k"]', '[3,"z",[7,8],"k"]']);
  });

  it('map refuses iterables of different lengths and calls without any iterable', async () => {
    const t = task({ name: 'mapped' }, (a: number, b: number) => a + b);
    const errors: string[] = [];
    const outcome = await flow({ name: 'map-mismatch' }, () => {
      for (const call of [() => t.map([1, 2], [1]), () => t.map(1 as never, 2 as never)]) {
        try {
          call();
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    }).run();
    expect(errors[0]).toMatch(/different lengths \(2, 1\)/);
    expect(errors[1]).toMatch(/at least one iterable/);
    expect(await env.store.listTaskRuns(outcome.flowRunId)).toEqual([]);
  });

  it('FutureList.result() keeps order and rejects with the first error; wait() gives every state', async () => {
    const maybe = task({ name: 'maybe' }, async (x: number) => {
      await delay(x === 1 ? 20 : 1);
      if (x === 2) throw new Error(`bad ${x}`);
      return x;
    });
    const ok = task({ name: 'ok' }, async (x: number) => {
      await delay(10 - x);
      return x;
    });
    const outcome = await flow({ name: 'future-list' }, async () => {
      const good = await ok.map([1, 2, 3]).result();
      const list = maybe.map([1, 2, 3]);
      const error = await list.result().catch((e: Error) => e.message);
      const states = (await list.wait()).map((s) => s?.name);
      return { good, error, states };
    }).run();
    expect(outcome.result).toEqual({ good: [1, 2, 3], error: 'bad 2', states: ['Completed', 'Failed', 'Completed'] });
  });

  it('FutureList.result() gives the results of runs that settled before it was asked, and none for an empty map', async () => {
    const double = task({ name: 'double-late' }, (x: number) => x * 2);
    const failing = task({ name: 'failing-late' }, (x: number) => {
      if (x === 2) throw new Error(`late ${x}`);
      return x;
    });
    const outcome = await flow({ name: 'future-list-late' }, async () => {
      const list = double.map([1, 2, 3]);
      const broken = failing.map([1, 2, 3]);
      await list.wait();
      await broken.wait();
      const error = await broken.result().catch((e: Error) => e.message);
      return { late: await list.result(), error, empty: await double.map([]).result() };
    }).run();
    expect(outcome.result).toEqual({ late: [2, 4, 6], error: 'late 2', empty: [] });
  });

  it('a map over futures resolves each one', async () => {
    const square = task({ name: 'square' }, (x: number) => x * x);
    const inc = task({ name: 'inc' }, (x: number) => x + 1);
    const outcome = await flow({ name: 'map-futures' }, async () => inc.map(square.map([1, 2, 3])).result()).run();
    expect(outcome.result).toEqual([2, 5, 10]);
    const squares = await taskRunsOf(env.store, outcome.flowRunId, 'square');
    const incs = await taskRunsOf(env.store, outcome.flowRunId, 'inc');
    for (const run of incs) {
      expect(run.upstream).toHaveLength(1);
      expect(squares.map((s) => s.id)).toContain(run.upstream[0]);
    }
  });

  it('futures passed as arguments, also inside arrays and objects, become results and are recorded as upstream', async () => {
    const one = task({ name: 'one' }, () => 1);
    const two = task({ name: 'two' }, () => 2);
    const sum = task({ name: 'sum' }, (a: number, rest: { list: number[]; b: number }) => a + rest.list[0] + rest.b);
    const outcome = await flow({ name: 'future-args' }, async () => {
      const a = one.submit();
      const b = two.submit();
      return sum(a, { list: [b] as unknown as number[], b: b as unknown as number });
    }).run();
    expect(outcome.result).toBe(5);
    const sumRun = await onlyTaskRun(env.store, outcome.flowRunId, 'sum');
    const oneRun = await onlyTaskRun(env.store, outcome.flowRunId, 'one');
    const twoRun = await onlyTaskRun(env.store, outcome.flowRunId, 'two');
    expect([...new Set(sumRun.upstream)].sort()).toEqual([oneRun.id, twoRun.id].sort());
  });

  it('waitFor makes the downstream run start only after the upstream ones finished', async () => {
    const order: string[] = [];
    const first = task({ name: 'first' }, async () => {
      await delay(30);
      order.push('first');
    });
    const second = task({ name: 'second' }, async () => {
      order.push('second');
    });
    const outcome = await flow({ name: 'wait-for' }, async () => {
      const a = first.submit();
      const b = second.submit(waitFor(a));
      await b.result();
    }).run();
    expect(order).toEqual(['first', 'second']);
    const firstRun = await onlyTaskRun(env.store, outcome.flowRunId, 'first');
    const secondRun = await onlyTaskRun(env.store, outcome.flowRunId, 'second');
    expect(secondRun.upstream).toEqual([firstRun.id]);
    const done = (await stateNamed(env.store, firstRun.id, 'Completed')).timestamp;
    const started = (await stateNamed(env.store, secondRun.id, 'Running')).timestamp;
    expect(started).toBeGreaterThanOrEqual(done);
  });

  it('waitFor works with calls and maps, and accepts a list of futures', async () => {
    const ran: string[] = [];
    const up = task({ name: 'up' }, async (x: number) => {
      await delay(10 * x);
      ran.push(`up${x}`);
    });
    const down = task({ name: 'down' }, (x: number) => {
      ran.push(`down${x}`);
      return x;
    });
    const outcome = await flow({ name: 'wait-for-map' }, async () => {
      const ups = up.map([1, 2]);
      const called = await down(0, waitFor(ups));
      const mapped = await down.map([1, 2], waitFor(ups)).result();
      return [called, ...mapped];
    }).run();
    expect(outcome.result).toEqual([0, 1, 2]);
    expect(ran.slice(0, 2)).toEqual(['up1', 'up2']);
    const ups = (await taskRunsOf(env.store, outcome.flowRunId, 'up')).map((r) => r.id).sort();
    for (const run of await taskRunsOf(env.store, outcome.flowRunId, 'down')) {
      expect([...run.upstream].sort()).toEqual(ups);
    }
  });

  it('a failed upstream leaves the downstream run NotReady, without running it; its future rejects with UpstreamFailedError', async () => {
    let called = false;
    const broken = task({ name: 'broken' }, () => {
      throw new Error('upstream broke');
    });
    const after = task({ name: 'after' }, (x: unknown) => {
      called = true;
      return x;
    });
    let caught: unknown;
    const outcome = await flow({ name: 'upstream-failed' }, async () => {
      const a = broken.submit();
      const b = after.submit(a);
      const c = after.submit(1, waitFor(a));
      caught = await b.result().catch((e: unknown) => e);
      await expect(c.result()).rejects.toBeInstanceOf(UpstreamFailedError);
      return 'flow is fine';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(called).toBe(false);
    const brokenRun = await onlyTaskRun(env.store, outcome.flowRunId, 'broken');
    expect(caught).toBeInstanceOf(UpstreamFailedError);
    expect((caught as UpstreamFailedError).upstreamTaskRunId).toBe(brokenRun.id);
    expect((caught as UpstreamFailedError).upstreamState?.name).toBe('Failed');
    for (const run of await taskRunsOf(env.store, outcome.flowRunId, 'after')) {
      expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'NotReady:1']);
      const notReady = await stateNamed(env.store, run.id, 'NotReady');
      expect(notReady.type).toBe('PENDING');
      expect(notReady.message).toContain(brokenRun.id);
      expect(notReady.message).toContain('Failed');
      expect(run.upstream).toEqual([brokenRun.id]);
    }
  });

  it('a failed upstream is not retried away: the downstream is NotReady once even with retries', async () => {
    const broken = task({ name: 'broken-2' }, () => {
      throw new Error('x');
    });
    const after = task({ name: 'after-retries', retries: 3, retryDelaySeconds: 0 }, (x: unknown) => x);
    const outcome = await flow({ name: 'upstream-no-retry' }, async () => {
      await after.submit(broken.submit()).wait();
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'after-retries');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'NotReady:1']);
  });

  it('allowFailure lets the downstream run and passes it the error (or the value)', async () => {
    const broken = task({ name: 'broken-3' }, () => {
      throw new RangeError('out of range');
    });
    const fine = task({ name: 'fine' }, () => 'value');
    const inspect = task({ name: 'inspect' }, (x: unknown) => (x instanceof Error ? `error ${x.name}: ${x.message}` : `value ${String(x)}`));
    const outcome = await flow({ name: 'allow-failure' }, async () => {
      const a = broken.submit();
      const b = fine.submit();
      return [await inspect(allowFailure(a)), await inspect(allowFailure(b)), await inspect('plain', waitFor(allowFailure(a)))];
    }).run();
    expect(outcome.result).toEqual(['error RangeError: out of range', 'value value', 'value plain']);
    const brokenRun = await onlyTaskRun(env.store, outcome.flowRunId, 'broken-3');
    const inspects = await taskRunsOf(env.store, outcome.flowRunId, 'inspect');
    expect(inspects.map((r) => r.state.name)).toEqual(['Completed', 'Completed', 'Completed']);
    expect(inspects[0].upstream).toEqual([brokenRun.id]);
    expect(inspects[2].upstream).toEqual([brokenRun.id]);
  });

  it('tasks submitted and called from inside tasks belong to the same flow run', async () => {
    const leaf = task({ name: 'leaf' }, (x: number) => x * 2);
    const parent = task({ name: 'parent' }, async (xs: number[]) => {
      const futures = leaf.map(xs);
      const direct = await leaf(100);
      return (await futures.result()).concat(direct);
    });
    const outcome = await flow({ name: 'nested' }, () => parent([1, 2])).run();
    expect(outcome.result).toEqual([2, 4, 200]);
    const leaves = await taskRunsOf(env.store, outcome.flowRunId, 'leaf');
    expect(leaves).toHaveLength(3);
    expect(leaves.every((r) => r.state.name === 'Completed')).toBe(true);
    const parentRun = await onlyTaskRun(env.store, outcome.flowRunId, 'parent');
    const parentDone = (await stateNamed(env.store, parentRun.id, 'Completed')).timestamp;
    for (const run of leaves) expect(run.endTime!).toBeLessThanOrEqual(parentDone);
  });

  it('a flow waits for task runs it submitted but never awaited', async () => {
    let finished = false;
    const background = task({ name: 'background' }, async () => {
      await delay(20);
      finished = true;
    });
    const outcome = await flow({ name: 'unawaited' }, () => {
      background.submit();
      return 'returned early';
    }).run();
    expect(finished).toBe(true);
    expect(outcome.state.name).toBe('Completed');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'background');
    expect(run.state.name).toBe('Completed');
    expect(run.endTime!).toBeLessThanOrEqual((await env.store.getFlowRun(outcome.flowRunId))!.endTime!);
  });
});
