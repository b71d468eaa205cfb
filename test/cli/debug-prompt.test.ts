// The debugger's prompt of `flowdeck run`: what each typed line means, and what the console does
// with it against a real debug run on a real store (the terminal wiring is driven in
// debugging.test.ts under a pseudo-terminal).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugConsole } from '../../app/cli/debugging/debug-console.js';
import { parsePromptLine } from '../../app/cli/debugging/prompt-commands.js';
import { LocalRunsSource } from '../../app/cli/runs-source/local-runs-source.js';
import { newId, type DebugOptions } from '../../app/core/index.js';
import type { FlowRunOutcome, FlowRunRequest } from '../../app/engine/hosting.js';
import { flow, task } from '../../app/engine/index.js';
import { useEngineStore, type EngineStore } from '../helpers/engine-store.js';
import { namesOf, taskRunsOf, until } from '../engine/support.js';

describe('a line typed at the prompt', () => {
  it('reads each command, long or short', () => {
    expect(parsePromptLine('c')).toEqual({ kind: 'continue' });
    expect(parsePromptLine('  continue ')).toEqual({ kind: 'continue' });
    expect(parsePromptLine('s')).toEqual({ kind: 'step' });
    expect(parsePromptLine('i [10, "a b"]')).toEqual({ kind: 'inputs', inputs: [10, 'a b'] });
    expect(parsePromptLine('k {"rows": 3}')).toEqual({ kind: 'skip', result: { rows: 3 } });
    expect(parsePromptLine('k null')).toEqual({ kind: 'skip', result: null });
    expect(parsePromptLine('f')).toEqual({ kind: 'fail' });
    expect(parsePromptLine('P')).toEqual({ kind: 'print' });
    expect(parsePromptLine('q')).toEqual({ kind: 'quit' });
    expect(parsePromptLine('?')).toEqual({ kind: 'help' });
    expect(parsePromptLine('')).toEqual({ kind: 'nothing' });
  });

  it('says what is wrong with a line that does not fit, with an example', () => {
    expect(parsePromptLine('x')).toEqual({ kind: 'invalid', message: "unknown command 'x'; type ? for the commands" });
    expect(parsePromptLine('c now')).toEqual({ kind: 'invalid', message: 'c takes nothing after it; type ? for the commands' });
    expect(parsePromptLine('i')).toEqual({ kind: 'invalid', message: 'i needs the inputs as a JSON array of the arguments, e.g. i [10]' });
    expect(parsePromptLine('k')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('e.g. k null') });
    const notJson = parsePromptLine('i [10');
    expect(notJson).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^the inputs must be JSON, e\.g\. i \[10, "text"\] \(/) });
    expect(parsePromptLine('i {"x":1}')).toEqual({
      kind: 'invalid',
      message: `the inputs must be a JSON array of the task's arguments in their order, e.g. i [10, "text"]`,
    });
    expect(parsePromptLine(`i ${'['.repeat(70)}${']'.repeat(70)}`)).toMatchObject({
      message: expect.stringContaining('nested deeper than 64 levels'),
    });
  });
});

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => `value ${x}`);
const three = flow({ name: 'three' }, async () => show(await double(await add(1, 2))));
const fragile = task({ name: 'fragile' }, (x: number) => {
  if (x < 0) throw new Error(`negative input ${x}`);
  return x;
});
const oneFragile = flow({ name: 'one-fragile' }, async () => fragile(-1));
const mapped = flow({ name: 'mapped' }, async () => {
  const futures = double.map([1, 2, 3]);
  return Promise.all(futures.map((future) => future.result()));
});

