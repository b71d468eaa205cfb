import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLine, State } from '../../app/core/index.js';
import { activeFlowRunIds, configureEngine, crashActiveRuns, type RunEvent } from '../../app/engine/hosting.js';
import { ConcurrentTaskRunner, flow, getRunContext, getRunLogger, task, type RunContext, type RunInfo } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { delay, historyOf, idle, logsOf, onlyTaskRun, taskRunsOf, until } from './support.js';

// logPrints patches the console once per process, over whatever console.log is then. Recorders put
// in place before any test runs stand for the console itself: what reaches them was printed, not
// captured into a run's logs.
const printed: unknown[][] = [];
const originals = { log: console.log, warn: console.warn };
beforeAll(() => {
  console.log = (...args: unknown[]) => void printed.push(args);
  console.warn = (...args: unknown[]) => void printed.push(['warn', ...args]);
});
afterAll(() => Object.assign(console, originals));

let env: EngineStore;
beforeEach(async () => (env = await useEngineStore()));
afterEach(async () => {
  configureEngine({ logLevel: 20 });
  await env.dispose();
});

interface HookCall {
  hook: string;
  subject: unknown;
  run: RunInfo;
  state: State;
  /** The state the store held for the run when the hook was called. */
  stored: string | undefined;
}

/** Hooks that record each call, and what the store said at that moment. */
function recorder(kind: 'task' | 'flow') {
  const calls: HookCall[] = [];
  const make =
    (hook: string) =>
    async (subject: unknown, run: RunInfo, state: State): Promise<void> => {
      const stored = kind === 'task' ? (await env.store.getTaskRun(run.id))?.state.name : (await env.store.getFlowRun(run.id))?.state.name;
      calls.push({ hook, subject, run, state, stored });
    };
  return {
    calls,
    hooks: {
      onRunning: make('onRunning'),
      onCompletion: make('onCompletion'),
      onFailure: make('onFailure'),
      onCancellation: make('onCancellation'),
      onCrashed: make('onCrashed'),
    },
  };
}

