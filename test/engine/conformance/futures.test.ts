// Prefect's future semantics (tests/test_futures.py, tests/test_tasks.py): futures are resolved
// to their results wherever they travel, and recorded as references to their task runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowFailure, flow, task, TaskRunFuture, unmapped, UpstreamFailedError } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { onlyTaskRun, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const addOne = task({ name: 'add-one' }, (x: number) => x + 1);
const numbers = task({ name: 'numbers' }, () => [1, 2, 3]);

/** The flow's result as the store recorded it. */
async function storedResult(flowRunId: string): Promise<unknown> {
  const result = (await env.store.getFlowRun(flowRunId))!.result;
  return result === null || result === undefined ? result : JSON.parse(result);
}

describe('a flow returning futures returns their values (resolve_futures_to_results)', () => {
  it('a flow returning a future returns its value, to the caller and in the store', async () => {
    const f = flow({ name: 'returns-future' }, () => addOne.submit(1));
    const outcome = await f.run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe(2);
    expect(await storedResult(outcome.flowRunId)).toBe(2);
    expect(await f()).toBe(2);
  });

  it('a flow returning a map returns the list of values (test_simple_map)', async () => {
    const outcome = await flow({ name: 'returns-map' }, () => addOne.map([1, 2, 3])).run();
    expect(outcome.result).toEqual([2, 3, 4]);
    expect(Array.isArray(outcome.result)).toBe(true);
    expect(await storedResult(outcome.flowRunId)).toEqual([2, 3, 4]);
  });

  it('futures inside arrays and objects are resolved (test_resolves_futures_in_nested_collections)', async () => {
    const outcome = await flow({ name: 'returns-nested' }, () => {
      const a = addOne.submit(1);
      return { single: a, list: [a, addOne.submit(10)], nested: { deeper: [{ value: addOne.submit(20) }] }, plain: 'text' };
    }).run();
    const expected = { single: 2, list: [2, 11], nested: { deeper: [{ value: 21 }] }, plain: 'text' };
    expect(outcome.result).toEqual(expected);
    expect(await storedResult(outcome.flowRunId)).toEqual(expected);
  });

  it('a returned value without futures is returned as it is (test_resolve_futures_to_results_with_no_futures)', async () => {
    const value = { a: [1, 2], b: { c: 'd' } };
    const outcome = await flow({ name: 'returns-plain' }, () => value).run();
    expect(outcome.result).toBe(value);
  });

  it('a subflow returning a future gives its parent the value', async () => {
    const child = flow({ name: 'child-returns-future' }, () => addOne.submit(41));
    const outcome = await flow({ name: 'parent-of-future' }, async () => (await child()) as unknown as number).run();
    expect(outcome.result).toBe(42);
  });
});

