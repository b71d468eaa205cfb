// Prefect's final state rules (docs/v3/concepts/states.mdx, "Final state determination", and
// tests/test_flows.py): a flow's final state follows what it returned, not what failed inside it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, task, UpstreamFailedError, waitFor } from '../../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { historyOf, onlyTaskRun, stateNamed, taskRunsOf } from '../support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

const fails = task({ name: 'fails' }, (): number => {
  throw new Error('task broke');
});
const succeeds = task({ name: 'succeeds' }, () => 'fine');
const echo = task({ name: 'echo' }, (x: unknown) => x);

describe('final state rules', () => {
  it('a flow returning a failed future ends Failed (test_flow_state_reflects_returned_task_run_state)', async () => {
    const f = flow({ name: 'returns-failed' }, () => fails.submit());
    const outcome = await f.run();
    expect(outcome.state.type).toBe('FAILED');
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toMatch(/^1\/1 returned task runs did not complete; task run 'fails-0': task broke$/);
    expect((outcome.error as Error).message).toBe('task broke');
    expect((await env.store.getFlowRun(outcome.flowRunId))!.state.name).toBe('Failed');
    // Calling the flow rejects with the task's own error, as Prefect raises it.
    await expect(f()).rejects.toThrow('task broke');
  });

  it('a flow returning a list holding a failed future ends Failed and counts the failures (test_flow_state_reflects_returned_multiple_task_run_states)', async () => {
    const other = task({ name: 'fails-too' }, () => {
      throw new Error('second');
    });
    const outcome = await flow({ name: 'returns-list' }, () => [fails.submit(), other.submit(), succeeds.submit()]).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toMatch(/^2\/3 returned task runs did not complete; task run 'fails-0': task broke$/);
    expect(outcome.state.error?.message).toBe('task broke');
  });

  it('a flow returning a map with a failed run ends Failed', async () => {
    const maybe = task({ name: 'maybe' }, (x: number) => {
      if (x === 2) throw new Error('two is bad');
      return x;
    });
    const outcome = await flow({ name: 'returns-failed-map' }, () => maybe.map([1, 2, 3])).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toContain("1/3 returned task runs did not complete; task run 'maybe-1': two is bad");
  });

  it('a flow returning a failed future inside an object ends Failed', async () => {
    const outcome = await flow({ name: 'returns-object' }, () => ({ ok: succeeds.submit(), bad: fails.submit() })).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toMatch(/^1\/2 returned/);
  });

  it('a flow that returns normally after a task failed ends Completed (test_task_failure_does_not_affect_flow)', async () => {
    const outcome = await flow({ name: 'ignores-failure' }, () => {
      fails.submit();
      return 'bar';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe('bar');
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'fails')).state.name).toBe('Failed');
  });

  it('a flow that waits for a failed future but does not return it ends Completed (the docs warning)', async () => {
    const outcome = await flow({ name: 'waits-failure' }, async () => {
      const state = await fails.submit().wait();
      return state?.type;
    }).run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe('FAILED');
  });

  it('a flow whose function throws ends Failed (test_final_state_reflects_exceptions_during_run)', async () => {
    const outcome = await flow({ name: 'throws' }, () => {
      throw new TypeError('Hello');
    }).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toBe('Hello');
    expect(outcome.error).toBeInstanceOf(TypeError);
  });

  it('a flow returning only completed futures ends Completed with their values', async () => {
    const outcome = await flow({ name: 'all-completed' }, () => [succeeds.submit(), echo.submit(3)]).run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toEqual(['fine', 3]);
  });

  it('a flow returning a failed future is retried like any failure', async () => {
    let calls = 0;
    const flaky = task({ name: 'flaky-once' }, () => {
      calls++;
      if (calls === 1) throw new Error('first time');
      return calls;
    });
    const outcome = await flow({ name: 'retried-return', retries: 1, retryDelaySeconds: 0 }, () => flaky.submit()).run();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe(2);
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);
  });
});