describe('state hooks', () => {
  it('task hooks get the task, its run info and the accepted state, after the store has it', async () => {
    const rec = recorder('task');
    let attempt = 0;
    const t = task({ name: 'hooked', tags: ['h'], retries: 1, retryDelaySeconds: 0, ...rec.hooks }, () => {
      if (++attempt === 1) throw new Error('first try');
      return 'done';
    });
    const outcome = await flow({ name: 'task-hooks' }, () => t()).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'hooked');
    expect(rec.calls.map((c) => [c.hook, c.state.name, c.run.attempt, c.stored])).toEqual([
      ['onRunning', 'Running', 1, 'Running'],
      ['onRunning', 'Retrying', 2, 'Retrying'],
      ['onCompletion', 'Completed', 2, 'Completed'],
    ]);
    for (const call of rec.calls) {
      expect(call.subject).toBe(t);
      expect(call.run).toMatchObject({ id: run.id, name: run.name, flowRunId: outcome.flowRunId, tags: ['h'] });
    }
    expect(rec.calls[2].state).toEqual(run.state);
  });

  it('onFailure runs once, for the final failure only', async () => {
    const rec = recorder('task');
    const t = task({ name: 'hooked-fails', retries: 2, retryDelaySeconds: 0, ...rec.hooks }, () => {
      throw new Error('always');
    });
    const outcome = await flow({ name: 'failure-hooks' }, () => t().catch(() => null)).run();
    expect(rec.calls.map((c) => [c.hook, c.state.name, c.run.attempt])).toEqual([
      ['onRunning', 'Running', 1],
      ['onRunning', 'Retrying', 2],
      ['onRunning', 'Retrying', 3],
      ['onFailure', 'Failed', 3],
    ]);
    expect(rec.calls[3].state.error?.message).toBe('always');
    expect(rec.calls[3].stored).toBe('Failed');
    expect(outcome.state.name).toBe('Completed');
  });

  it('no hook runs for a task that never ran because its upstream failed (it is NotReady)', async () => {
    const rec = recorder('task');
    const up = task({ name: 'up-fails' }, () => {
      throw new Error('x');
    });
    const down = task({ name: 'down-hooked', ...rec.hooks }, (x: unknown) => x);
    await flow({ name: 'upstream-hooks' }, async () => {
      await down.submit(up.submit()).wait();
    }).run();
    expect(rec.calls).toEqual([]);
  });

  it('onCompletion runs for a Cached run too', async () => {
    const rec = recorder('task');
    const t = task({ name: 'cached-hooks', cachePolicy: 'inputs', ...rec.hooks }, () => 1);
    const f = flow({ name: 'cached-hooks' }, () => t());
    await f.run();
    await f.run();
    expect(rec.calls.map((c) => [c.hook, c.state.name])).toEqual([
      ['onRunning', 'Running'],
      ['onCompletion', 'Completed'],
      ['onCompletion', 'Cached'],
    ]);
  });

  it('flow hooks get the flow, its run info and state; async hooks are awaited and lists run in order', async () => {
    const rec = recorder('flow');
    const order: string[] = [];
    const slowHook = async () => {
      await delay(20);
      order.push('slow');
    };
    const f = flow(
      {
        name: 'flow-hooks',
        tags: ['nightly'],
        ...rec.hooks,
        onCompletion: [rec.hooks.onCompletion, slowHook, () => void order.push('last')],
      },
      () => 'ok',
    );
    const outcome = await f.run();
    expect(order).toEqual(['slow', 'last']);
    expect(rec.calls.map((c) => [c.hook, c.state.name, c.stored])).toEqual([
      ['onRunning', 'Running', 'Running'],
      ['onCompletion', 'Completed', 'Completed'],
    ]);
    expect(rec.calls[0].subject).toBe(f);
    expect(rec.calls[0].run).toEqual({
      id: outcome.flowRunId,
      name: outcome.flowRunName,
      flowRunId: outcome.flowRunId,
      attempt: 1,
      tags: ['nightly'],
    });
  });

  it('flow onFailure runs with the Failed state, after retries are used up', async () => {
    const rec = recorder('flow');
    const f = flow({ name: 'flow-fails', retries: 1, retryDelaySeconds: 0, ...rec.hooks }, () => {
      throw new Error('flow broke');
    });
    await f.run();
    expect(rec.calls.map((c) => [c.hook, c.state.name, c.run.attempt])).toEqual([
      ['onRunning', 'Running', 1],
      ['onRunning', 'Retrying', 2],
      ['onFailure', 'Failed', 2],
    ]);
    expect(rec.calls[2].state.error?.message).toBe('flow broke');
  });

  it('a hook that throws is logged as an error and does not change the run, and the next hook still runs', async () => {
    let nextRan = false;
    const t = task(
      {
        name: 'bad-hook',
        onCompletion: [
          function explode() {
            throw new Error('hook exploded');
          },
          () => {
            nextRan = true;
          },
        ],
      },
      () => 'fine',
    );
    const f = flow(
      {
        name: 'bad-flow-hook',
        onRunning: async () => {
          throw new Error('flow hook exploded');
        },
      },
      () => t(),
    );
    const outcome = await f.run();
    expect(outcome.result).toBe('fine');
    expect(outcome.state.name).toBe('Completed');
    expect(nextRan).toBe(true);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'bad-hook');
    expect(run.state.name).toBe('Completed');
    const logs = await logsOf(env.store, outcome.flowRunId);
    const taskError = logs.find((l) => l.taskRunId === run.id && l.level === 40);
    expect(taskError?.message).toMatch(/^the onCompletion hook 'explode' failed: Error: hook exploded/);
    const flowError = logs.find((l) => l.taskRunId === null && l.level === 40);
    expect(flowError?.message).toMatch(/^the onRunning hook 'onRunning' failed: Error: flow hook exploded/);
  });

  it('crashActiveRuns marks the flow and its running task Crashed and runs their onCrashed hooks', async () => {
    const flowRec = recorder('flow');
    const taskRec = recorder('task');
    let started = false;
    const t = task({ name: 'crashes', ...taskRec.hooks }, async () => {
      started = true;
      await idle(5000);
    });
    const f = flow({ name: 'crash-me', ...flowRec.hooks }, () => t());
    const running = f.run();
    await until(() => started);
    expect(activeFlowRunIds()).toHaveLength(1);
    await crashActiveRuns('the flow process received SIGTERM');
    const outcome = await running;
    expect(outcome.ok).toBe(false);
    expect(outcome.state.name).toBe('Crashed');
    expect(await historyOf(env.store, outcome.flowRunId)).toEqual(['Pending:1', 'Running:1', 'Crashed:1']);
    const flowRun = (await env.store.getFlowRun(outcome.flowRunId))!;
    expect(flowRun.state.message).toBe('the flow process received SIGTERM');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'crashes');
    expect(await historyOf(env.store, run.id)).toEqual(['Pending:1', 'Running:1', 'Crashed:1']);
    expect(flowRec.calls.map((c) => [c.hook, c.state.name, c.stored])).toEqual([
      ['onRunning', 'Running', 'Running'],
      ['onCrashed', 'Crashed', 'Crashed'],
    ]);
    expect(flowRec.calls[1].subject).toBe(f);
    expect(taskRec.calls.map((c) => [c.hook, c.state.name, c.stored])).toEqual([
      ['onRunning', 'Running', 'Running'],
      ['onCrashed', 'Crashed', 'Crashed'],
    ]);
    expect(taskRec.calls[1].run.id).toBe(run.id);
    expect(activeFlowRunIds()).toEqual([]);
  });
});

