/**
 * Prefect's subflow behaviours (tests/test_flows.py), checked against a real store: a flow called
 * like a function inside another flow is a child flow run, and a task run of its parent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryFlowRun } from '../../../app/server/index.js';
import { z } from 'zod';
import { allowFailure, flow, getRunContext, ParameterValidationError, task, TimeoutError, UpstreamFailedError } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { historyOf, idle, namesOf, onlyTaskRun, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

async function childrenOf(parentFlowRunId: string) {
  // Ids grow with time: they order runs created in the same millisecond.
  return (await env.store.listFlowRuns({ parentFlowRunId })).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

async function onlyChildOf(parentFlowRunId: string) {
  const children = await childrenOf(parentFlowRunId);
  if (children.length !== 1) throw new Error(`expected one child run, found ${children.length}`);
  return children[0];
}

describe('subflow calls (test_flows.py::TestSubflowCalls)', () => {
  it('a subflow called with positional arguments receives them (TestSubflowCalls::test_subflow_call_with_no_tasks)', async () => {
    const child = flow({ name: 'child' }, (x: number, y: number, z: number) => x + y + z);
    const parent = flow({ name: 'parent' }, (x: number, y = 2, z = 3) => child(x, y, z));
    expect(await parent(1, 2)).toBe(6);
    const outcome = await parent.run({ x: 1, y: 2 });
    expect(outcome.result).toBe(6);
    expect((await onlyChildOf(outcome.flowRunId)).parameters).toEqual({ x: 1, y: 2, z: 3 });
  });

  it('a subflow returns the result of the task it returns (TestSubflowCalls::test_subflow_call_with_returned_task)', async () => {
    const compute = task({ name: 'compute' }, (x: number, y: number, z: number) => x + y + z);
    const child = flow({ name: 'child-with-task' }, (x: number, y: number, z: number) => compute(x, y, z));
    const outcome = await flow({ name: 'parent-of-task-child' }, (x: number, y = 2, z = 3) => child(x, y, z)).run({ x: 1, y: 2 });
    expect(outcome.result).toBe(6);
    const childRun = await onlyChildOf(outcome.flowRunId);
    expect((await onlyTaskRun(env.store, childRun.id, 'compute')).state.name).toBe('Completed');
  });

  it('a subflow gets exactly the arguments it was called with: a number, several values, one object', async () => {
    const seen: unknown[][] = [];
    const one = flow({ name: 'takes-one' }, (n: number) => (seen.push([n]), n * 2));
    const two = flow({ name: 'takes-two' }, (label: string, count: number) => (seen.push([label, count]), label.repeat(count)));
    const object = flow({ name: 'takes-object' }, ({ source }: { source: string }) => (seen.push([source]), `from ${source}`));
    const outcome = await flow({ name: 'calls-each' }, async () => [await one(11), await two('a', 2), await object({ source: 'crm' })]).run();
    expect(outcome.result).toEqual([22, 'aa', 'from crm']);
    expect(seen).toEqual([[11], ['a', 2], ['crm']]);
    // Runs made within one millisecond share createdAt, so compare by flow name rather than order.
    const byFlow = (await childrenOf(outcome.flowRunId)).map((c) => [c.flowName, c.parameters] as const);
    expect(byFlow.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['takes-object', { source: 'crm' }],
      ['takes-one', { n: 11 }],
      ['takes-two', { label: 'a', count: 2 }],
    ]);
  });

  it('a call records its arguments by name (TestFlowCall::test_call_creates_flow_run_and_runs); defaults are not recorded', async () => {
    const foo = flow({ name: 'foo' }, (x: number, y = 3, z = 3) => x + y + z);
    const outcome = await flow({ name: 'calls-foo' }, () => foo(1, 2)).run();
    expect(outcome.result).toBe(6);
    // Prefect also records z = 3; a default is an expression of the function, known only when it runs.
    expect((await onlyChildOf(outcome.flowRunId)).parameters).toEqual({ x: 1, y: 2 });
  });

  it('a rest parameter takes the remaining arguments (TestFlowCall::test_call_with_variadic_args)', async () => {
    const gather = flow({ name: 'gather' }, (first: string, ...rest: number[]) => ({ first, rest }));
    const outcome = await flow({ name: 'calls-gather' }, () => gather('a', 1, 2, 3)).run();
    expect(outcome.result).toEqual({ first: 'a', rest: [1, 2, 3] });
    const childRun = await onlyChildOf(outcome.flowRunId);
    expect(childRun.parameters).toEqual({ first: 'a', rest: [1, 2, 3] });
    // Run by name, the recorded parameters give the same call.
    expect((await gather.run(childRun.parameters)).result).toEqual({ first: 'a', rest: [1, 2, 3] });
  });

  it('concurrent subflows each get their own child run and parent task run (TestSubflowCalls::test_concurrent_async_subflow)', async () => {
    const testTask = task({ name: 'test-task' }, () => 1);
    const child = flow({ name: 'concurrent-child' }, async (i: number) => {
      expect(await testTask()).toBe(1);
      return i;
    });
    const outcome = await flow({ name: 'concurrent-parent' }, () => Promise.all([0, 1, 2, 3, 4].map((i) => child(i)))).run();
    expect(outcome.result).toEqual([0, 1, 2, 3, 4]);
    const subflowTaskRuns = await taskRunsOf(env.store, outcome.flowRunId, 'concurrent-child');
    expect(subflowTaskRuns.map((t) => t.name).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `concurrent-child-${i}`));
    expect(new Set(subflowTaskRuns.map((t) => t.dynamicKey)).size).toBe(5);
    const children = await childrenOf(outcome.flowRunId);
    expect(children).toHaveLength(5);
    expect(new Set(children.map((c) => c.parentTaskRunId))).toEqual(new Set(subflowTaskRuns.map((t) => t.id)));
    for (const child of children) {
      const tracking = subflowTaskRuns.find((t) => t.id === child.parentTaskRunId)!;
      expect(tracking.result).toBe(JSON.stringify(child.parameters.i));
      expect(tracking.inputs).toBe(JSON.stringify([child.parameters.i]));
    }
  });

  it('a recursive subflow nests a run per level, each linked to the one above (TestSubflowCalls::test_recursive_async_subflow)', async () => {
    const testTask = task({ name: 'recursion-task' }, () => 1);
    const recurse = flow({ name: 'recurse' }, async (i: number): Promise<number> => {
      expect(await testTask()).toBe(1);
      return i === 0 ? i : i + (await recurse(i - 1));
    });
    const outcome = await flow({ name: 'recursion-parent' }, () => recurse(5)).run();
    expect(outcome.result).toBe(5 + 4 + 3 + 2 + 1);
    let parentId = outcome.flowRunId;
    for (let level = 5; level >= 0; level--) {
      const run = await onlyChildOf(parentId);
      expect(run.parameters).toEqual({ i: level });
      expect((await onlyTaskRun(env.store, parentId, 'recurse')).id).toBe(run.parentTaskRunId);
      parentId = run.id;
    }
    expect(await childrenOf(parentId)).toEqual([]);
  });
});

describe('the task run of a subflow call (TestSubflowCalls::test_subflow_relationship_tracking)', () => {
  it('the parent gets a task run named after the subflow that the child links to, Running then Completed with its result', async () => {
    const child = flow({ name: 'inner' }, (x: number, y: number) => x + y);
    const outcome = await flow({ name: 'outer' }, () => child(1, 2)).run();
    expect(outcome.result).toBe(3);
    const childRun = await onlyChildOf(outcome.flowRunId);
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'inner');
    expect(childRun.id).not.toBe(outcome.flowRunId);
    expect(childRun.parentFlowRunId).toBe(outcome.flowRunId);
    expect(childRun.parentTaskRunId).toBe(tracking.id);
    expect(tracking).toMatchObject({ name: 'inner-0', flowRunId: outcome.flowRunId, result: '3', inputs: '[1,2]' });
    expect(await historyOf(env.store, tracking.id)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
    // The task run spans the child's run.
    const childStates = await env.store.listStates(childRun.id);
    const trackingStates = await env.store.listStates(tracking.id);
    expect(trackingStates[0].timestamp).toBeLessThanOrEqual(childStates.find((s) => s.type === 'RUNNING')!.timestamp);
    expect(trackingStates.at(-1)!.timestamp).toBeGreaterThanOrEqual(childRun.endTime!);
  });

  it('a failing subflow fails its task run with its error, and rejects in the parent', async () => {
    const boom = new RangeError('child broke');
    const child = flow({ name: 'failing-inner' }, (_n: number) => {
      throw boom;
    });
    let caught: unknown;
    const outcome = await flow({ name: 'catching-outer' }, async () => {
      caught = await child(1).catch((e: unknown) => e);
      return 'survived';
    }).run();
    expect(caught).toBe(boom);
    expect(outcome.state.name).toBe('Completed');
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'failing-inner');
    expect(await namesOf(env.store, tracking.id)).toEqual(['Pending', 'Running', 'Failed']);
    expect(tracking.state.error).toMatchObject({ name: 'RangeError', message: 'child broke' });
    expect(tracking.state.message).toBe('child broke');
    expect((await onlyChildOf(outcome.flowRunId)).state.name).toBe('Failed');

    const letting = await flow({ name: 'letting-outer' }, () => child(2)).run();
    expect(letting.state.name).toBe('Failed');
    expect(letting.error).toBe(boom);
    expect((await onlyTaskRun(env.store, letting.flowRunId, 'failing-inner')).state.name).toBe('Failed');
  });

  it("a subflow stopped by its parent's timeout ends its task run Cancelled (test_flow_with_cancelled_subflow_has_cancelled_state)", async () => {
    const child = flow({ name: 'slow-inner' }, (ms: number) => idle(ms));
    const outcome = await flow({ name: 'impatient-outer', timeoutSeconds: 0.05 }, () => child(5000)).run();
    expect(outcome.state.name).toBe('TimedOut');
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    const childRun = await onlyChildOf(outcome.flowRunId);
    expect(childRun.state.name).toBe('Cancelled');
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'slow-inner');
    expect(await namesOf(env.store, tracking.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect(tracking.endTime!).toBeLessThanOrEqual((await env.store.getFlowRun(outcome.flowRunId))!.endTime!);
  });

  it('a subflow that retries keeps one task run, Running until its last attempt ends', async () => {
    let calls = 0;
    const child = flow({ name: 'retrying-inner', retries: 1, retryDelaySeconds: 0 }, (n: number) => {
      if (++calls === 1) throw new Error('once');
      return n;
    });
    const outcome = await flow({ name: 'patient-outer' }, () => child(7)).run();
    expect(outcome.result).toBe(7);
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'retrying-inner');
    expect(await historyOf(env.store, tracking.id)).toEqual(['Pending:1', 'Running:1', 'Completed:1']);
    expect(await historyOf(env.store, (await onlyChildOf(outcome.flowRunId)).id)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'Completed:2',
    ]);
  });

  it('a subflow called inside a task has that task run for its parent, and no task run of its own', async () => {
    const child = flow({ name: 'child-of-task' }, (n: number) => n + getRunContext().flowRun.attempt);
    const wrapper = task({ name: 'wrapper' }, (n: number) => child(n));
    const outcome = await flow({ name: 'task-parent' }, () => wrapper(41)).run();
    expect(outcome.result).toBe(42);
    const wrapperRun = await onlyTaskRun(env.store, outcome.flowRunId, 'wrapper');
    expect((await onlyChildOf(outcome.flowRunId)).parentTaskRunId).toBe(wrapperRun.id);
    expect((await env.store.listTaskRuns(outcome.flowRunId)).map((t) => t.taskKey)).toEqual(['wrapper']);
  });

  it('a nested subflow is a task run of its own parent, not of the top flow', async () => {
    const leaf = flow({ name: 'leaf-flow' }, (s: string) => s.toUpperCase());
    const middle = flow({ name: 'middle-flow' }, (s: string) => leaf(s));
    const outcome = await flow({ name: 'top-flow' }, () => middle('deep')).run();
    expect(outcome.result).toBe('DEEP');
    const middleRun = await onlyChildOf(outcome.flowRunId);
    const leafRun = await onlyChildOf(middleRun.id);
    expect((await env.store.listTaskRuns(outcome.flowRunId)).map((t) => t.taskKey)).toEqual(['middle-flow']);
    expect((await onlyTaskRun(env.store, middleRun.id, 'leaf-flow')).id).toBe(leafRun.parentTaskRunId);
    expect((await onlyTaskRun(env.store, middleRun.id, 'leaf-flow')).result).toBe('"DEEP"');
  });
});

describe('subflow parameters (TestSubflowCalls::test_subflow_with_invalid_parameters_fails_parent)', () => {
  it('a subflow called with more arguments than it takes fails its parent, and records no child run', async () => {
    const child = flow({ name: 'takes-two-only' }, (a: number, b: number) => a + b);
    const parent = flow({ name: 'passes-three' }, () => (child as unknown as (...a: number[]) => Promise<number>)(1, 2, 3));
    const outcome = await parent.run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.error).toBeInstanceOf(ParameterValidationError);
    expect((outcome.error as Error).message).toMatch(/takes 2 arguments \(a, b\) but was called with 3/);
    expect(await childrenOf(outcome.flowRunId)).toEqual([]);
    expect(await env.store.listTaskRuns(outcome.flowRunId)).toEqual([]);
  });

  it('a flow that takes one object refuses several arguments, saying why', async () => {
    const child = flow({ name: 'takes-object-only' }, ({ a }: { a: number }) => a);
    const parent = flow({ name: 'passes-two' }, () => (child as unknown as (...a: unknown[]) => Promise<number>)({ a: 1 }, 2));
    const outcome = await parent.run();
    expect((outcome.error as Error).message).toMatch(/takes its parameters as one object, but was called with 2 arguments/);
  });

  it('a top-level run by name maps names to positional parameters, and refuses unknown names', async () => {
    const seen: unknown[][] = [];
    const f = flow({ name: 'by-name' }, (n: number, label?: string) => {
      seen.push([n, label]);
      return `${label ?? '-'}${n}`;
    });
    expect((await f.run({ label: 'x', n: 11 })).result).toBe('x11');
    expect((await f.run({ n: 3 })).result).toBe('-3');
    expect(seen).toEqual([
      [11, 'x'],
      [3, undefined],
    ]);
    const error = await f.run({ n: 1, nope: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as Error).message).toContain("nope: the flow takes no parameter 'nope'; it takes n, label");
  });

  it('a flow with one plain parameter takes it by its name, or all parameters as one object', async () => {
    const double = flow({ name: 'double' }, (n: number) => n * 2);
    const outcome = await double.run({ n: 11 });
    expect(outcome.result).toBe(22);
    expect((await env.store.getFlowRun(outcome.flowRunId))!.parameters).toEqual({ n: 11 });
    const limited = flow({ name: 'limited' }, (params: { limit: number }) => params.limit + 1);
    const byObject = await limited.run({ limit: 9 });
    expect(byObject.result).toBe(10);
    expect((await env.store.getFlowRun(byObject.flowRunId))!.parameters).toEqual({ limit: 9 });
    const viaParent = await flow({ name: 'limited-parent' }, () => limited({ limit: 4 })).run();
    expect(viaParent.result).toBe(5);
    expect((await onlyChildOf(viaParent.flowRunId)).parameters).toEqual({ limit: 4 });
  });

  it('a retried run calls the flow again with the arguments it recorded', async () => {
    const calls: unknown[][] = [];
    const f = flow({ name: 'fails-first' }, (n: number, s: string) => {
      calls.push([n, s]);
      if (calls.length === 1) throw new Error('first time');
      return `${s}${n}`;
    });
    const first = await flow({ name: 'calls-fails-first' }, () => f(11, 'x').catch(() => 'caught')).run();
    const childRun = await onlyChildOf(first.flowRunId);
    expect(childRun.state.name).toBe('Failed');
    expect((await retryFlowRun(env.store, childRun.id, 'again')).ok).toBe(true);
    const again = await f.run(childRun.parameters, { flowRunId: childRun.id, flowRunName: childRun.name });
    expect(again.result).toBe('x11');
    expect(calls).toEqual([
      [11, 'x'],
      [11, 'x'],
    ]);
  });

  it('types: a flow of (n: number, s: string) is called as child(11, "x")', async () => {
    const child = flow({ name: 'typed' }, (n: number, s: string) => `${s}${n}`);
    const outcome = await flow({ name: 'typed-parent' }, async () => {
      const value: string = await child(11, 'x');
      // @ts-expect-error a string where a number is declared
      await child('11', 'x').catch(() => null);
      return value;
    }).run();
    expect(outcome.result).toBe('x11');
  });
});

describe('a retried parent and its subflows (TestFlowRetries)', () => {
  it('a parent retried after its subflow failed runs the subflow again, with a task run per attempt (test_flow_retry_with_no_error_in_flow_and_one_failed_child_flow)', async () => {
    let childRuns = 0;
    let parentRuns = 0;
    const child = flow({ name: 'child-flow' }, () => {
      childRuns++;
      if (parentRuns === 1) throw new Error('first attempt');
      return 'hello';
    });
    const outcome = await flow({ name: 'parent-flow', retries: 1, retryDelaySeconds: 0 }, () => {
      parentRuns++;
      return child();
    }).run();
    expect(outcome.result).toBe('hello');
    expect([parentRuns, childRuns]).toEqual([2, 2]);
    // Prefect resets one tracking task run; here each attempt records its own, as it does for tasks.
    const tracking = await taskRunsOf(env.store, outcome.flowRunId, 'child-flow');
    expect(tracking.map((t) => t.state.name)).toEqual(['Failed', 'Completed']);
    const children = await childrenOf(outcome.flowRunId);
    expect(children.map((c) => c.state.name)).toEqual(['Failed', 'Completed']);
    expect(children.map((c) => c.parentTaskRunId)).toEqual(tracking.map((t) => t.id));
  });
});

describe('futures handed to a subflow (test_flows.py::TestSubflowTaskInputs)', () => {
  const addOne = task({ name: 'add-one' }, (x: number) => x + 1);
  const fails = task({ name: 'fails' }, (): number => {
    throw new Error('task broke');
  });

  it('a future is resolved before the child runs, and is the upstream of the call (test_subflow_with_one_upstream_task_future)', async () => {
    const seen: unknown[] = [];
    const child = flow({ name: 'takes-value' }, (x: number) => (seen.push(x), x * 10));
    const outcome = await flow({ name: 'hands-future' }, () => child(addOne.submit(1) as unknown as number)).run();
    expect(outcome.result).toBe(20);
    expect(seen).toEqual([2]);
    const upstream = await onlyTaskRun(env.store, outcome.flowRunId, 'add-one');
    expect((await onlyChildOf(outcome.flowRunId)).parameters).toEqual({ x: 2 });
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'takes-value');
    expect(tracking.upstream).toEqual([upstream.id]);
    // The inputs name the future as a task's inputs do: a reference to the upstream run.
    expect(JSON.parse(tracking.inputs!)).toEqual([{ taskRun: upstream.id, name: 'add-one-0' }]);
    expect(await namesOf(env.store, tracking.id)).toEqual(['Pending', 'Running', 'Completed']);
  });

  it('futures in a list and nested in objects are resolved, each an upstream of the call', async () => {
    const child = flow({ name: 'takes-nested' }, (list: number[], options: { nested: { value: number } }) => ({ list, options }));
    const outcome = await flow({ name: 'hands-nested' }, () => {
      const a = addOne.submit(1);
      const b = addOne.submit(10);
      const c = addOne.submit(20);
      return child([a, b] as unknown as number[], { nested: { value: c } } as unknown as { nested: { value: number } });
    }).run();
    expect(outcome.result).toEqual({ list: [2, 11], options: { nested: { value: 21 } } });
    expect((await onlyChildOf(outcome.flowRunId)).parameters).toEqual({ list: [2, 11], options: { nested: { value: 21 } } });
    const ids = (await taskRunsOf(env.store, outcome.flowRunId, 'add-one')).map((t) => t.id);
    expect(new Set((await onlyTaskRun(env.store, outcome.flowRunId, 'takes-nested')).upstream)).toEqual(new Set(ids));
  });

  it("a flow with a schema checks the futures' results (test_subflow_with_upstream_task_passes_validation)", async () => {
    const child = flow({ name: 'checked', parameters: z.object({ n: z.number() }) }, ({ n }) => n * 2);
    const outcome = await flow({ name: 'hands-to-schema' }, () => child({ n: addOne.submit(4) as unknown as number })).run();
    expect(outcome.result).toBe(10);
    expect((await onlyChildOf(outcome.flowRunId)).parameters).toEqual({ n: 5 });
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'checked');
    expect(tracking.upstream).toEqual([(await onlyTaskRun(env.store, outcome.flowRunId, 'add-one')).id]);

    const refused = await flow({ name: 'hands-wrong-type' }, () =>
      child({ n: task({ name: 'text' }, () => 'five').submit() as unknown as number }),
    ).run();
    expect(refused.state.name).toBe('Failed');
    expect(refused.error).toBeInstanceOf(ParameterValidationError);
    // The call had its task run; it fails with the reason, and no child was recorded.
    expect((await onlyTaskRun(env.store, refused.flowRunId, 'checked')).state).toMatchObject({
      type: 'FAILED',
      message: expect.stringContaining('n: '),
    });
    expect(await childrenOf(refused.flowRunId)).toEqual([]);
  });

  it('a failed upstream makes the call NotReady: the child never runs and the call rejects saying why', async () => {
    let ran = false;
    const child = flow({ name: 'never-runs' }, (x: number) => ((ran = true), x));
    let caught: unknown;
    const outcome = await flow({ name: 'hands-failure' }, async () => {
      caught = await child(fails.submit() as unknown as number).catch((e: unknown) => e);
      return 'survived';
    }).run();
    expect(ran).toBe(false);
    expect(outcome.state.name).toBe('Completed');
    const upstream = await onlyTaskRun(env.store, outcome.flowRunId, 'fails');
    expect(caught).toBeInstanceOf(UpstreamFailedError);
    const message = `upstream task run 'fails-0' (${upstream.id}) did not complete, so this subflow did not run; it ended Failed: task broke`;
    expect((caught as Error).message).toBe(message);
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'never-runs');
    expect(tracking.state).toMatchObject({ type: 'PENDING', name: 'NotReady', message });
    expect(await historyOf(env.store, tracking.id)).toEqual(['Pending:1', 'NotReady:1']);
    expect(tracking.upstream).toEqual([upstream.id]);
    expect(await childrenOf(outcome.flowRunId)).toEqual([]);

    // Not caught, it fails the parent as an awaited task would.
    const failing = await flow({ name: 'lets-failure-through' }, () => child(fails.submit() as unknown as number)).run();
    expect(failing.state.name).toBe('Failed');
    expect(failing.error).toBeInstanceOf(UpstreamFailedError);
    expect((await onlyTaskRun(env.store, failing.flowRunId, 'never-runs')).state.name).toBe('NotReady');
  });

  it('allowFailure(future) hands the child the error (test_subflow_with_one_upstream_task_future_and_allow_failure)', async () => {
    const child = flow({ name: 'takes-error' }, (x: unknown) => (x instanceof Error ? `got ${x.message}` : 'no error'));
    const outcome = await flow({ name: 'hands-allowed-failure' }, () => {
      const future = fails.submit();
      return child(allowFailure(future));
    }).run();
    expect(outcome.result).toBe('got task broke');
    const tracking = await onlyTaskRun(env.store, outcome.flowRunId, 'takes-error');
    expect(tracking.upstream).toEqual([(await onlyTaskRun(env.store, outcome.flowRunId, 'fails')).id]);
    expect(tracking.state.name).toBe('Completed');
  });

  it('a call with futures and too many arguments is refused at once, recording nothing', async () => {
    const child = flow({ name: 'takes-one-only' }, (x: number) => x);
    const outcome = await flow({ name: 'passes-two-futures' }, () =>
      (child as unknown as (...a: unknown[]) => Promise<number>)(addOne.submit(1), addOne.submit(2)),
    ).run();
    expect(outcome.error).toBeInstanceOf(ParameterValidationError);
    expect((outcome.error as Error).message).toMatch(/takes 1 argument \(x\) but was called with 2/);
    expect(await taskRunsOf(env.store, outcome.flowRunId, 'takes-one-only')).toEqual([]);
    expect(await childrenOf(outcome.flowRunId)).toEqual([]);
  });

  it('a call with no futures records no upstream (test_subflow_with_no_upstream_tasks)', async () => {
    const bar = flow({ name: 'bar' }, (x: number, y: number) => x + y);
    const outcome = await flow({ name: 'foo' }, () => bar(2, 1)).run();
    expect(outcome.result).toBe(3);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'bar')).upstream).toEqual([]);
  });
});