describe('NotReady (test_downstream_does_not_run_if_upstream_fails)', () => {
  it('a task whose upstream failed is PENDING NotReady, naming the upstream, and never runs', async () => {
    let ran = false;
    const after = task({ name: 'after' }, (x: unknown) => {
      ran = true;
      return x;
    });
    const outcome = await flow({ name: 'not-ready' }, async () => {
      const b = after.submit(fails.submit());
      await b.wait();
      return b.state;
    }).run();
    expect(ran).toBe(false);
    const upstream = await onlyTaskRun(env.store, outcome.flowRunId, 'fails');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'after');
    expect(run.state.type).toBe('PENDING');
    expect(run.state.name).toBe('NotReady');
    expect(run.state.message).toBe(
      `upstream task run 'fails-0' (${upstream.id}) did not complete, so this task did not run; it ended Failed: task broke`,
    );
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'NotReady:1']);
    expect(run.runCount).toBe(0);
    // What the future saw is the NotReady state.
    expect(outcome.result).toMatchObject({ type: 'PENDING', name: 'NotReady' });
  });

  it('a flow returning a NotReady future ends Failed', async () => {
    const outcome = await flow({ name: 'returns-not-ready' }, () => echo.submit(fails.submit())).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.state.message).toContain("task run 'echo-0'");
    expect(outcome.error).toBeInstanceOf(UpstreamFailedError);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'echo')).state.name).toBe('NotReady');
  });

  it('awaiting a NotReady future rejects with an error that says the upstream failed', async () => {
    let caught: unknown;
    await flow({ name: 'await-not-ready' }, async () => {
      caught = await echo
        .submit(fails.submit())
        .result()
        .catch((e: unknown) => e);
    }).run();
    expect(caught).toBeInstanceOf(UpstreamFailedError);
    expect((caught as Error).message).toMatch(
      /^upstream task run 'fails-0' \(.+\) did not complete, so this task did not run; it ended Failed: task broke$/,
    );
  });

  it('NotReady passes down a chain: each waits on the one before', async () => {
    const outcome = await flow({ name: 'not-ready-chain' }, async () => {
      const c = echo.submit(echo.submit(fails.submit()));
      await c.wait();
      return 'done';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const [b, c] = await taskRunsOf(env.store, outcome.flowRunId, 'echo');
    expect([b.state.name, c.state.name]).toEqual(['NotReady', 'NotReady']);
    expect(c.state.message).toContain(`'echo-0' (${b.id})`);
    expect(c.state.message).toContain('ended NotReady');
  });

  it('a task called directly with a failed future is NotReady and the call rejects', async () => {
    const outcome = await flow({ name: 'call-not-ready' }, () => echo(fails.submit())).run();
    expect(outcome.state.name).toBe('Failed');
    expect(outcome.error).toBeInstanceOf(UpstreamFailedError);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'echo')).state.name).toBe('NotReady');
  });

  it('waitFor a failed future makes the task NotReady too (test_submit_with_wait_for_upstream_failure)', async () => {
    const outcome = await flow({ name: 'wait-for-not-ready' }, async () => {
      const upstream = fails.submit();
      const downstream = succeeds.submit(waitFor(upstream));
      await downstream.wait();
      return [(await upstream.wait())?.type, downstream.state?.type, downstream.state?.name];
    }).run();
    expect(outcome.result).toEqual(['FAILED', 'PENDING', 'NotReady']);
    expect(outcome.state.name).toBe('Completed');
  });

  it('a NotReady task run stays NotReady once its flow run has ended', async () => {
    const outcome = await flow({ name: 'not-ready-after-end' }, () => {
      echo.submit(fails.submit());
      return 'returned';
    }).run();
    expect(outcome.state.name).toBe('Completed');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'echo');
    expect(run.state.name).toBe('NotReady');
    expect((await stateNamed(env.store, run.id, 'NotReady')).type).toBe('PENDING');
  });
});