describe('run logger', () => {
  it('stores lines with level, run ids, attempt and logger name', async () => {
    let attempt = 0;
    const t = task({ name: 'logs', retries: 1, retryDelaySeconds: 0 }, () => {
      attempt++;
      const log = getRunLogger();
      log.info(`task attempt ${attempt}`);
      if (attempt === 1) {
        log.error('about to fail');
        throw new Error('fail once');
      }
      log.warning('careful');
      log.warn('careful too');
      log.critical('on fire');
    });
    const outcome = await flow({ name: 'logging' }, async () => {
      getRunLogger().info('flow says %s and %d', 'hi', 42);
      getRunLogger().debug('not at INFO');
      await t();
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'logs');
    const logs = await logsOf(env.store, outcome.flowRunId);
    const lines = logs.filter((l) => !l.message.startsWith('attempt 1 failed')).map((l) => [l.message, l.level, l.taskRunId, l.attempt, l.logger]);
    expect(lines).toEqual([
      ['flow says hi and 42', 20, null, 1, 'flow'],
      ['task attempt 1', 20, run.id, 1, 'task'],
      ['about to fail', 40, run.id, 1, 'task'],
      ['task attempt 2', 20, run.id, 2, 'task'],
      ['careful', 30, run.id, 2, 'task'],
      ['careful too', 30, run.id, 2, 'task'],
      ['on fire', 50, run.id, 2, 'task'],
    ]);
    expect(logs.every((l) => l.flowRunId === outcome.flowRunId && l.timestamp > 0)).toBe(true);
    expect((await logsOf(env.store, outcome.flowRunId, { taskRunId: run.id })).length).toBe(7);
  });

  it('keeps DEBUG lines when the engine log level allows them', async () => {
    configureEngine({ logLevel: 10 });
    const outcome = await flow({ name: 'debug-logs' }, () => getRunLogger().debug('details', { a: 1 })).run();
    const logs = await logsOf(env.store, outcome.flowRunId);
    expect(logs.map((l) => [l.message, l.level])).toContainEqual(['details { a: 1 }', 10]);
  });

  it('also sends lines to the console sink with the run name', async () => {
    const seen: [LogLine, string][] = [];
    configureEngine({ consoleSink: (line, runName) => void seen.push([line, runName]) });
    try {
      const t = task({ name: 'sink', taskRunName: 'sink-run' }, () => getRunLogger().info('from task'));
      const outcome = await flow({ name: 'sink-flow', flowRunName: 'sink-flow-run' }, async () => {
        getRunLogger().info('from flow');
        await t();
      }).run();
      expect(seen.map(([line, name]) => [line.message, name])).toEqual([
        ['from flow', 'sink-flow-run'],
        ['from task', 'sink-run'],
      ]);
      expect(seen[1][0].flowRunId).toBe(outcome.flowRunId);
    } finally {
      configureEngine({ consoleSink: null });
    }
  });

  it('outside any run the logger writes to stderr and records nothing', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      getRunLogger().warning('no run here %d', 1);
      getRunLogger().debug('dropped');
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual(['no run here 1\n']);
    expect(await env.store.listFlowRuns()).toEqual([]);
  });

  it('reports every accepted state change to onEvent', async () => {
    const events: RunEvent[] = [];
    configureEngine({ onEvent: (event) => void events.push(event) });
    try {
      const t = task({ name: 'evented' }, () => 1);
      const outcome = await flow({ name: 'events' }, () => t()).run();
      const run = await onlyTaskRun(env.store, outcome.flowRunId, 'evented');
      const flowEvents = events.filter((e) => e.kind === 'flow').map((e) => e.state.name);
      const taskEvents = events.filter((e) => e.kind === 'task' && e.runId === run.id).map((e) => e.state.name);
      expect(flowEvents).toEqual(['Pending', 'Running', 'Completed']);
      expect(taskEvents).toEqual(['Pending', 'Running', 'Completed']);
      expect(events.every((e) => e.flowRunId === outcome.flowRunId)).toBe(true);
    } finally {
      configureEngine({ onEvent: null });
    }
  });
});