describe('the console against a real debug run', () => {
  let env: EngineStore;
  let printed: string[];
  beforeEach(async () => {
    env = await useEngineStore();
    printed = [];
  });
  afterEach(() => env.dispose());

  /** Starts a debug run with a console on it; answers the console and the run's outcome. */
  function debugRun(flowToRun: { run(params: object, request: FlowRunRequest): Promise<FlowRunOutcome> }, debug: DebugOptions) {
    const flowRunId = newId();
    const dc = new DebugConsole(new LocalRunsSource(env.store), flowRunId, (line) => printed.push(line));
    const outcome = flowToRun.run(
      {},
      {
        newFlowRunId: flowRunId,
        debug,
        debugListener: { stopped: (stop) => void dc.taskRunStopped(stop), answered: (answer) => dc.answered(answer) },
      },
    );
    return { dc, outcome, flowRunId };
  }

  async function stoppedAt(dc: DebugConsole, prompt: string): Promise<void> {
    await until(() => dc.waiting && dc.prompt() === prompt);
    // The stop is printed after the console heard of it.
    await until(() => printed.some((line) => line.startsWith('type c to continue') || line.startsWith('also stopped')));
  }

  it('shows a stop with its inputs, refuses what does not fit, and goes on with edited inputs, stepping to the next', async () => {
    const { dc, outcome, flowRunId } = debugRun(three, { breakpoints: ['double'] });
    await stoppedAt(dc, 'debug double-0> ');
    expect(printed).toEqual([
      "Task run 'double-0' stopped at a breakpoint on task 'double'",
      'inputs:',
      '  [',
      '    3',
      '  ]',
      'type c to continue, s to step, i JSON to run with other inputs, k JSON to skip, ? for all',
    ]);
    printed.length = 0;
    await dc.handle('p');
    expect(printed.slice(2)).toEqual(['  [', '    3', '  ]']);
    printed.length = 0;
    await dc.handle('f');
    expect(printed).toEqual(["f lets a task run fail only when it stopped on its failure; 'double-0' stopped before it started"]);
    printed.length = 0;
    await dc.handle('i [1, 2]');
    expect(printed).toEqual(["Cannot continue: task run 'double-0' was called with 1 argument; the inputs give 2 arguments."]);
    expect(dc.waiting).toBe(true);
    printed.length = 0;
    await dc.handle('s');
    expect(printed).toEqual([expect.stringMatching(/^Stepped task run double-0 \(\S+\); the flow run stops again before its next task run\.$/)]);
    await stoppedAt(dc, 'debug show-0> ');
    expect(printed).toContain("Task run 'show-0' stopped at a step");
    await dc.handle('i [10]');
    const done = await outcome;
    expect(done.result).toBe('value 10');
    const showRun = (await taskRunsOf(env.store, flowRunId, 'show'))[0];
    const history = await env.store.listStates(showRun.id);
    expect(history.map((s) => s.name)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
    expect(history[2].message).toBe('continued with edited inputs: [10]');
    expect(dc.waiting).toBe(false);
  });

  it('skips a stopped task run with a result, and says so when nothing is stopped', async () => {
    const { dc, outcome } = debugRun(three, { breakpoints: ['double'] });
    await stoppedAt(dc, 'debug double-0> ');
    await dc.handle('k 21');
    expect((await outcome).result).toBe('value 21');
    printed.length = 0;
    await dc.handle('c');
    expect(printed).toEqual(['no task run is stopped now']);
  });

  it('lets a task run stopped on its failure fail, showing its error', async () => {
    const { dc, outcome, flowRunId } = debugRun(oneFragile, { breakOnFailure: true });
    await stoppedAt(dc, 'debug fragile-0> ');
    expect(printed.slice(0, 2)).toEqual(["Task run 'fragile-0' stopped at its failure", 'error: Error: negative input -1']);
    await dc.handle('f');
    const done = await outcome;
    expect(done.state.type).toBe('FAILED');
    const run = (await taskRunsOf(env.store, flowRunId, 'fragile'))[0];
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'Breakpoint', 'Failed']);
  });

  it('shows how many runs of a map are stopped; c continues them all', async () => {
    const { dc, outcome } = debugRun(mapped, { breakpoints: ['double'] });
    await until(() => dc.waiting && dc.prompt() === 'debug double-0 (+2 stopped)> ');
    // The runs of a map that stop together are one line, never one each.
    await until(() => printed.some((line) => line.startsWith('also stopped')));
    expect(printed.filter((line) => line.startsWith('also stopped'))).toEqual([
      "also stopped: 2 more task runs of task 'double' at a breakpoint on task 'double' (3 stopped; c continues them all)",
    ]);
    printed.length = 0;
    await dc.handle('s');
    expect(dc.prompt()).toBe('debug double-1 (+1 stopped)> ');
    expect(printed[1]).toBe("now at task run 'double-1', stopped at a breakpoint on task 'double' (p prints its inputs)");
    printed.length = 0;
    await dc.handle('c');
    expect(printed).toEqual(['Continued 2 task runs.']);
    expect((await outcome).result).toEqual([2, 4, 6]);
  });

  it('q cancels the flow run', async () => {
    const { dc, outcome } = debugRun(three, { breakpoints: ['double'] });
    await stoppedAt(dc, 'debug double-0> ');
    await dc.handle('q');
    expect(printed.at(-1)).toBe('Cancelling the flow run; its process stops within a second.');
    expect(dc.waiting).toBe(false);
    expect((await outcome).state.type).toBe('CANCELLED');
  });
});
