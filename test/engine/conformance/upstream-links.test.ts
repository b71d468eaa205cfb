// Prefect's relationship tracking (tests/test_tasks.py::TestTaskInputs): a value a task run
// returned, passed on by the flow, links the two runs as a future would. Prefect keys results by
// identity in the flow run's context; here objects and arrays are, and primitives are not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, task, unmapped, UpstreamFailedError } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { onlyTaskRun, taskRunsOf } from '../support.js';

const byKey = (a: { dynamicKey: number }, b: { dynamicKey: number }) => a.dynamicKey - b.dynamicKey;

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

type Row = { id: number };
const extract = task({ name: 'extract' }, (): Row[] => [{ id: 1 }, { id: 2 }]);
const load = task({ name: 'load' }, (rows: Row[]) => rows.length);
const loadRow = task({ name: 'load-row' }, (row: Row) => row.id);
const count = task({ name: 'count' }, () => 3);
const double = task({ name: 'double' }, (n: number) => n * 2);

describe('values that came from a task run (test_task_inputs_populated_with_result_upstream)', () => {
  it('an awaited result passed to the next task is its upstream; the inputs still show the value', async () => {
    const outcome = await flow({ name: 'etl' }, async () => {
      const rows = await extract();
      return load(rows);
    }).run();
    expect(outcome.result).toBe(2);
    const loadRun = await onlyTaskRun(env.store, outcome.flowRunId, 'load');
    expect(loadRun.upstream).toEqual([(await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id]);
    expect(JSON.parse(loadRun.inputs!)).toEqual([[{ id: 1 }, { id: 2 }]]);
  });

  it("a future's awaited result links as the future would (test_task_inputs_populated_with_result_upstream_from_future)", async () => {
    const outcome = await flow({ name: 'etl-from-future' }, async () => {
      const rows = await extract.submit().result();
      return load(rows);
    }).run();
    expect(outcome.result).toBe(2);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([
      (await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id,
    ]);
  });

  it('the objects directly inside a result link too, as Prefect links a result one level in', async () => {
    const outcome = await flow({ name: 'first-row' }, async () => {
      const rows = await extract();
      const wrapped = { rows };
      return [await loadRow(rows[0]), await load(wrapped.rows)];
    }).run();
    expect(outcome.result).toEqual([1, 2]);
    const extractId = (await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id;
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load-row')).upstream).toEqual([extractId]);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([extractId]);
  });

  it('a result inside a new array or object passed on links its run, as a future inside one does', async () => {
    const merge = task({ name: 'merge' }, (parts: { a: Row[]; b: Row[] }) => parts.a.length + parts.b.length);
    const outcome = await flow({ name: 'merges' }, async () => {
      const [a, b] = await Promise.all([extract(), extract()]);
      return merge({ a, b });
    }).run();
    expect(outcome.result).toBe(4);
    const extractIds = (await taskRunsOf(env.store, outcome.flowRunId, 'extract')).map((t) => t.id);
    expect(new Set((await onlyTaskRun(env.store, outcome.flowRunId, 'merge')).upstream)).toEqual(new Set(extractIds));
  });

  it('a result changed in place before it is passed on still links: identity, not equality', async () => {
    const outcome = await flow({ name: 'mutates' }, async () => {
      const rows = await extract();
      rows.push({ id: 3 });
      return load(rows);
    }).run();
    expect(outcome.result).toBe(3);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([
      (await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id,
    ]);
  });

  it('an equal object that did not come from the run links nothing', async () => {
    const outcome = await flow({ name: 'copies' }, async () => {
      const rows = await extract();
      return load(rows.map((row) => ({ ...row })));
    }).run();
    expect(outcome.result).toBe(2);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([]);
  });

  it('primitives cannot be told apart, so a number passed on links nothing', async () => {
    const outcome = await flow({ name: 'numbers' }, async () => double(await count())).run();
    expect(outcome.result).toBe(6);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'double')).upstream).toEqual([]);
  });

  it('a cached result links as a computed one does', async () => {
    const cachedExtract = task({ name: 'cached-extract', cachePolicy: 'inputs' }, (): Row[] => [{ id: 7 }]);
    const etl = flow({ name: 'cached-etl' }, async () => load(await cachedExtract()));
    await etl.run();
    const outcome = await etl.run();
    const extractRun = await onlyTaskRun(env.store, outcome.flowRunId, 'cached-extract');
    expect(extractRun.state.name).toBe('Cached');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([extractRun.id]);
  });

  it('links stay within a flow run: a value handed into a subflow links the call, not the child task runs', async () => {
    const child = flow({ name: 'loads-rows' }, (rows: Row[]) => load(rows));
    const outcome = await flow({ name: 'hands-rows' }, async () => child(await extract())).run();
    expect(outcome.result).toBe(2);
    const childRun = (await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId }))[0];
    expect((await onlyTaskRun(env.store, childRun.id, 'load')).upstream).toEqual([]);
  });
});