describe('logPrints', () => {
  // Kept the first test of this file to use logPrints: a task asking for it gets it even when no
  // flow has asked before.
  it('a task with logPrints captures its prints even when its flow does not', async () => {
    printed.length = 0;
    const t = task({ name: 'printing-task', logPrints: true }, () => {
      console.log('printed by the task');
    });
    const outcome = await flow({ name: 'quiet-flow' }, async () => {
      console.log('printed by the flow');
      await t();
    }).run();
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'printing-task');
    const logs = await logsOf(env.store, outcome.flowRunId);
    expect(logs.map((l) => [l.message, l.level, l.taskRunId])).toEqual([['printed by the task', 20, run.id]]);
    expect(printed).toEqual([['printed by the flow']]);
  });

  it('routes console output inside the run into its logs, and leaves other output alone', async () => {
    printed.length = 0;
    const printing = task({ name: 'prints' }, (x: number) => {
      console.log('task value', x);
      console.warn('task warning');
    });
    const quiet = task({ name: 'no-prints', logPrints: false }, () => {
      console.log('not captured: task opted out');
    });
    const f = flow({ name: 'prints-flow', logPrints: true }, async () => {
      console.log('flow line', { a: 1 });
      console.info('info line');
      console.error('error line');
      console.debug('debug line');
      await printing(3);
      await quiet();
    });
    const outcome = await f.run();
    console.log('outside any run');
    console.warn('outside warning');
    await flow({ name: 'plain-flow' }, () => console.log('plain flow line')).run();

    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'prints');
    const logs = await logsOf(env.store, outcome.flowRunId);
    expect(logs.map((l) => [l.message, l.level, l.taskRunId, l.logger])).toEqual([
      ['flow line { a: 1 }', 20, null, 'flow'],
      ['info line', 20, null, 'flow'],
      ['error line', 40, null, 'flow'],
      ['task value 3', 20, run.id, 'task'],
      ['task warning', 30, run.id, 'task'],
    ]);
    expect(printed).toEqual([['not captured: task opted out'], ['outside any run'], ['warn', 'outside warning'], ['plain flow line']]);
  });

  it('keeps flows apart: a flow without logPrints running alongside one with it prints as usual', async () => {
    printed.length = 0;
    const capturing = flow({ name: 'capturing', logPrints: true }, async () => {
      await delay(10);
      console.log('captured line');
    });
    const plain = flow({ name: 'plain' }, async () => {
      await delay(10);
      console.log('plain line');
    });
    const [a] = await Promise.all([capturing.run(), plain.run()]);
    expect((await logsOf(env.store, a.flowRunId)).map((l) => l.message)).toEqual(['captured line']);
    expect(printed).toEqual([['plain line']]);
  });
});

