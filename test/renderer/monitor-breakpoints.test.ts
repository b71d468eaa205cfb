// The flow run page's debugging, headless: what a stopped task run offers, edited inputs checked
// before they are sent, a map's stopped runs as one group, and the bodies the page sends, against
// debug runs of the real engine answered through a real server on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../app/core/api/errors.js';
import type { TaskRun } from '../../app/core/runs.js';
import { configureEngine } from '../../app/engine/hosting.js';
import { flow, task } from '../../app/engine/index.js';
import {
  breakpointOffer,
  continueAllBody,
  continueBody,
  groupStoppedRuns,
  parseEditedInputs,
  parseSkipResult,
  skipBody,
  stoppedHereLabel,
  stoppedSummary,
  stoppedTaskRuns,
} from '../../app/renderer/monitor/model/breakpoints.js';
import { buildRunGraph } from '../../app/renderer/monitor/model/run-graph.js';
import { debugMark } from '../../app/renderer/shared/node-states.js';
import { makeTempHome } from '../helpers/temp-home.js';
import { useWorkspaceApiServer } from '../helpers/workspace-api-server.js';

const env = useWorkspaceApiServer();
let engineHome: ReturnType<typeof makeTempHome>;
beforeAll(() => {
  engineHome = makeTempHome();
  // The engine reports to the server's own store, as a flow process does through it.
  configureEngine({ reporter: env.store, home: engineHome.home, consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
});
afterAll(() => {
  configureEngine({ reporter: null });
  engineHome.cleanup();
});

let flowRunId = '';
afterEach(() => (flowRunId = ''));

/** The task runs of the newest flow run, as the page reads them, once `ready` holds of them. */
async function taskRunsWhen(ready: (runs: TaskRun[]) => boolean): Promise<TaskRun[]> {
  // Generous: the machine is shared; a run that never gets there still fails the test.
  const stop = Date.now() + 60_000;
  for (;;) {
    flowRunId = (await env.client.listFlowRuns({ query: { limit: 1 } })).items[0]?.id ?? '';
    const runs = flowRunId ? await env.client.listFlowRunTaskRuns({ params: { id: flowRunId } }) : [];
    if (ready(runs)) return runs;
    if (Date.now() > stop) throw new Error(`the runs never got there: ${runs.map((r) => `${r.name} ${r.state.name}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The task run of a task once it is held at a breakpoint, read by its id as the panel reads it. */
async function stoppedAt(name: string): Promise<TaskRun> {
  const runs = await taskRunsWhen((all) => stoppedTaskRuns(all).some((r) => r.taskKey === name));
  const run = stoppedTaskRuns(runs).find((r) => r.taskKey === name)!;
  return env.client.getTaskRun({ params: { id: run.id } });
}

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => `value ${x}`);
const threeSteps = flow({ name: 'three-steps' }, async () => show(await double(await add(1, 2))));

describe('edited inputs, checked before anything is sent', () => {
  it('says why text that is not JSON, not an array, or not as many arguments cannot be sent', () => {
    expect(parseEditedInputs('[10', 1)).toEqual({ ok: false, message: expect.stringMatching(/^The inputs: not JSON: /) });
    expect(parseEditedInputs('  ', 1)).toEqual({ ok: false, message: 'The inputs: nothing written; write it as JSON' });
    expect(parseEditedInputs('{"x": 10}', 1)).toEqual({
      ok: false,
      message: "The inputs must be a JSON array of the task's arguments in order, like [3]",
    });
    expect(parseEditedInputs('[1, 2]', 1)).toEqual({ ok: false, message: 'The task was called with 1 argument; the inputs give 2 arguments' });
    expect(parseEditedInputs('[1]', 2)).toEqual({ ok: false, message: 'The task was called with 2 arguments; the inputs give 1 argument' });
    expect(parseEditedInputs('[\n  10\n]', 1)).toEqual({ ok: true, value: [10] });
    expect(parseEditedInputs('[null, {"a": [1]}]', 2)).toEqual({ ok: true, value: [null, { a: [1] }] });
  });

  it("takes any JSON as a skipped run's result, null included, and nothing that is not JSON", () => {
    expect(parseSkipResult('null')).toEqual({ ok: true, value: null });
    expect(parseSkipResult('{"rows": []}')).toEqual({ ok: true, value: { rows: [] } });
    expect(parseSkipResult("'rows'")).toMatchObject({ ok: false, message: expect.stringMatching(/^The result: not JSON: /) });
  });

  it('counts stopped runs in words', () => {
    expect(stoppedSummary(0)).toBeNull();
    expect(stoppedSummary(1)).toBe('1 task run at a breakpoint');
    expect(stoppedSummary(2)).toBe('2 task runs at breakpoints');
    expect(stoppedSummary(10_000)).toBe('10,000 task runs at breakpoints');
    expect(stoppedHereLabel(10_000)).toBe('10,000 stopped here');
  });
});

describe('a debug run answered as the page answers it', () => {
  it('offers Continue, Step, Skip and edited inputs before a start; steps with edited inputs, then continues to the end', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['double'] } });
    const atDouble = await stoppedAt('double');
    expect(debugMark(atDouble.state)).toBe('breakpoint');
    const offer = breakpointOffer(atDouble.breakpoint!);
    expect(offer).toEqual({
      reason: "stopped at a breakpoint on task 'double'",
      onFailure: false,
      error: null,
      inputsText: '[\n  3\n]',
      argumentCount: 1,
      controls: ['continue', 'step', 'skip', 'editInputs', 'stop'],
    });
    expect(stoppedSummary(stoppedTaskRuns(await env.client.listFlowRunTaskRuns({ params: { id: flowRunId } })).length)).toBe(
      '1 task run at a breakpoint',
    );

    // What the model refuses, the server refuses too, with its own words; the run stays stopped.
    const tooMany = parseEditedInputs('[10, 11]', offer.argumentCount!);
    expect(tooMany.ok).toBe(false);
    const refused = await env.client
      .continueTaskRun({ params: { id: atDouble.id }, body: continueBody({ inputs: [10, 11] }) })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(422);
    expect((refused as ApiError).message).toContain('the inputs give 2 arguments');
    expect((await env.client.getTaskRun({ params: { id: atDouble.id } })).state.name).toBe('Breakpoint');

    const edited = parseEditedInputs('[10]', offer.argumentCount!);
    expect(edited).toEqual({ ok: true, value: [10] });
    const body = continueBody({ step: true, inputs: edited.ok ? edited.value : [] });
    expect(body).toEqual({ step: true, inputs: [10] });
    expect((await env.client.continueTaskRun({ params: { id: atDouble.id }, body })).state.name).toBe('Continued');

    const atShow = await stoppedAt('show');
    expect(breakpointOffer(atShow.breakpoint!)).toMatchObject({ reason: 'stopped at a step', inputsText: '[\n  20\n]' });
    const doubled = (await env.client.listFlowRunTaskRuns({ params: { id: flowRunId } })).find((r) => r.taskKey === 'double')!;
    expect(doubled).toMatchObject({ result: '20', state: { name: 'Completed' } });
    expect(continueBody({})).toEqual({});
    await env.client.continueTaskRun({ params: { id: atShow.id }, body: continueBody({}) });
    const outcome = await running;
    expect(outcome.result).toBe('value 20');
  });

  it('skips with a result: the run looks completed, marked skipped', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['add'] } });
    const atAdd = await stoppedAt('add');
    expect(breakpointOffer(atAdd.breakpoint!).argumentCount).toBe(2);
    const result = parseSkipResult('7');
    expect(skipBody(result.ok ? result.value : null)).toEqual({ result: 7 });
    await env.client.skipTaskRun({ params: { id: atAdd.id }, body: skipBody(7) });
    expect((await running).result).toBe('value 14');
    const skipped = (await env.client.listFlowRunTaskRuns({ params: { id: flowRunId } })).find((r) => r.taskKey === 'add')!;
    expect(skipped.state).toMatchObject({ type: 'COMPLETED', name: 'Skipped' });
    expect(debugMark(skipped.state)).toBe('skipped');
  });

  it('offers Run again, edited inputs and Let it fail on a failure, and shows the error; Run again with fixed inputs completes', async () => {
    const parse = task({ name: 'parse' }, (text: string) => (JSON.parse(text) as { n: number }).n);
    const running = flow({ name: 'parses' }, async () => parse('{"n": oops}')).run({}, { debug: { breakOnFailure: true } });
    const stopped = await stoppedAt('parse');
    const offer = breakpointOffer(stopped.breakpoint!);
    expect(offer).toMatchObject({ onFailure: true, argumentCount: 1, controls: ['runAgain', 'editInputs', 'letItFail', 'stop'] });
    expect(offer.reason).toMatch(/^stopped at its failure: /);
    expect(offer.error?.name).toBe('SyntaxError');
    const fixed = parseEditedInputs('["{\\"n\\": 5}"]', 1);
    expect(fixed).toEqual({ ok: true, value: ['{"n": 5}'] });
    await env.client.continueTaskRun({ params: { id: stopped.id }, body: continueBody({ inputs: fixed.ok ? fixed.value : [] }) });
    expect((await running).result).toBe(5);
  });

  it("groups a map's stopped runs as one, in map order, and Continue all answers them with one request", async () => {
    const square = task({ name: 'square' }, (x: number) => x * x);
    const mapped = flow({ name: 'mapped' }, async () => (await square.map([1, 2, 3, 4, 5]).result()).reduce((a, b) => a + b, 0));
    const running = mapped.run({}, { debug: { breakpoints: ['square'] } });
    const runs = await taskRunsWhen((all) => stoppedTaskRuns(all).length === 5);
    const groups = groupStoppedRuns(runs);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ taskKey: 'square', label: 'square' });
    const byIndex = [...runs].sort((a, b) => a.dynamicKey - b.dynamicKey).map((r) => r.id);
    expect(groups[0].taskRunIds).toEqual(byIndex);
    expect(stoppedHereLabel(groups[0].taskRunIds.length)).toBe('5 stopped here');
    // The graph draws them as one node that counts them.
    const graph = buildRunGraph(runs);
    expect(graph.nodes.map((node) => (node.kind === 'group' ? node.group.stopped : -1))).toEqual([5]);

    const answer = await env.client.continueFlowRun({ params: { id: flowRunId }, body: continueAllBody() });
    expect(answer.continued.sort()).toEqual([...byIndex].sort());
    expect((await running).result).toBe(55);
  });

  it('leaves a single stopped run of a task out of the groups', () => {
    const at = (id: string, taskKey: string, dynamicKey: number, name = 'Breakpoint') => ({
      id,
      taskKey,
      name: `${taskKey}-${dynamicKey}`,
      dynamicKey,
      state: { type: name === 'Breakpoint' ? 'PAUSED' : 'RUNNING', name },
    });
    const groups = groupStoppedRuns([at('a', 'load', 0), at('c', 'fit', 2), at('b', 'fit', 1), at('d', 'fit', 0, 'Running')]);
    expect(groups).toEqual([{ taskKey: 'fit', label: 'fit', taskRunIds: ['b', 'c'] }]);
    expect(continueAllBody({ step: true })).toEqual({ step: true });
  });

  it('marks a pinned run as completed with a mark, and nothing else', async () => {
    const outcome = await threeSteps.run({}, { debug: { pins: { add: 4 } } });
    expect(outcome.result).toBe('value 8');
    const runs = await env.client.listFlowRunTaskRuns({ params: { id: outcome.flowRunId } });
    expect(runs.map((run) => [run.taskKey, run.state.type, debugMark(run.state)])).toEqual([
      ['add', 'COMPLETED', 'pinned'],
      ['double', 'COMPLETED', null],
      ['show', 'COMPLETED', null],
    ]);
  });
});
