// Debug runs on a real store: task runs stop at breakpoints before they start, people answer them
// (continue, step, skip, edited inputs, fail) through the store, and the run goes on from there.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../app/core/index.js';
import { flow, task } from '../../app/engine/index.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { historyOf, logsOf, namesOf, taskRunsOf, until } from './support.js';

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(() => env.dispose());

/** The task run of `key` once it is held at a breakpoint (the nth time it stops there). */
async function stoppedRun(store: RunStore, key: string, nth = 1): Promise<TaskRun> {
  let found: TaskRun | null = null;
  await until(async () => {
    const runs = await store.listTaskRuns((await store.listFlowRuns({ limit: 1 }))[0]?.id ?? '');
    const run = runs.find((r) => r.taskKey === key && r.state.name === 'Breakpoint');
    if (!run || (await namesOf(store, run.id)).filter((name) => name === 'Breakpoint').length < nth) return false;
    found = (await store.getTaskRun(run.id))!;
    return true;
  });
  return found!;
}

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => `value ${x}`);
const threeSteps = flow({ name: 'three-steps' }, async () => {
  const sum = await add(1, 2);
  const doubled = await double(sum);
  return show(doubled);
});

describe('a debug run', () => {
  it('stops before a task with a breakpoint, shows its inputs, and goes on with edited inputs, stepping to the next', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['double'] } });
    const atDouble = await stoppedRun(env.store, 'double');
    expect(atDouble.state).toMatchObject({ type: 'PAUSED', name: 'Breakpoint', message: "stopped at a breakpoint on task 'double'" });
    expect(atDouble.breakpoint).toMatchObject({ inputs: '[3]', error: null, breakpointId: atDouble.state.transitionId });
    // The run before it ran; the one after has not started.
    const flowRunId = atDouble.flowRunId;
    expect((await taskRunsOf(env.store, flowRunId, 'add'))[0].state.name).toBe('Completed');
    expect(await taskRunsOf(env.store, flowRunId, 'show')).toEqual([]);

    const stepped = await env.store.answerBreakpoint(atDouble.id, { action: 'step', inputs: [10] });
    expect(stepped.ok && stepped.run.state.name).toBe('Continued');
    const atShow = await stoppedRun(env.store, 'show');
    expect(atShow.state.message).toBe('stopped at a step');
    expect(atShow.breakpoint?.inputs).toBe('[20]');
    const doubleRun = (await taskRunsOf(env.store, flowRunId, 'double'))[0];
    expect(doubleRun.state.name).toBe('Completed');
    expect(doubleRun.result).toBe('20');
    // The edit is in the history for anyone to see.
    const history = await env.store.listStates(doubleRun.id);
    expect(history.map((s) => s.name)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
    expect(history[2].message).toBe('stepped with edited inputs: [10]');

    expect((await env.store.answerBreakpoint(atShow.id, { action: 'continue' })).ok).toBe(true);
    const outcome = await running;
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe('value 20');
  });

  it('skips a task run with a given result, and the flow goes on with it', async () => {
    let ran = false;
    const fetchRows = task({ name: 'fetch-rows' }, () => {
      ran = true;
      return [1, 2, 3];
    });
    const count = task({ name: 'count' }, (rows: number[]) => rows.length);
    const f = flow({ name: 'skipping' }, async () => count(await fetchRows()));
    const running = f.run({}, { debug: { breakpoints: ['fetch-rows'] } });
    const stopped = await stoppedRun(env.store, 'fetch-rows');
    const skipped = await env.store.answerBreakpoint(stopped.id, { action: 'skip', result: [7, 8] });
    expect(skipped.ok && skipped.run.state).toMatchObject({ type: 'COMPLETED', name: 'Skipped' });
    const outcome = await running;
    expect(outcome.result).toBe(2);
    expect(ran).toBe(false);
    expect(await historyOf(env.store, stopped.id)).toEqual(['Pending:1', 'Breakpoint:1', 'Skipped:1']);
    expect((await env.store.getTaskRun(stopped.id))!.result).toBe('[7,8]');
  });

  it('does not run a pinned task, and records its run as Pinned', async () => {
    let ran = false;
    const load = task({ name: 'load' }, () => {
      ran = true;
      return 'from the database';
    });
    const f = flow({ name: 'pinned' }, async () => load());
    const outcome = await f.run({}, { debug: { pins: { load: 'pinned rows' } } });
    expect(outcome.result).toBe('pinned rows');
    expect(ran).toBe(false);
    const [run] = await env.store.listTaskRuns(outcome.flowRunId);
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Pinned']);
    // A normal run of the same flow runs it.
    expect((await f.run()).result).toBe('from the database');
  });

  it('stops a task run that failed its last attempt; edited inputs run it again in place', async () => {
    const parse = task({ name: 'parse', retries: 1 }, (text: string) => {
      const value = JSON.parse(text) as { n: number };
      return value.n;
    });
    const f = flow({ name: 'breaks-on-failure' }, async () => parse('{"n": oops}'));
    const running = f.run({}, { debug: { breakOnFailure: true } });
    const stopped = await stoppedRun(env.store, 'parse');
    expect(stopped.state.message).toMatch(/^stopped at its failure: /);
    expect(stopped.breakpoint?.error?.name).toBe('SyntaxError');
    expect(stopped.breakpoint?.inputs).toBe('["{\\"n\\": oops}"]');
    // Only a breakpoint on a failure can be let fail, and inputs must fit the call.
    const wrong = await env.store.answerBreakpoint(stopped.id, { action: 'continue', inputs: ['{}', 'extra'] });
    expect(wrong).toEqual({
      ok: false,
      reason: 'INVALID_INPUT',
      message: "task run 'parse-0' was called with 1 argument; the inputs give 2 arguments",
    });
    expect((await env.store.getTaskRun(stopped.id))!.state.name).toBe('Breakpoint');

    await env.store.answerBreakpoint(stopped.id, { action: 'continue', inputs: ['{"n": 5}'] });
    const outcome = await running;
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe(5);
    expect(await historyOf(env.store, stopped.id)).toEqual([
      'Pending:1',
      'Running:1',
      'AwaitingRetry:1',
      'Retrying:2',
      'Breakpoint:2',
      'Continued:2',
      'Retrying:3',
      'Completed:3',
    ]);
  });

  it('lets a task run stopped on its failure fail as it would have', async () => {
    const boom = task({ name: 'boom' }, () => {
      throw new Error('the disk is on fire');
    });
    const f = flow({ name: 'lets-it-fail' }, async () => boom());
    const running = f.run({}, { debug: { breakOnFailure: true } });
    const stopped = await stoppedRun(env.store, 'boom');
    await env.store.answerBreakpoint(stopped.id, { action: 'fail' });
    const outcome = await running;
    expect(outcome.state.type).toBe('FAILED');
    expect(String(outcome.error)).toContain('the disk is on fire');
    expect(await namesOf(env.store, stopped.id)).toEqual(['Pending', 'Running', 'Breakpoint', 'Failed']);
  });

  it('stops every task run of a mapped breakpoint, more than the runner runs at once, and continues them all at once', async () => {
    const square = task({ name: 'square' }, (x: number) => x * x);
    const items = Array.from({ length: 300 }, (_, i) => i);
    const f = flow({ name: 'mapped' }, async () => (await square.map(items).result()).reduce((a, b) => a + b, 0));
    const running = f.run({}, { debug: { breakpoints: ['square'] } });
    let flowRunId = '';
    await until(async () => {
      flowRunId = (await env.store.listFlowRuns({ limit: 1 }))[0]?.id ?? '';
      const runs = flowRunId ? await env.store.listTaskRuns(flowRunId) : [];
      return runs.length === 300 && runs.every((r) => r.state.name === 'Breakpoint');
    });
    const continued = await env.store.continueFlowRun(flowRunId);
    expect(continued.ok && continued.continued).toHaveLength(300);
    expect((await running).result).toBe(items.reduce((sum, x) => sum + x * x, 0));
    // The log says it once for the map, not once for each of its runs.
    const stops = (await logsOf(env.store, flowRunId)).filter((line) => line.message.includes('stopped at a breakpoint'));
    expect(stops).toHaveLength(1);
  });

  it('refuses answers that do not fit, changing nothing', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['add'] } });
    const stopped = await stoppedRun(env.store, 'add');
    expect(await env.store.answerBreakpoint(stopped.id, { action: 'fail' })).toMatchObject({ ok: false, reason: 'INVALID_INPUT' });
    expect(await env.store.answerBreakpoint('no-such-run', { action: 'continue' })).toMatchObject({ ok: false, reason: 'NOT_FOUND' });
    expect(await env.store.answerBreakpoint(stopped.id, { action: 'skip' })).toMatchObject({
      ok: false,
      message: 'skipping a task run needs the result it should have, e.g. null',
    });
    expect(await namesOf(env.store, stopped.id)).toEqual(['Pending', 'Breakpoint']);
    await env.store.answerBreakpoint(stopped.id, { action: 'continue' });
    expect((await running).result).toBe('value 6');
    const completed = (await taskRunsOf(env.store, stopped.flowRunId, 'add'))[0];
    expect(await env.store.answerBreakpoint(completed.id, { action: 'continue' })).toEqual({
      ok: false,
      reason: 'NOT_AT_BREAKPOINT',
      message: "task run 'add-0' is Completed; only a task run at a breakpoint can be answered",
    });
  });

  it('hears an answer written by another process through the database file', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['show'] } });
    const stopped = await stoppedRun(env.store, 'show');
    // A second store on the same file, as `flowdeck task-run continue` in another terminal opens.
    const other = await openTestStore({ path: env.path });
    try {
      expect((await other.answerBreakpoint(stopped.id, { action: 'continue' })).ok).toBe(true);
      expect((await running).result).toBe('value 6');
    } finally {
      await other.close();
    }
  });

  it('cancelling the flow run stops a task run held at a breakpoint', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['double'] } });
    const stopped = await stoppedRun(env.store, 'double');
    await env.store.cancelFlowRun(stopped.flowRunId);
    const outcome = await running;
    expect(outcome.state.type).toBe('CANCELLED');
    expect((await env.store.getTaskRun(stopped.id))!.state.type).toBe('CANCELLED');
  });
});