describe('maps fed by a value from a task run', () => {
  it('t.map(await upstream()) links every mapped run to the run the list came from, items numbers or not', async () => {
    const outcome = await flow({ name: 'maps-awaited' }, async () => {
      const n = await count();
      const list = Array.from({ length: n }, (_, i) => i);
      // The list itself is new here: only a list a task returned links.
      const direct = await task({ name: 'numbers' }, () => [1, 2, 3])();
      return [await double.map(direct).result(), await double.map(list).result()];
    }).run();
    expect(outcome.result).toEqual([
      [2, 4, 6],
      [0, 2, 4],
    ]);
    const numbersId = (await onlyTaskRun(env.store, outcome.flowRunId, 'numbers')).id;
    const doubles = await taskRunsOf(env.store, outcome.flowRunId, 'double');
    expect(doubles).toHaveLength(6);
    expect(doubles.slice(0, 3).map((t) => t.upstream)).toEqual([[numbersId], [numbersId], [numbersId]]);
    expect(doubles.slice(3).map((t) => t.upstream)).toEqual([[], [], []]);
  });

  it('an unmapped value from a task run links every mapped run too', async () => {
    const lookup = task({ name: 'lookup' }, () => ({ a: 1, b: 2 }));
    const pick = task({ name: 'pick' }, (key: 'a' | 'b', table: Record<string, number>) => table[key]);
    const outcome = await flow({ name: 'maps-unmapped' }, async () => {
      const table = await lookup();
      return pick.map(['a', 'b'] as ('a' | 'b')[], unmapped(table));
    }).run();
    expect(outcome.result).toEqual([1, 2]);
    const lookupId = (await onlyTaskRun(env.store, outcome.flowRunId, 'lookup')).id;
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'pick')).map((t) => t.upstream)).toEqual([[lookupId], [lookupId]]);
  });

  it('a map over objects from a task run links each run through its own item as well', async () => {
    const outcome = await flow({ name: 'maps-rows' }, async () => loadRow.map(await extract())).run();
    expect(outcome.result).toEqual([1, 2]);
    const extractId = (await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id;
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'load-row')).map((t) => t.upstream)).toEqual([[extractId], [extractId]]);
  });

  it("a map's gathered results link by item: a map over them links run i to run i, a task given them all to every run", async () => {
    const outcome = await flow({ name: 'chains-maps' }, async () => {
      const doubled = await double.map([1, 2, 3]).result();
      const again = await double.map(doubled).result();
      return load(again as unknown as Row[]);
    }).run();
    expect(outcome.result).toBe(3);
    const doubles = await taskRunsOf(env.store, outcome.flowRunId, 'double');
    const first = doubles.filter((t) => t.upstream.length === 0);
    const second = doubles.filter((t) => t.upstream.length > 0);
    expect(first).toHaveLength(3);
    expect(second.map((t) => [JSON.parse(t.inputs!), t.upstream])).toEqual(first.map((t, i) => [[[2, 4, 6][i]], [t.id]]));
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual(second.map((t) => t.id));
  });

  it("each mapped run's result links on: a map's results gathered and passed on link every member", async () => {
    const total = task({ name: 'total' }, (parts: Row[]) => parts.length);
    const echo = task({ name: 'echo-row' }, (row: Row) => row);
    const outcome = await flow({ name: 'gathers' }, async () => {
      const echoed = await echo.map([{ id: 1 }, { id: 2 }]).result();
      return total(echoed);
    }).run();
    expect(outcome.result).toBe(2);
    const echoIds = (await taskRunsOf(env.store, outcome.flowRunId, 'echo-row')).map((t) => t.id);
    expect(new Set((await onlyTaskRun(env.store, outcome.flowRunId, 'total')).upstream)).toEqual(new Set(echoIds));
  });
});

