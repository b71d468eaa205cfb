// Prefect's caching (docs/v3/advanced/caching.mdx, tests/test_tasks.py TestTaskCaching): a task
// that persists its result and names no policy caches on Prefect's DEFAULT policy, its inputs and
// code within one flow run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, task } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { historyOf, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

describe('persistResult with no cache policy', () => {
  it('a repeated identical call in one run is Cached (test_repeated_task_call_within_flow_is_cached_by_default)', async () => {
    let calls = 0;
    const foo = task({ name: 'foo', persistResult: true }, (x: number) => {
      calls++;
      return { x };
    });
    const outcome = await flow({ name: 'repeated' }, async () => [await foo(1), await foo(1)]).run();
    expect(outcome.result).toEqual([{ x: 1 }, { x: 1 }]);
    expect(calls).toBe(1);
    const [first, second] = await taskRunsOf(env.store, outcome.flowRunId, 'foo');
    expect(first.state.name).toBe('Completed');
    expect(second.state.name).toBe('Cached');
    expect(second.state.type).toBe('COMPLETED');
    expect(await historyOf(env.store, second.id)).toEqual(['Pending:1', 'Cached:1']);
    expect(second.state.resultRef).toBe(first.state.resultRef);
  });

  it('different inputs are not cached (test_cache_misses_arent_cached)', async () => {
    let calls = 0;
    const foo = task({ name: 'foo-misses', persistResult: true }, (x: number) => (calls++, x));
    const outcome = await flow({ name: 'misses' }, async () => [await foo(1), await foo(2)]).run();
    expect(outcome.result).toEqual([1, 2]);
    expect(calls).toBe(2);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'foo-misses')).map((r) => r.state.name)).toEqual(['Completed', 'Completed']);
  });

  it('another flow run computes again: the default policy includes the flow run id', async () => {
    let calls = 0;
    const foo = task({ name: 'foo-runs', persistResult: true }, (x: number) => (calls++, x));
    const f = flow({ name: 'two-runs' }, () => foo(1));
    const first = await f.run();
    const second = await f.run();
    expect(calls).toBe(2);
    expect((await taskRunsOf(env.store, second.flowRunId, 'foo-runs'))[0].state.name).toBe('Completed');
    expect((await taskRunsOf(env.store, first.flowRunId, 'foo-runs'))[0].state.cacheKey).not.toBe(
      (await taskRunsOf(env.store, second.flowRunId, 'foo-runs'))[0].state.cacheKey,
    );
  });

  it("cachePolicy 'none' turns the default off (test_no_cache_default_is_respected_even_with_result_persistence)", async () => {
    let calls = 0;
    const foo = task({ name: 'foo-none', persistResult: true, cachePolicy: 'none' }, (x: number) => (calls++, x));
    const outcome = await flow({ name: 'none' }, async () => [await foo(1), await foo(1)]).run();
    expect(calls).toBe(2);
    const runs = await taskRunsOf(env.store, outcome.flowRunId, 'foo-none');
    expect(runs.map((r) => r.state.name)).toEqual(['Completed', 'Completed']);
    expect(runs[0].state.resultRef).toBeDefined();
  });

  it('a cacheKeyFn takes precedence over the default (test_cache_hits_within_flows_are_cached)', async () => {
    let calls = 0;
    const foo = task({ name: 'foo-key', persistResult: true, cacheKeyFn: (_ctx, _x: number) => 'cache-hit-1' }, (x: number) => (calls++, x));
    const outcome = await flow({ name: 'key-fn' }, async () => [await foo(1), await foo(2)]).run();
    expect(outcome.result).toEqual([1, 1]);
    expect(calls).toBe(1);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'foo-key')).map((r) => r.state.name)).toEqual(['Completed', 'Cached']);
  });

  it('a changed function is a cache miss: the default policy includes the task source', async () => {
    let calls = 0;
    const one = task({ name: 'same-name', persistResult: true }, (x: number) => (calls++, x));
    const other = task({ name: 'same-name', persistResult: true }, (x: number) => (calls++, x * 1));
    const outcome = await flow({ name: 'source-change' }, async () => [await one(1), await other(1)]).run();
    expect(calls).toBe(2);
    expect(outcome.result).toEqual([1, 1]);
  });

  it('withOptions({ persistResult: true }) turns the default on for the copy', async () => {
    let calls = 0;
    const plain = task({ name: 'plain-then-persisted' }, (x: number) => (calls++, x));
    const persisted = plain.withOptions({ persistResult: true });
    const outcome = await flow({ name: 'with-options' }, async () => [await persisted(1), await persisted(1), await plain(1)]).run();
    expect(calls).toBe(2);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'plain-then-persisted')).map((r) => r.state.name)).toEqual([
      'Completed',
      'Cached',
      'Completed',
    ]);
  });

  it('a future passed as input is cached on its value (test_cache_key_fn_receives_resolved_futures)', async () => {
    let calls = 0;
    const source = task({ name: 'source' }, () => 5);
    const foo = task({ name: 'foo-future', persistResult: true }, (x: number) => (calls++, x * 2));
    const outcome = await flow({ name: 'future-input' }, async () => [await foo(source.submit() as unknown as number), await foo(5)]).run();
    expect(outcome.result).toEqual([10, 10]);
    expect(calls).toBe(1);
  });
});
