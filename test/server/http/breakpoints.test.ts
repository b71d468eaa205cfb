// The debugging routes against a real server on loopback, with a real flow run of the engine (in
// this process, reporting to the server's store) held at its breakpoints.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, task } from '../../../app/engine/index.js';
import { call, flowRunRequest, startTestServer, type TestServer } from './support.js';

const KEY = 'a key for the debugging routes';

let server: TestServer;
let apiKey: string | undefined;

async function start(options: { apiKey?: string } = {}): Promise<void> {
  apiKey = options.apiKey;
  server = await startTestServer(options);
  configureEngine({ reporter: server.store, home: server.dbPath.replace(/\/[^/]+$/, ''), consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
}

afterEach(async () => {
  configureEngine({ reporter: null });
  expect(server.unexpected).toEqual([]);
  await server.close();
});

/** A request to the API, with the key when the server has one. */
function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers = apiKey ? { authorization: `Bearer ${apiKey}`, ...init.headers } : init.headers;
  return call(`${server.api}${path}`, { ...init, headers });
}

/** Polls the API until a task run of `key` is held at a breakpoint; that task run, as the API shows it. */
async function stoppedAt(key: string): Promise<TaskRun> {
  for (const stop = Date.now() + 10_000; Date.now() < stop; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const flowRuns = await api('/flow-runs?limit=1');
    const flowRunId = flowRuns.json?.items?.[0]?.id as string | undefined;
    if (!flowRunId) continue;
    const taskRuns = (await api(`/flow-runs/${flowRunId}/task-runs`)).json as TaskRun[];
    const run = taskRuns.find((r) => r.taskKey === key && r.state.name === 'Breakpoint');
    if (run) return (await api(`/task-runs/${run.id}`)).json as TaskRun;
  }
  throw new Error(`no task run of '${key}' stopped at a breakpoint`);
}

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => `value ${x}`);
// Tasks are told apart by name: each is made once for the file.
const fetchRows = task({ name: 'fetch-rows' }, (): number[] => [1, 2, 3]);
const threeSteps = flow({ name: 'three-steps' }, async () => show(await double(await add(1, 2))));

