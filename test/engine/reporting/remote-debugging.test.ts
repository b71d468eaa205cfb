// A debug run reporting through the HTTP reporter to a real server that asks for a key: its task
// runs stop at breakpoints on the server, are answered through the API, and the run goes on.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, task } from '../../../app/engine/index.js';
import { HttpReporter } from '../../../app/engine/reporting/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const KEY = 'the key of the debugging server';

let temp: ReturnType<typeof makeTempHome>;
let store: RunStore;
let server: FlowdeckServer;
let api: string;
let reporter: HttpReporter;

beforeEach(async () => {
  temp = makeTempHome();
  store = await openTestStore({ path: temp.dbPath, silenceFromOpen: true });
  server = await createServer({ store, host: '127.0.0.1', port: 0, crashSweepIntervalMs: 0, apiKey: KEY });
  api = `${await server.listen()}/api`;
  const home = join(temp.home, 'client');
  reporter = new HttpReporter({ apiUrl: api, apiKey: KEY, home });
  configureEngine({ reporter, home, consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
});

afterEach(async () => {
  reporter.abandon();
  configureEngine({ reporter: null });
  await server.close();
  await store.close();
  temp.cleanup();
});

/** A request to the server's API with its key; the answer's body, parsed. */
async function request<T = unknown>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Polls the server until a task run of `key` is held at a breakpoint for the nth time. */
async function stoppedAt(key: string, nth = 1): Promise<TaskRun> {
  for (const stop = Date.now() + 10_000; Date.now() < stop; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const [flowRun] = (await request<{ items: { id: string }[] }>('/flow-runs?limit=1')).items;
    if (!flowRun) continue;
    const run = (await request<TaskRun[]>(`/flow-runs/${flowRun.id}/task-runs`)).find((r) => r.taskKey === key && r.state.name === 'Breakpoint');
    if (!run) continue;
    const stops = (await statesOf(run.id)).filter((s) => s === 'Breakpoint').length;
    if (stops >= nth) return request<TaskRun>(`/task-runs/${run.id}`);
  }
  throw new Error(`no task run of '${key}' stopped at a breakpoint on the server`);
}

async function historyOf(runId: string): Promise<string[]> {
  return (await request<{ name: string; attempt: number }[]>(`/task-runs/${runId}/states`)).map((s) => `${s.name}:${s.attempt}`);
}

async function statesOf(runId: string): Promise<string[]> {
  return (await request<{ name: string }[]>(`/task-runs/${runId}/states`)).map((s) => s.name);
}

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => `value ${x}`);
const threeSteps = flow({ name: 'three-steps' }, async () => show(await double(await add(1, 2))));

describe('a remote debug run', () => {
  it('stops on the server, goes on with edited inputs, steps to the next and continues to the end', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['double'] } });
    const atDouble = await stoppedAt('double');
    expect(atDouble.state).toMatchObject({ type: 'PAUSED', name: 'Breakpoint', message: "stopped at a breakpoint on task 'double'" });
    expect(atDouble.breakpoint).toMatchObject({ inputs: '[3]', error: null, breakpointId: atDouble.state.transitionId });

    const stepped = await request<TaskRun>(`/task-runs/${atDouble.id}/continue`, { step: true, inputs: [10] });
    expect(stepped.state.name).toBe('Continued');
    const atShow = await stoppedAt('show');
    expect(atShow.state.message).toBe('stopped at a step');
    expect(atShow.breakpoint?.inputs).toBe('[20]');

    await request(`/task-runs/${atShow.id}/continue`, {});
    const outcome = await running;
    await reporter.flush();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe('value 20');

    const onServer = await request<TaskRun[]>(`/flow-runs/${outcome.flowRunId}/task-runs`);
    expect(onServer.map((r) => `${r.taskKey}:${r.state.name}:${r.result}`)).toEqual([
      'add:Completed:3',
      'double:Completed:20',
      'show:Completed:"value 20"',
    ]);
    const doubleStates = await request<{ name: string; message: string | null }[]>(`/task-runs/${atDouble.id}/states`);
    expect(doubleStates.map((s) => s.name)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
    expect(doubleStates[2].message).toBe('stepped with edited inputs: [10]');
    expect(await statesOf(atShow.id)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
    expect(await request<{ name: string }[]>(`/flow-runs/${outcome.flowRunId}/states`)).toMatchObject([
      { name: 'Pending' },
      { name: 'Running' },
      { name: 'Completed' },
    ]);
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
    const stopped = await stoppedAt('fetch-rows');
    const skipped = await request<TaskRun>(`/task-runs/${stopped.id}/skip`, { result: [7, 8] });
    expect(skipped.state).toMatchObject({ type: 'COMPLETED', name: 'Skipped' });
    const outcome = await running;
    await reporter.flush();
    expect(outcome.result).toBe(2);
    expect(ran).toBe(false);
    expect(await historyOf(stopped.id)).toEqual(['Pending:1', 'Breakpoint:1', 'Skipped:1']);
    expect((await request<TaskRun>(`/task-runs/${stopped.id}`)).result).toBe('[7,8]');
  });

  it('stops a task run on its last failure; edited inputs run it again in place', async () => {
    const parse = task({ name: 'parse', retries: 1 }, (text: string) => (JSON.parse(text) as { n: number }).n);
    const f = flow({ name: 'breaks-on-failure' }, async () => parse('{"n": oops}'));
    const running = f.run({}, { debug: { breakOnFailure: true } });
    const stopped = await stoppedAt('parse');
    expect(stopped.state.message).toMatch(/^stopped at its failure: /);
    expect(stopped.breakpoint?.error?.name).toBe('SyntaxError');
    expect(stopped.breakpoint?.inputs).toBe('["{\\"n\\": oops}"]');

    await request(`/task-runs/${stopped.id}/continue`, { inputs: ['{"n": 5}'] });
    const outcome = await running;
    await reporter.flush();
    expect(outcome.state.name).toBe('Completed');
    expect(outcome.result).toBe(5);
    expect(await historyOf(stopped.id)).toEqual([
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
    const stopped = await stoppedAt('boom');
    await request(`/task-runs/${stopped.id}/fail`, {});
    const outcome = await running;
    await reporter.flush();
    expect(outcome.state.type).toBe('FAILED');
    expect(String(outcome.error)).toContain('the disk is on fire');
    expect(await statesOf(stopped.id)).toEqual(['Pending', 'Running', 'Breakpoint', 'Failed']);
    expect((await request<{ state: { type: string } }>(`/flow-runs/${outcome.flowRunId}`)).state.type).toBe('FAILED');
  });
});