describe('getRunContext', () => {
  it('gives the flow run and task run ids, names, parameters and attempts', async () => {
    const seen: RunContext[] = [];
    let attempt = 0;
    const t = task({ name: 'ctx', retries: 1, retryDelaySeconds: 0 }, () => {
      seen.push(getRunContext());
      if (++attempt === 1) throw new Error('again');
    });
    const f = flow({ name: 'ctx-flow' }, async (_params: { day: string }) => {
      seen.push(getRunContext());
      await t();
    });
    const outcome = await f.run({ day: 'mon' });
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'ctx');
    const flowRun = { id: outcome.flowRunId, name: outcome.flowRunName, flowName: 'ctx-flow', parameters: { day: 'mon' }, attempt: 1 };
    expect(seen[0].flowRun).toEqual(flowRun);
    expect(seen[0].taskRun).toBeUndefined();
    expect(seen[1].flowRun).toEqual(flowRun);
    expect(seen[1].taskRun).toEqual({ id: run.id, name: run.name, taskKey: 'ctx', attempt: 1 });
    expect(seen[2].taskRun).toEqual({ id: run.id, name: run.name, taskKey: 'ctx', attempt: 2 });
    // Each attempt and the flow have their own signal; none fired for a run that went well.
    expect(new Set(seen.map((c) => c.signal)).size).toBe(3);
    expect(seen[0].signal.aborted).toBe(false);
    expect(() => getRunContext()).toThrow(/outside a flow or task run/);
  });

  it("a task run's hooks see its own flow run as the current run, with two flows' runs answered in the same commits", async () => {
    const mismatches: string[] = [];
    let calls = 0;
    const check = (_task: unknown, run: RunInfo) => {
      calls++;
      const current = getRunContext().flowRun.id;
      if (current !== run.flowRunId) mismatches.push(`${run.name} saw ${current}, runs in ${run.flowRunId}`);
    };
    const t = task({ name: 'ctx-hooks', onRunning: check, onCompletion: check }, (x: number) => x);
    // One place at a time: most runs start only once another has ended, from the store's answer.
    const f = flow({ name: 'ctx-hooks-flow', taskRunner: new ConcurrentTaskRunner({ maxConcurrency: 1 }) }, () => t.map([1, 2, 3]).result());
    const outcomes = await Promise.all([f.run(), f.run()]);
    expect(outcomes.map((o) => o.result)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(calls).toBe(12);
    expect(mismatches).toEqual([]);
  });

  it('inside a subflow it describes the subflow', async () => {
    const child = flow({ name: 'ctx-child' }, () => getRunContext().flowRun);
    const outcome = await flow({ name: 'ctx-parent' }, () => child()).run();
    const [childRun] = await env.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
    expect(outcome.result).toMatchObject({ id: childRun.id, name: childRun.name, flowName: 'ctx-child' });
    expect(await taskRunsOf(env.store, childRun.id, 'x')).toEqual([]);
  });
});