describe('the debugging routes', () => {
  beforeEach(() => start());

  it('continue a stopped task run with edited inputs, step to the next, and continue the flow run', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['add'] } });
    const atAdd = await stoppedAt('add');
    expect(atAdd.breakpoint).toMatchObject({ inputs: '[1,2]', breakpointId: atAdd.state.transitionId });

    const stepped = await api(`/task-runs/${atAdd.id}/continue`, { method: 'POST', body: { step: true, inputs: [4, 5] } });
    expect(stepped.status).toBe(200);
    expect(stepped.json).toMatchObject({ id: atAdd.id, state: { type: 'PENDING', name: 'Continued', message: 'stepped with edited inputs: [4,5]' } });

    const atDouble = await stoppedAt('double');
    expect(atDouble.state.message).toBe('stopped at a step');
    expect(atDouble.breakpoint?.inputs).toBe('[9]');
    const continued = await api(`/flow-runs/${atDouble.flowRunId}/continue`, { method: 'POST', body: {} });
    expect(continued.status).toBe(200);
    expect(continued.json).toEqual({ flowRunId: atDouble.flowRunId, continued: [atDouble.id] });

    const outcome = await running;
    expect(outcome.result).toBe('value 18');
    const answers = await api(`/flow-runs/${atDouble.flowRunId}/breakpoint-answers`);
    expect(answers.status).toBe(200);
    expect(answers.json.map((a: { taskRunId: string; action: string; inputs?: unknown[] }) => [a.taskRunId, a.action, a.inputs])).toEqual([
      [atAdd.id, 'step', [4, 5]],
      [atDouble.id, 'continue', undefined],
    ]);
    // After the last one there is nothing more.
    expect((await api(`/flow-runs/${atDouble.flowRunId}/breakpoint-answers?after=${answers.json[1].id}`)).json).toEqual([]);
  });

  it('skips a stopped task run with a result, and lets one stopped on its failure fail', async () => {
    const boom = task({ name: 'boom' }, (rows: number[]) => {
      throw new Error(`cannot count ${rows.length} rows`);
    });
    const f = flow({ name: 'skip-then-fail' }, async () => boom(await fetchRows()));
    const running = f.run({}, { debug: { breakpoints: ['fetch-rows'], breakOnFailure: true } });
    const atFetch = await stoppedAt('fetch-rows');
    const skipped = await api(`/task-runs/${atFetch.id}/skip`, { method: 'POST', body: { result: [7, 8] } });
    expect(skipped.status).toBe(200);
    expect(skipped.json).toMatchObject({ state: { type: 'COMPLETED', name: 'Skipped' } });

    const atBoom = await stoppedAt('boom');
    expect(atBoom.breakpoint?.error?.message).toBe('cannot count 2 rows');
    const failed = await api(`/task-runs/${atBoom.id}/fail`, { method: 'POST' });
    expect(failed.status).toBe(200);
    expect(failed.json).toMatchObject({ id: atBoom.id, state: { type: 'FAILED' } });
    const outcome = await running;
    expect(outcome.state.type).toBe('FAILED');
    expect(String(outcome.error)).toContain('cannot count 2 rows');
  });

  it('answers 404 for an unknown run, 409 for one not at a breakpoint and 422 for an answer that does not fit', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['double'] } });
    const stopped = await stoppedAt('double');
    const completed = ((await api(`/flow-runs/${stopped.flowRunId}/task-runs`)).json as TaskRun[]).find((r) => r.taskKey === 'add')!;
    expect(completed.state.name).toBe('Completed');

    for (const [path, body] of [
      ['/task-runs/no-such-run/continue', {}],
      ['/task-runs/no-such-run/skip', { result: null }],
      ['/task-runs/no-such-run/fail', undefined],
      ['/flow-runs/no-such-run/continue', {}],
    ] as const) {
      const answer = await api(path, { method: 'POST', body });
      expect(answer.status, path).toBe(404);
      expect(answer.json.message, path).toContain('no-such-run');
    }
    const unknownAnswers = await api('/flow-runs/no-such-run/breakpoint-answers');
    expect(unknownAnswers.status).toBe(404);
    expect(unknownAnswers.json.message).toContain('no-such-run');

    for (const [action, body] of [
      ['continue', {}],
      ['skip', { result: 1 }],
      ['fail', undefined],
    ] as const) {
      const answer = await api(`/task-runs/${completed.id}/${action}`, { method: 'POST', body });
      expect(answer.status, action).toBe(409);
      expect(answer.json.message, action).toBe("task run 'add-0' is Completed; only a task run at a breakpoint can be answered");
    }

    const tooMany = await api(`/task-runs/${stopped.id}/continue`, { method: 'POST', body: { inputs: [1, 2] } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.message).toBe("task run 'double-0' was called with 1 argument; the inputs give 2 arguments");
    const notAnArray = await api(`/task-runs/${stopped.id}/continue`, { method: 'POST', body: { inputs: 3 } });
    expect(notAnArray.status).toBe(400);
    expect(notAnArray.json.message).toMatch(/inputs/);
    const noResult = await api(`/task-runs/${stopped.id}/skip`, { method: 'POST', body: {} });
    expect(noResult.status).toBe(422);
    expect(noResult.json.message).toBe('skipping a task run needs the result it should have, e.g. null');
    const failBeforeStart = await api(`/task-runs/${stopped.id}/fail`, { method: 'POST' });
    expect(failBeforeStart.status).toBe(422);
    expect(failBeforeStart.json.message).toMatch(/failure/);
    // None of them changed anything.
    expect(((await api(`/task-runs/${stopped.id}/states`)).json as { name: string }[]).map((s) => s.name)).toEqual(['Pending', 'Breakpoint']);

    expect((await api(`/task-runs/${stopped.id}/continue`, { method: 'POST', body: {} })).status).toBe(200);
    await running;
    const noneStopped = await api(`/flow-runs/${stopped.flowRunId}/continue`, { method: 'POST', body: {} });
    expect(noneStopped.status).toBe(409);
    expect(noneStopped.json.message).toMatch(/breakpoint/);
  });

  it('lists the debugging routes in the OpenAPI document', async () => {
    const doc = (await api('/openapi.json')).json;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/task-runs/{id}/continue continueTaskRun',
        'POST /api/task-runs/{id}/skip skipTaskRun',
        'POST /api/task-runs/{id}/fail failTaskRun',
        'POST /api/flow-runs/{id}/continue continueFlowRun',
        'GET /api/flow-runs/{id}/breakpoint-answers listBreakpointAnswers',
        'POST /api/flow-runs/{id}/break breakFlowRun',
      ]),
    );
    expect(doc.paths['/api/flow-runs/{id}/breakpoint-answers'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'after', 'waitMs']),
    );
  });
});

