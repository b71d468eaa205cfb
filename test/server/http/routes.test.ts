import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_ROUTES, ApiError, createApiClient, FLOWDECK_VERSION, type ApiClient } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, getRunLogger, task } from '../../../app/engine/index.js';
import { call, flowRunRequest, startTestServer, taskRunRequest, type TestServer } from './support.js';

let server: TestServer;
let client: ApiClient;
beforeEach(async () => {
  server = await startTestServer();
  client = createApiClient({ baseUrl: server.api });
  configureEngine({ reporter: server.store, home: server.dbPath.replace(/\/[^/]+$/, ''), consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
});
afterEach(async () => {
  configureEngine({ reporter: null });
  expect(server.unexpected).toEqual([]);
  await server.close();
});

/** A real run through the engine: a retried task, a mapped one, log lines and a subflow. */
async function runEtl(): Promise<{ flowRunId: string; childRunId: string }> {
  let calls = 0;
  const extract = task({ name: 'extract', retries: 1, retryDelaySeconds: 0, tags: ['api'] }, async () => {
    calls++;
    getRunLogger().info(`extract attempt ${calls}`);
    if (calls === 1) throw new Error('flaky upstream');
    return [1, 2, 3];
  });
  const double = task({ name: 'double' }, (x: number) => x * 2);
  const child = flow({ name: 'child' }, async () => {
    getRunLogger().warning('child says hi');
    return 1;
  });
  const etl = flow({ name: 'users-etl' }, async () => {
    getRunLogger().info('starting');
    const rows = await extract();
    const doubled = await double.map(rows).result();
    await child();
    getRunLogger().error('done, loudly');
    return doubled;
  });
  const outcome = await etl.run();
  expect(outcome.state.name).toBe('Completed');
  await server.store.flush();
  const [childRun] = await server.store.listFlowRuns({ parentFlowRunId: outcome.flowRunId });
  return { flowRunId: outcome.flowRunId, childRunId: childRun.id };
}

describe('read routes over runs made by the engine', () => {
  it('health answers ok with the version', async () => {
    expect(await client.health()).toEqual({ status: 'ok', version: FLOWDECK_VERSION, problems: [] });
  });

  it('lists flows, flow runs, one flow run and its child', async () => {
    const { flowRunId, childRunId } = await runEtl();
    const flows = await client.listFlows();
    expect(flows.map((f) => f.name)).toEqual(['child', 'users-etl']);

    const page = await client.listFlowRuns();
    expect(page.items.map((r) => r.id)).toEqual([childRunId, flowRunId]);
    expect(page.nextCursor).toBeNull();

    const children = await client.listFlowRuns({ query: { parentFlowRunId: flowRunId } });
    expect(children.items.map((r) => r.id)).toEqual([childRunId]);

    const run = await client.getFlowRun({ params: { id: flowRunId } });
    // The run as stored, and whether this server (which serves no workspace) can run it again.
    const { rerun, ...stored } = run;
    expect(stored).toEqual(await server.store.getFlowRun(flowRunId));
    expect(rerun).toMatchObject({ possible: false, reason: expect.stringMatching(/^this server serves no workspace/) });
    expect(run).toMatchObject({ flowName: 'users-etl', state: { type: 'COMPLETED', name: 'Completed' } });
  });

  it('returns the task runs, their state histories and the flow run history', async () => {
    const { flowRunId } = await runEtl();
    const taskRuns = await client.listFlowRunTaskRuns({ params: { id: flowRunId } });
    expect(taskRuns).toEqual(await server.store.listTaskRuns(flowRunId));
    // Task keys carry a suffix when a test file defines a task of the same name twice. The subflow
    // call is a task run of its parent too.
    expect(taskRuns.map((t) => t.taskKey.replace(/#\d+$/, '')).sort()).toEqual(['child', 'double', 'double', 'double', 'extract']);

    const extract = taskRuns.find((t) => t.taskKey.startsWith('extract'))!;
    expect(await client.getTaskRun({ params: { id: extract.id } })).toEqual(await server.store.getTaskRun(extract.id));
    const history = await client.listTaskRunStates({ params: { id: extract.id } });
    expect(history.map((s) => `${s.name}:${s.attempt}`)).toEqual(['Pending:1', 'Running:1', 'AwaitingRetry:1', 'Retrying:2', 'Completed:2']);
    expect(history[2].error?.message).toBe('flaky upstream');

    const flowHistory = await client.listFlowRunStates({ params: { id: flowRunId } });
    expect(flowHistory.map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);

    // All of them at once, each as the one-run route gives it.
    const histories = await client.listFlowRunTaskRunStates({ params: { id: flowRunId } });
    expect(histories.map((h) => h.taskRunId).sort()).toEqual(taskRuns.map((t) => t.id).sort());
    for (const { taskRunId, states } of histories) expect(states).toEqual(await client.listTaskRunStates({ params: { id: taskRunId } }));
  });

  it('pages log lines by afterId and filters them by task run and level', async () => {
    const { flowRunId } = await runEtl();
    const all = await client.listFlowRunLogs({ params: { id: flowRunId } });
    expect(all.map((l) => l.message)).toEqual(expect.arrayContaining(['starting', 'extract attempt 1', 'extract attempt 2', 'done, loudly']));
    expect(all).toEqual(await server.store.listLogs(flowRunId));

    const firstTwo = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { limit: 2 } });
    const rest = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { afterId: firstTwo[1].id } });
    expect([...firstTwo, ...rest]).toEqual(all);

    const extract = (await server.store.listTaskRuns(flowRunId)).find((t) => t.taskKey.startsWith('extract'))!;
    const ofTask = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { taskRunId: extract.id } });
    expect(ofTask.every((l) => l.taskRunId === extract.id)).toBe(true);
    expect(ofTask.map((l) => l.message)).toEqual(expect.arrayContaining(['extract attempt 1', 'extract attempt 2']));
    expect(ofTask.length).toBeLessThan(all.length);

    // From the end back: the newest lines before an id, still oldest first.
    const lastTwo = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { beforeId: Number.MAX_SAFE_INTEGER, limit: 2 } });
    expect(lastTwo).toEqual(all.slice(-2));
    const beforeThose = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { beforeId: lastTwo[0].id, limit: 2 } });
    expect(beforeThose).toEqual(all.slice(-4, -2));
    // Text, in any case of its letters, with LIKE's own characters taken literally.
    const found = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { q: 'EXTRACT ATTEMPT' } });
    expect(found.map((l) => l.message)).toEqual(['extract attempt 1', 'extract attempt 2']);
    expect(await client.listFlowRunLogs({ params: { id: flowRunId }, query: { q: '%' } })).toEqual([]);

    const errors = await client.listFlowRunLogs({ params: { id: flowRunId }, query: { minLevel: 40 } });
    expect(errors.every((l) => l.level >= 40)).toBe(true);
    expect(errors.map((l) => l.message)).toContain('done, loudly');
    expect(errors.map((l) => l.message)).not.toContain('starting');
  });

  it('answers 404 naming the id for every route that takes one', async () => {
    const { flowRunId } = await runEtl();
    const missing = newId();
    for (const path of [
      'flow-runs/ID',
      'flow-runs/ID/task-runs',
      'flow-runs/ID/logs',
      'flow-runs/ID/states',
      'flow-runs/ID/task-run-states',
      'task-runs/ID',
      'task-runs/ID/states',
    ]) {
      const answer = await call(`${server.api}/${path.replace('ID', missing)}`);
      expect(answer.status, path).toBe(404);
      expect(answer.json.message, path).toContain(missing);
    }
    const cancel = await call(`${server.api}/flow-runs/${missing}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(404);
    expect(cancel.json.message).toContain(missing);
    // A flow run's id is not a task run's, even though both share the history table.
    expect((await call(`${server.api}/task-runs/${flowRunId}/states`)).status).toBe(404);
  });
});

describe('cancel', () => {
  it('cancels a run that has not started and refuses a second time, and asks a running one to stop', async () => {
    const pending = flowRunRequest();
    const running = flowRunRequest();
    await server.store.createFlowRun(pending);
    await server.store.createFlowRun(running);
    await server.store.setState({ kind: 'flow', runId: running.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });

    const first = await client.cancelFlowRun({ params: { id: pending.id } });
    expect(first).toMatchObject({ status: 'ACCEPT', state: { type: 'CANCELLED', name: 'Cancelled' } });
    const again = await client.cancelFlowRun({ params: { id: pending.id } });
    expect(again).toMatchObject({ status: 'REJECT', state: { type: 'CANCELLED' }, reason: 'the run has already finished' });

    const stopping = await client.cancelFlowRun({ params: { id: running.id } });
    expect(stopping).toMatchObject({ status: 'ACCEPT', state: { type: 'CANCELLING', name: 'Cancelling' } });
    expect((await server.store.getFlowRun(running.id))!.state.type).toBe('CANCELLING');
  });
});

describe('concurrency limits', () => {
  it('creates, changes, lists, reads and deletes a limit with the task runs holding its slots', async () => {
    expect(await client.listConcurrencyLimits()).toEqual([]);
    const created = await client.setConcurrencyLimit({ params: { tag: 'db/main' }, body: { limit: 2 } });
    expect(created).toMatchObject({ tag: 'db/main', limit: 2, activeSlots: [] });
    await client.setConcurrencyLimit({ params: { tag: 'db/main' }, body: { limit: 1 } });

    const flowRun = flowRunRequest();
    await server.store.createFlowRun(flowRun);
    const taskRun = taskRunRequest(flowRun.id, { tags: ['db/main'] });
    await server.store.createTaskRun(taskRun);
    await server.store.setState({ kind: 'task', runId: taskRun.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });

    expect(await client.getConcurrencyLimit({ params: { tag: 'db/main' } })).toMatchObject({ limit: 1, activeSlots: [taskRun.id] });
    expect((await client.listConcurrencyLimits()).map((l) => l.tag)).toEqual(['db/main']);

    expect(await client.deleteConcurrencyLimit({ params: { tag: 'db/main' } })).toBeUndefined();
    const gone = await client.getConcurrencyLimit({ params: { tag: 'db/main' } }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ApiError);
    expect(gone).toMatchObject({ status: 404, message: "no concurrency limit for tag 'db/main'" });
    const deleteAgain = await call(`${server.api}/concurrency-limits/db%2Fmain`, { method: 'DELETE' });
    expect(deleteAgain.status).toBe(404);
  });
});

describe('the route table', () => {
  it('has a handler for every entry, and the client a method', async () => {
    for (const [name, route] of Object.entries(API_ROUTES)) {
      expect(typeof (client as unknown as Record<string, unknown>)[name], name).toBe('function');
      const path = route.path.replace(/:(\w+)/g, 'x');
      const answer = await call(`${server.api}${path}`, {
        method: route.method,
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      // Bad input or a missing resource is fine here; "no such route" is not.
      expect(answer.json?.message ?? '', `${route.method} ${route.path}`).not.toMatch(/no API route/);
    }
  });
});