describe('breaking a debug run as a whole', () => {
  it('stops every task run that has not started until the flow run is continued', async () => {
    let released: () => void = () => {};
    const gate = new Promise<void>((resolve) => (released = resolve));
    const slow = task({ name: 'slow' }, async () => {
      await gate;
      return 1;
    });
    const next = task({ name: 'next' }, (x: number) => x + 1);
    const last = task({ name: 'last' }, (x: number) => x * 10);
    const f = flow({ name: 'break-all' }, async () => last(await next(await slow())));
    let heardBreak: () => void = () => {};
    const breakHeard = new Promise<void>((resolve) => (heardBreak = resolve));
    const debugListener = { stopped: () => {}, answered: (answer: { action: string }) => answer.action === 'break' && heardBreak() };
    // A debug run with no breakpoint: it runs as a normal run until someone breaks it.
    const running = f.run({}, { debug: {}, debugListener });
    let flowRunId = '';
    await until(async () => {
      flowRunId = (await env.store.listFlowRuns({ limit: 1 }))[0]?.id ?? '';
      return flowRunId !== '' && (await env.store.listTaskRuns(flowRunId)).some((r) => r.state.name === 'Running');
    });
    expect(await env.store.breakAll(flowRunId)).toEqual({ ok: true });
    // Once the run's process has heard it, the task running now finishes and the next one stops before it starts.
    await breakHeard;
    released();
    const atNext = await stoppedRun(env.store, 'next');
    expect(atNext.breakpoint?.inputs).toBe('[1]');
    const continued = await env.store.continueFlowRun(flowRunId);
    expect(continued.ok && continued.continued).toEqual([atNext.id]);
    const outcome = await running;
    expect(outcome.result).toBe(20);
    // `last` ran without stopping: the break ended with the continue.
    const lastRun = (await taskRunsOf(env.store, flowRunId, 'last'))[0];
    expect(await namesOf(env.store, lastRun.id)).toEqual(['Pending', 'Running', 'Completed']);
    expect(await env.store.breakAll(flowRunId)).toMatchObject({ ok: false, reason: 'FINISHED' });
    expect(await env.store.breakAll('no-such-run')).toMatchObject({ ok: false, reason: 'NOT_FOUND' });
    // A debug run says so, with what it stops at; a run that is no debug run cannot be broken.
    expect((await env.store.getFlowRun(flowRunId))!.debug).toEqual({
      breakpoints: [],
      step: false,
      breakOnFailure: false,
      pinned: [],
      broken: false,
    });
    const plain = f.run();
    let plainId = '';
    await until(async () => {
      plainId = (await env.store.listFlowRuns({ limit: 1 }))[0]?.id ?? '';
      return plainId !== flowRunId && plainId !== '';
    });
    expect(await env.store.breakAll(plainId)).toMatchObject({ ok: false, reason: 'NOT_DEBUG_RUN' });
    expect((await env.store.getFlowRun(plainId))!.debug).toBeUndefined();
    released();
    await plain;
  });
});

describe('a debug run with subflows', () => {
  it("stops at a breakpoint in a subflow's task and goes on when it is continued", async () => {
    const inner = task({ name: 'inner-step' }, (x: number) => x + 100);
    const child = flow({ name: 'child-flow' }, async (params: { x: number }) => inner(params.x));
    const parent = flow({ name: 'parent-flow' }, async () => (await child({ x: 1 })) * 2);
    const running = parent.run({}, { debug: { breakpoints: ['inner-step'] } });
    let stopped: TaskRun | undefined;
    await until(async () => {
      for (const run of await env.store.listFlowRuns({ limit: 5 })) {
        stopped ??= (await env.store.listTaskRuns(run.id)).find((r) => r.state.name === 'Breakpoint');
      }
      return stopped !== undefined;
    });
    const childRun = (await env.store.getFlowRun(stopped!.flowRunId))!;
    expect(childRun.flowName).toBe('child-flow');
    expect((await env.store.answerBreakpoint(stopped!.id, { action: 'continue', inputs: [5] })).ok).toBe(true);
    expect((await running).result).toBe(210);
  });
});
