// The re-run routes against a real server on loopback: what a retry matches against, a retry's
// message, a run from a chosen task refused for each reason with nothing changed, and the UI's
// Retry and Run from here in flow processes the server starts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun, TaskRun } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, task } from '../../../app/engine/index.js';
import { call, startTestServer, type TestServer } from './support.js';

let server: TestServer;

/** A server (with a workspace when asked) whose store the engine of this process reports to. */
async function start(): Promise<void> {
  server = await startTestServer();
  configureEngine({ reporter: server.store, home: server.dbPath.replace(/\/[^/]+$/, ''), consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
}

afterEach(async () => {
  configureEngine({ reporter: null });
  expect(server.unexpected).toEqual([]);
  await server.close();
});

const api = (path: string, init: { method?: string; body?: unknown } = {}) => call(`${server.api}${path}`, init);

let failCheck = true;
const load = task({ name: 'load' }, () => ({ at: new Date(0), rows: [1, 2] }));
const count = task({ name: 'count' }, (data: { rows: number[] }) => data.rows.length);
const check = task({ name: 'check' }, (n: number) => {
  if (failCheck) throw new Error('check failed');
  return n;
});
const pipeline = flow({ name: 'pipeline' }, async () => check(await count(await load())));

/** A run of the pipeline that failed at its check, and its task runs. */
async function failedRun(): Promise<{ run: FlowRun; taskRuns: TaskRun[] }> {
  failCheck = true;
  const outcome = await pipeline.run();
  expect(outcome.state.name).toBe('Failed');
  return { run: (await server.store.getFlowRun(outcome.flowRunId))!, taskRuns: await server.store.listTaskRuns(outcome.flowRunId) };
}

describe('the re-run routes', () => {
  beforeEach(() => start());

  it('read every task run of a run with where its result lies, as the store reads them', async () => {
    const { run, taskRuns } = await failedRun();
    const answer = await api(`/flow-runs/${run.id}/recorded-runs`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual(await server.store.recordedRuns(run.id));
    expect(answer.json.taskRuns.map((t: { id: string; stateName: string }) => [t.id, t.stateName])).toEqual(taskRuns.map((t) => [t.id, t.state.name]));
    expect(answer.json.taskRuns[0].resultRef).toMatch(/^storage\/runs\/.+\.results#0\+\d+$/);

    const unknown = await api('/flow-runs/no-such-run/recorded-runs');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("no flow run with id 'no-such-run'");
  });

  it('list a run made from a task of another with its link, and the other without one', async () => {
    failCheck = false;
    const original = await pipeline.run();
    const [, countRun] = await server.store.listTaskRuns(original.flowRunId);
    const made = await pipeline.run(
      {},
      { reuse: { fromFlowRunId: original.flowRunId, runAgain: [countRun.id] }, rerunOf: { flowRunId: original.flowRunId, taskRunId: countRun.id } },
    );
    const listed = await api('/flow-runs?limit=10');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items.map((r: FlowRun) => [r.id, r.rerunOf])).toEqual([
      [made.flowRunId, { flowRunId: original.flowRunId, taskRunId: countRun.id }],
      [original.flowRunId, null],
    ]);
  });

  it('mark a run AwaitingRetry saying where the retry was asked for', async () => {
    const { run } = await failedRun();
    const answer = await api(`/flow-runs/${run.id}/retry`, { method: 'POST', body: { source: 'ui' } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.state).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the UI, reusing completed tasks' });

    const second = await failedRun();
    const bySource = await api(`/flow-runs/${second.run.id}/retry`, { method: 'POST', body: {} });
    expect(bySource.json.state.message).toBe('retried through the API, reusing completed tasks');
    const badSource = await api(`/flow-runs/${second.run.id}/retry`, { method: 'POST', body: { source: 'telepathy' } });
    expect(badSource.status).toBe(400);
  });
});