describe('subflow calls and values from task runs (test_subflow_with_one_upstream_task_result)', () => {
  it("a task run's result handed to a subflow is the upstream of the call's task run", async () => {
    const child = flow({ name: 'child-loads' }, (rows: Row[]) => rows.length);
    const outcome = await flow({ name: 'parent-hands-result' }, async () => child(await extract())).run();
    expect(outcome.result).toBe(2);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'child-loads')).upstream).toEqual([
      (await onlyTaskRun(env.store, outcome.flowRunId, 'extract')).id,
    ]);
  });

  it("a subflow's result passed on links the call's task run (test_task_inputs_populated_with_subflow_upstream)", async () => {
    const child = flow({ name: 'child-extracts' }, () => extract());
    const outcome = await flow({ name: 'parent-loads-child-result' }, async () => load(await child())).run();
    expect(outcome.result).toBe(2);
    const call = await onlyTaskRun(env.store, outcome.flowRunId, 'child-extracts');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'load')).upstream).toEqual([call.id]);
  });
});

describe('maps over a future: their runs are known once its result is', () => {
  const start = task({ name: 'start' }, () => 2);
  const times = task({ name: 'times' }, (item: number, by: number) => item * by);
  const addOne = task({ name: 'plus-one' }, (item: number) => item + 1);
  const sum = task({ name: 'sum' }, (values: number[]) => values.reduce((a, b) => a + b, 0));

  it('a map over such a map runs once per item, each run linked to the run of its item, and a task given it to all of them', async () => {
    const outcome = await flow({ name: 'chained-deferred' }, async () => {
      const by = start.submit();
      const multiplied = times.map([1, 2, 3], by as unknown as number);
      const added = addOne.map(multiplied);
      return sum(added as unknown as number[]);
    }).run();
    expect(outcome.result).toBe(3 + 5 + 7);
    const startId = (await onlyTaskRun(env.store, outcome.flowRunId, 'start')).id;
    const timesRuns = (await taskRunsOf(env.store, outcome.flowRunId, 'times')).sort(byKey);
    const addRuns = (await taskRunsOf(env.store, outcome.flowRunId, 'plus-one')).sort(byKey);
    expect(timesRuns.map((t) => t.upstream)).toEqual([[startId], [startId], [startId]]);
    expect(addRuns.map((t) => t.upstream)).toEqual(timesRuns.map((t) => [t.id]));
    // Recorded once the runs were known: the runs themselves, not the future the map waited for.
    const sumRun = await onlyTaskRun(env.store, outcome.flowRunId, 'sum');
    expect(sumRun.upstream).toEqual(addRuns.map((t) => t.id));
    expect(JSON.parse(sumRun.inputs!)).toEqual([addRuns.map((t) => ({ taskRun: t.id, name: t.name }))]);
  });

  it('when the future fails, neither map starts, and what waits on them says why', async () => {
    const broken = task({ name: 'broken' }, (): number => {
      throw new Error('no factor');
    });
    let caught: unknown;
    const outcome = await flow({ name: 'chained-deferred-fails' }, async () => {
      const added = addOne.map(times.map([1, 2], broken.submit() as unknown as number));
      caught = await sum(added as unknown as number[]).catch((e: unknown) => e);
      return 'survived';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(caught).toBeInstanceOf(UpstreamFailedError);
    expect(await taskRunsOf(env.store, outcome.flowRunId, 'times')).toEqual([]);
    expect(await taskRunsOf(env.store, outcome.flowRunId, 'plus-one')).toEqual([]);
    const sumRun = await onlyTaskRun(env.store, outcome.flowRunId, 'sum');
    expect(sumRun.state.name).toBe('NotReady');
    expect(sumRun.upstream).toEqual([(await onlyTaskRun(env.store, outcome.flowRunId, 'broken')).id]);
  });

  it('a subflow handed such a map is recorded with its runs for upstream', async () => {
    const child = flow({ name: 'sums-child' }, (values: number[]) => values.reduce((a, b) => a + b, 0));
    const outcome = await flow({ name: 'hands-deferred-map' }, () =>
      child(times.map([1, 2], start.submit() as unknown as number) as unknown as number[]),
    ).run();
    expect(outcome.result).toBe(6);
    const timesIds = (await taskRunsOf(env.store, outcome.flowRunId, 'times')).sort(byKey).map((t) => t.id);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'sums-child')).upstream).toEqual(timesIds);
  });
});