describe('futures passed to tasks are resolved (resolve_inputs)', () => {
  it('a future passed to a task is its value (test_downstream_runs_if_upstream_succeeds)', async () => {
    const outcome = await flow({ name: 'future-arg' }, () => addOne(addOne.submit(1) as unknown as number)).run();
    expect(outcome.result).toBe(3);
  });

  it('a future of a list passed to map is mapped over its values (test_map_can_take_future_as_input)', async () => {
    const outcome = await flow({ name: 'map-future' }, () => addOne.map(numbers.submit() as unknown as number[])).run();
    expect(outcome.result).toEqual([2, 3, 4]);
    const source = await onlyTaskRun(env.store, outcome.flowRunId, 'numbers');
    const mapped = await taskRunsOf(env.store, outcome.flowRunId, 'add-one');
    expect(mapped.map((r) => r.inputs)).toEqual(['[1]', '[2]', '[3]']);
    // test_map_preserves_dependencies_between_futures_all_mapped_children
    for (const run of mapped) expect(run.upstream).toEqual([source.id]);
  });

  it('a map over a future waits for it; result() and wait() see every run', async () => {
    const outcome = await flow({ name: 'map-future-wait' }, async () => {
      const list = addOne.map(numbers.submit() as unknown as number[], unmapped(0) as never);
      const states = await list.wait();
      return { states: states.map((s) => s?.name), values: await list.result(), length: list.length };
    }).run();
    expect(outcome.result).toEqual({ states: ['Completed', 'Completed', 'Completed'], values: [2, 3, 4], length: 3 });
  });

  it('a map over a map still waiting on a future maps over its runs one by one (test_map_can_take_future_as_input, chained)', async () => {
    const factor = task({ name: 'factor' }, () => 2);
    const times = task({ name: 'times' }, (x: number, by: number) => x * by);
    const sum = task({ name: 'sum' }, (values: number[]) => values.reduce((a, b) => a + b, 0));
    const outcome = await flow({ name: 'chained-deferred-maps' }, async () => {
      const doubled = times.map([1, 2, 3], factor.submit() as unknown as number);
      const added = addOne.map(doubled);
      return sum(added as unknown as number[]);
    }).run();
    expect(outcome.result).toBe(15);
    const added = await taskRunsOf(env.store, outcome.flowRunId, 'add-one');
    expect(added.map((t) => t.state.name)).toEqual(['Completed', 'Completed', 'Completed']);
    // Each run of add-one stands on one run of times.
    const timesIds = new Set((await taskRunsOf(env.store, outcome.flowRunId, 'times')).map((t) => t.id));
    for (const run of added) expect(run.upstream.filter((id) => timesIds.has(id))).toHaveLength(1);
  });

  it('a map over a future that failed starts no run and its result rejects with UpstreamFailedError', async () => {
    const broken = task({ name: 'broken-list' }, (): number[] => {
      throw new Error('no list');
    });
    let caught: unknown;
    const outcome = await flow({ name: 'map-failed-future' }, async () => {
      const list = addOne.map(broken.submit() as unknown as number[]);
      caught = await list.result().catch((e: unknown) => e);
      return (await list.wait()).length;
    }).run();
    expect(outcome.result).toBe(0);
    expect(caught).toBeInstanceOf(UpstreamFailedError);
    expect((caught as Error).message).toContain('no list');
    expect(await taskRunsOf(env.store, outcome.flowRunId, 'add-one')).toEqual([]);
  });

  it('futures nested in arrays and objects are resolved before the task runs', async () => {
    const describeInput = task({ name: 'describe' }, (input: { list: number[]; one: { n: number } }) => input);
    const outcome = await flow({ name: 'nested-args' }, () => {
      const a = addOne.submit(1);
      return describeInput({ list: [a, addOne.submit(2)], one: { n: a } } as never);
    }).run();
    expect(outcome.result).toEqual({ list: [2, 3], one: { n: 2 } });
  });

  it('a FutureList passed to a task is the list of its values', async () => {
    const total = task({ name: 'total' }, (xs: number[]) => xs.reduce((a, b) => a + b, 0));
    const outcome = await flow({ name: 'future-list-arg' }, () => total(addOne.map([1, 2, 3]) as unknown as number[])).run();
    expect(outcome.result).toBe(9);
  });

  it('allowFailure inside a collection hands the downstream the error (test_downstream_receives_exception_in_collection_if_upstream_fails_and_allow_failure)', async () => {
    const fails = task({ name: 'fails' }, () => {
      throw new RangeError('bad');
    });
    const look = task({ name: 'look' }, (xs: unknown[]) => xs.map((x) => (x instanceof Error ? x.message : x)));
    const outcome = await flow({ name: 'allow-failure-list' }, () => look([allowFailure(fails.submit()), 1] as never)).run();
    expect(outcome.result).toEqual(['bad', 1]);
  });
});

describe('recorded task inputs (task_inputs)', () => {
  it('a future argument is recorded as a reference to its task run, never as a future', async () => {
    const outcome = await flow({ name: 'inputs-reference' }, async () => {
      const a = addOne.submit(1);
      await addOne(a);
    }).run();
    const [upstream, downstream] = await taskRunsOf(env.store, outcome.flowRunId, 'add-one');
    expect(JSON.parse(downstream.inputs!)).toEqual([{ taskRun: upstream.id, name: upstream.name }]);
    expect(downstream.inputs).not.toContain('future');
    expect(downstream.upstream).toEqual([upstream.id]);
  });

  it('plain arguments are recorded as values (test_task_inputs_populated_with_no_upstreams)', async () => {
    const outcome = await flow({ name: 'inputs-values' }, () => addOne(5)).run();
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'add-one')).inputs).toBe('[5]');
  });

  it('nested futures are recorded as references too (test_task_inputs_populated_with_nested_upstream_futures)', async () => {
    const keep = task({ name: 'keep' }, (x: unknown) => x);
    const outcome = await flow({ name: 'inputs-nested' }, () => {
      const a = addOne.submit(1);
      return keep({ items: [a], allowed: allowFailure(a) });
    }).run();
    const upstream = await onlyTaskRun(env.store, outcome.flowRunId, 'add-one');
    const kept = await onlyTaskRun(env.store, outcome.flowRunId, 'keep');
    expect(JSON.parse(kept.inputs!)).toEqual([
      { items: [{ taskRun: upstream.id, name: upstream.name }], allowed: { taskRun: upstream.id, name: upstream.name, allowFailure: true } },
    ]);
    expect(outcome.result).toEqual({ items: [2], allowed: 2 });
  });

  it("a future knows its run's name once it is submitted", async () => {
    let future: TaskRunFuture | null = null;
    await flow({ name: 'future-name' }, () => {
      future = addOne.submit(1);
      return future;
    }).run();
    expect(future!.runName).toBe('add-one-0');
  });
});