describe('the held-open read of answers', () => {
  beforeEach(() => start());

  /** Sends a read of answers, resolved once the server has reached the store with it (so it is held, not refused as late). */
  async function heldRead(path: string): Promise<{ answer: Promise<{ status: number; json: unknown } | { error: unknown }> }> {
    const store = server.store;
    const read = store.breakpointAnswers.bind(store);
    let reached!: () => void;
    const reachedStore = new Promise<void>((resolve) => (reached = resolve));
    store.breakpointAnswers = (...args) => {
      reached();
      return read(...args);
    };
    const answer = api(path).then(
      ({ status, json }) => ({ status, json }),
      (error: unknown) => ({ error }),
    );
    await reachedStore;
    return { answer };
  }

  it('answers at once when an answer is given while it waits', async () => {
    const running = threeSteps.run({}, { debug: { breakpoints: ['show'] } });
    const stopped = await stoppedAt('show');
    // Far longer than the test may take: only the answer can end it in time.
    const waiting = await heldRead(`/flow-runs/${stopped.flowRunId}/breakpoint-answers?after=0&waitMs=60000`);
    expect((await api(`/task-runs/${stopped.id}/continue`, { method: 'POST', body: { inputs: [1] } })).status).toBe(200);
    const answered = await waiting.answer;
    expect(answered).toMatchObject({ status: 200 });
    expect('json' in answered && answered.json).toEqual([
      expect.objectContaining({
        flowRunId: stopped.flowRunId,
        taskRunId: stopped.id,
        breakpointId: stopped.state.transitionId,
        action: 'continue',
        inputs: [1],
      }),
    ]);
    expect((await running).result).toBe('value 1');
  }, 20_000);

  it('answers [] once waitMs is up with no answer', async () => {
    const flowRun = flowRunRequest();
    await server.store.createFlowRun(flowRun);
    const answer = await api(`/flow-runs/${flowRun.id}/breakpoint-answers?after=0&waitMs=200`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([]);
  });

  it('refuses a wait longer than the longest allowed', async () => {
    const flowRun = flowRunRequest();
    await server.store.createFlowRun(flowRun);
    const answer = await api(`/flow-runs/${flowRun.id}/breakpoint-answers?waitMs=60001`);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/waitMs/);
  });

  it('ends a waiting read when the server closes, rather than holding the close up', async () => {
    const flowRun = flowRunRequest();
    await server.store.createFlowRun(flowRun);
    const waiting = await heldRead(`/flow-runs/${flowRun.id}/breakpoint-answers?after=0&waitMs=60000`);
    // Both end well before the read's minute is up, or the test times out.
    await server.close();
    expect(await waiting.answer).toEqual({ status: 200, json: [] });
  }, 20_000);
});

describe('with an API key', () => {
  beforeEach(() => start({ apiKey: KEY }));

  it('refuses every debugging route without the key, and lets it through with it', async () => {
    const count = task({ name: 'count' }, (rows: number[]) => rows.length);
    const check = task({ name: 'check' }, (n: number) => {
      if (n > 1) throw new Error(`${n} rows is too many`);
      return n;
    });
    const f = flow({ name: 'guarded' }, async () => {
      const rows = await fetchRows();
      const sum = await add(rows[0], rows[1]);
      return check(await count([sum]));
    });
    const running = f.run({}, { debug: { breakpoints: ['fetch-rows', 'add', 'count'], breakOnFailure: true } });

    const unkeyed = async (path: string, method: 'GET' | 'POST', body?: unknown) => {
      for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong' }]) {
        const answer = await api(path, { method, body, headers });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.json.message).toMatch(/API key/);
      }
    };

    const atFetch = await stoppedAt('fetch-rows');
    await unkeyed(`/task-runs/${atFetch.id}/continue`, 'POST', { inputs: [] });
    await unkeyed(`/flow-runs/${atFetch.flowRunId}/breakpoint-answers`, 'GET');
    expect((await api(`/task-runs/${atFetch.id}/continue`, { method: 'POST', body: {} })).status).toBe(200);

    const atAdd = await stoppedAt('add');
    await unkeyed(`/flow-runs/${atAdd.flowRunId}/continue`, 'POST', {});
    await unkeyed(`/flow-runs/${atAdd.flowRunId}/break`, 'POST');
    expect((await api(`/flow-runs/${atAdd.flowRunId}/continue`, { method: 'POST', body: {} })).json.continued).toEqual([atAdd.id]);

    const atCount = await stoppedAt('count');
    await unkeyed(`/task-runs/${atCount.id}/skip`, 'POST', { result: 5 });
    expect((await api(`/task-runs/${atCount.id}/skip`, { method: 'POST', body: { result: 5 } })).status).toBe(200);

    const atCheck = await stoppedAt('check');
    expect(atCheck.breakpoint?.error?.message).toBe('5 rows is too many');
    await unkeyed(`/task-runs/${atCheck.id}/fail`, 'POST');
    expect((await api(`/task-runs/${atCheck.id}/fail`, { method: 'POST' })).status).toBe(200);
    expect((await running).state.type).toBe('FAILED');

    const answers = await api(`/flow-runs/${atAdd.flowRunId}/breakpoint-answers`);
    expect(answers.status).toBe(200);
    expect(answers.json.map((a: { action: string }) => a.action)).toEqual(['continue', 'continue', 'skip', 'fail']);
  });
});
