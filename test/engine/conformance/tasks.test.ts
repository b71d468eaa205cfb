// Prefect's task semantics (tests/test_tasks.py): upstream failures, allow_failure, wait_for and
// mapping, as recorded by a real store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, orchestrate, type State } from '../../../app/core/index.js';
import { allowFailure, flow, task, unmapped, UpstreamFailedError, waitFor } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { onlyTaskRun, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const fails = task({ name: 'fails' }, (): number => {
  throw new Error('Fail task!');
});
const addOne = task({ name: 'add-one' }, (x: number) => x + 1);

describe('tasks and their upstreams', () => {
  it('the downstream runs when the upstream succeeds (test_downstream_runs_if_upstream_succeeds)', async () => {
    const outcome = await flow({ name: 'chain' }, () => addOne.submit(addOne.submit(1)).result()).run();
    expect(outcome.result).toBe(3);
  });

  it('the downstream receives the exception with allowFailure (test_downstream_receives_exception_if_upstream_fails_and_allow_failure)', async () => {
    const look = task({ name: 'look' }, (x: unknown) => (x instanceof Error ? `error: ${x.message}` : x));
    const outcome = await flow({ name: 'allow' }, () => look(allowFailure(fails.submit()))).run();
    expect(outcome.result).toBe('error: Fail task!');
  });

  it('allowFailure on a NotReady future hands over its UpstreamFailedError', async () => {
    const look = task({ name: 'look-not-ready' }, (x: unknown) => (x instanceof UpstreamFailedError ? 'upstream failed' : x));
    const outcome = await flow({ name: 'allow-not-ready' }, () => look(allowFailure(addOne.submit(fails.submit())))).run();
    expect(outcome.result).toBe('upstream failed');
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'add-one'))[0].state.name).toBe('NotReady');
  });

  it('the downstream runs after a failure with allowFailure in waitFor (test_downstream_runs_if_upstream_fails_with_allow_failure_annotation)', async () => {
    const outcome = await flow({ name: 'wait-allow' }, () => addOne(1, waitFor(allowFailure(fails.submit())))).run();
    expect(outcome.result).toBe(2);
  });

  it('waitFor is recorded as the upstream of the task run (test_backend_task_inputs_includes_wait_for_tasks)', async () => {
    const outcome = await flow({ name: 'wait-recorded' }, async () => {
      const a = addOne.submit(1);
      return addOne(5, waitFor(a));
    }).run();
    const [first, second] = await taskRunsOf(env.store, outcome.flowRunId, 'add-one');
    expect(second.upstream).toEqual([first.id]);
    expect(second.inputs).toBe('[5]');
  });

  it('map over a tuple-like list and unmapped values (test_unmapped_iterable)', async () => {
    const addAll = task({ name: 'add-all' }, (items: number[], n: number) => items.map((i) => i + n));
    const outcome = await flow({ name: 'unmapped' }, () => addAll.map(unmapped([10, 20]), [1, 2, 3])).run();
    expect(outcome.result).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
  });

  it('a NotReady run ends nothing else: the flow that ignores it completes (test_task_failure_does_not_affect_flow)', async () => {
    const outcome = await flow({ name: 'ignored' }, () => {
      addOne.submit(fails.submit());
      return 'bar';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'add-one')).state.name).toBe('NotReady');
  });
});

describe('the NotReady transition', () => {
  const pending: State = { type: 'PENDING', name: 'Pending', timestamp: 1, attempt: 1 };
  const services = {
    acquireConcurrencySlots: () => ({ acquired: true as const }),
    releaseConcurrencySlots: () => undefined,
    findCachedResult: () => null,
    storeCachedResult: () => undefined,
    flowRunStateType: () => 'RUNNING' as const,
  };
  const propose = (kind: 'task' | 'flow', name: string) =>
    orchestrate({
      run: { kind, id: 'r', flowRunId: 'f', tags: [], retryPolicy: { retries: 0, retryDelaySeconds: [0] }, runCount: 0, lastTransitionId: null },
      initial: pending,
      proposed: { type: 'PENDING', name },
      transitionId: newId(),
      now: 2,
      random: Math.random,
      services,
    });

  it('a Pending task run may become NotReady', () => {
    expect(propose('task', 'NotReady').decision).toBe('accept');
  });

  it('any other second PENDING is still refused, and a flow run is never NotReady', () => {
    expect(propose('task', 'Pending').decision).toBe('abort');
    expect(propose('flow', 'NotReady').decision).toBe('abort');
  });
});
