// The re-run routes against a real server on loopback: what a retry matches against, a retry's
// message, a run from a chosen task refused for each reason with nothing changed, and the UI's
// Retry and Run from here in flow processes the server starts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun, TaskRun } from '../../../app/core/index.js';
import { configureEngine } from '../../../app/engine/hosting.js';
import { flow, task } from '../../../app/engine/index.js';
import { waitUntil } from '../../helpers/cli.js';
import { call, startTestServer, type TestServer } from './support.js';
import { startWorkspaceServer, type WorkspaceServer } from './workspace-support.js';

let server: TestServer;

/** A server (with a workspace when asked) whose store the engine of this process reports to. */
async function start(withWorkspace = false): Promise<void> {
  server = withWorkspace ? await startWorkspaceServer() : await startTestServer();
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

/** What a refusal must leave as it was: the runs there are and the run's own record. */
async function snapshot(flowRunId: string) {
  const runs = (await server.store.listFlowRuns({ limit: 100 })).map((r) => `${r.id} ${r.state.name}`).sort();
  return { runs, run: await server.store.getFlowRun(flowRunId), taskRuns: await server.store.listTaskRuns(flowRunId) };
}

describe('the re-run routes', () => {
  beforeEach(() => start());

  it('read every task run of a run with where its result lies, as the store reads them', async () => {
    const { run, taskRuns } = await failedRun();
    const answer = await api(`/flow-runs/${run.id}/recorded-runs`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual(await server.store.recordedRuns(run.id));
    expect(answer.json.taskRuns.map((t: { id: string; stateName: string }) => [t.id, t.stateName])).toEqual(
      taskRuns.map((t) => [t.id, t.state.name]),
    );
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
    expect(answer.json.state).toMatchObject({ type: 'SCHEDULED', name: 'AwaitingRetry', message: 'retried from the UI' });

    const second = await failedRun();
    const bySource = await api(`/flow-runs/${second.run.id}/retry`, { method: 'POST', body: {} });
    expect(bySource.json.state.message).toBe('retried through the API');
    const badSource = await api(`/flow-runs/${second.run.id}/retry`, { method: 'POST', body: { source: 'telepathy' } });
    expect(badSource.status).toBe(400);
  });
});

/** Three tasks; `gate`, when given, holds the run after the first until that file exists; `failOnce` fails the second once. */
const STEPS = `import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { flow, task } from 'flowdeck';

const ran = (log: string, name: string) => appendFileSync(log, name + '\\n');
const one = task({ name: 'one' }, (log: string) => (ran(log, 'one'), new Map([['n', 2]])));
const two = task({ name: 'two' }, (log: string, n: number, failOnce: string) => {
  ran(log, 'two');
  if (failOnce !== '' && !existsSync(failOnce)) {
    writeFileSync(failOnce, '');
    throw new Error('two failed once');
  }
  return BigInt(n) * 10n;
});
const three = task({ name: 'three' }, (log: string, n: bigint) => (ran(log, 'three'), String(n + 1n)));

export default flow({ name: 'steps' }, async ({ log, gate = '', failOnce = '' }: { log: string; gate?: string; failOnce?: string }) => {
  const n = (await one(log)).get('n')!;
  while (gate !== '' && !existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 20));
  return three(log, await two(log, n, failOnce));
});
`;

describe('running again in flow processes the server starts', () => {
  let ws: WorkspaceServer;
  let log: string;
  let seen = 0;
  beforeEach(async () => {
    await start(true);
    ws = server as WorkspaceServer;
    ws.put('steps.ts', STEPS);
    log = join(ws.home, 'ran.log');
    seen = 0;
  });

  /** The task bodies that ran since the last call, in order. */
  function ranSince(): string[] {
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    const fresh = lines.slice(seen);
    seen = lines.length;
    return fresh;
  }

  async function startRun(parameters: Record<string, string>): Promise<string> {
    const answer = await api('/flow-files/run', { method: 'POST', body: { path: 'steps.ts', parameters: { log, ...parameters } } });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.flowRunId as string;
  }

  async function stateOf(flowRunId: string, done: (run: FlowRun) => boolean): Promise<FlowRun> {
    return waitUntil(
      async () => {
        const answer = await api(`/flow-runs/${flowRunId}`);
        return answer.status === 200 && done(answer.json as FlowRun) ? (answer.json as FlowRun) : null;
      },
      { what: `flow run ${flowRunId} to reach the state awaited` },
    );
  }
  const finished = (flowRunId: string) => stateOf(flowRunId, (run) => ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'].includes(run.state.type));

  it('refuses a run from a task for each reason, changing nothing, then runs one from a task with edited inputs', async () => {
    const done = await startRun({});
    expect((await finished(done)).state.name).toBe('Completed');
    const gate = join(ws.home, 'gate');
    const held = await startRun({ gate });
    await waitUntil(async () => (await server.store.listTaskRuns(held)).some((t) => t.name === 'one-0' && t.state.name === 'Completed'), {
      what: 'the held run to complete its first task',
    });
    expect(ranSince()).toEqual(['one', 'two', 'three', 'one']);
    const [heldOne] = await server.store.listTaskRuns(held);
    const doneName = (await server.store.getFlowRun(done))!.name;

    // A run this process made, from no file of the workspace.
    failCheck = false;
    const inProcess = await pipeline.run();
    const inProcessName = (await server.store.getFlowRun(inProcess.flowRunId))!.name;

    const before = await snapshot(done);
    const heldBefore = await snapshot(held);
    const refusals: [string, unknown, number, string | RegExp][] = [
      ['no-such-run', { task: 'one-0' }, 404, "no flow run with id 'no-such-run'"],
      [done, { task: 'nine-0' }, 404, `flow run '${doneName}' has no task run 'nine-0'; its task runs are one-0, two-0, three-0`],
      [done, { task: heldOne.id }, 404, `task run '${heldOne.id}' belongs to flow run ${held}, not to flow run '${doneName}' (${done})`],
      [held, { task: 'one-0' }, 409, /is Running; it can be run again from a task once it has finished/],
      [done, { task: 'two-0', inputs: { n: 1 } }, 400, 'body.inputs: Invalid input: expected array, received object'],
      [done, { task: 'two-0', inputs: [1] }, 422, "task run 'two-0' was called with 3 arguments, but the inputs give 1; give a JSON array of 3"],
      [
        inProcess.flowRunId,
        { task: 'load-0' },
        409,
        `flow run '${inProcessName}' did not come from a file in this server's workspace, so the server cannot run it again; run \`flowdeck flow-run retry ${inProcess.flowRunId.slice(0, 8)}\` where its file is`,
      ],
    ];
    for (const [id, body, status, message] of refusals) {
      const answer = await api(`/flow-runs/${id}/run-from`, { method: 'POST', body });
      expect(answer.status, `${JSON.stringify(body)}: ${answer.text}`).toBe(status);
      if (typeof message === 'string') expect(answer.json.message).toBe(message);
      else expect(answer.json.message).toMatch(message);
    }
    expect(await snapshot(done)).toEqual(before);
    const heldNow = await snapshot(held);
    expect(heldNow.runs).toEqual(heldBefore.runs);
    expect(heldNow.run?.state).toEqual(heldBefore.run?.state);
    writeFileSync(gate, '');
    expect((await finished(held)).state.name).toBe('Completed');
    expect(ranSince()).toEqual(['two', 'three']);

    const answer = await api(`/flow-runs/${done}/run-from`, { method: 'POST', body: { task: 'two-0', inputs: [log, 5, ''] } });
    expect(answer.status, answer.text).toBe(200);
    const made = answer.json.flowRunId as string;
    expect(made).not.toBe(done);
    const madeRun = await finished(made);
    expect(madeRun.state.name, JSON.stringify(madeRun.state)).toBe('Completed');
    expect(ranSince()).toEqual(['two', 'three']);
    expect(madeRun.rerunOf?.flowRunId).toBe(done);
    const taskRuns = await server.store.listTaskRuns(made);
    expect(taskRuns.map((t) => `${t.name}:${t.state.name}`)).toEqual(['one-0:Cached', 'two-0:Completed', 'three-0:Completed']);
    expect(taskRuns[2].result).toBe('"51"');
    expect((await server.store.getFlowRun(done))!.reruns?.map((r) => r.id)).toEqual([made]);
  }, 60_000);

  it('retries from the UI: the run says so, and its completed task is reused', async () => {
    const failOnce = join(ws.home, 'failed-once');
    const id = await startRun({ failOnce });
    expect((await finished(id)).state.name).toBe('Failed');
    expect(ranSince()).toEqual(['one', 'two']);
    const answer = await api(`/flow-runs/${id}/rerun`, { method: 'POST', body: { source: 'ui' } });
    expect(answer.status, answer.text).toBe(200);
    expect((await stateOf(id, (run) => run.state.type === 'COMPLETED')).runCount).toBe(2);
    expect(ranSince()).toEqual(['two', 'three']);
    const history = await server.store.listStates(id);
    expect(history.find((s) => s.name === 'AwaitingRetry')?.message).toBe('retried from the UI, reusing completed tasks');
    const second = (await server.store.listTaskRuns(id)).filter((t) => t.flowRunAttempt === 2);
    expect(second.map((t) => `${t.name}:${t.state.name}`)).toEqual(['one-0:Cached', 'two-0:Completed', 'three-0:Completed']);

    // With all, every task runs again.
    const other = await startRun({ failOnce: join(ws.home, 'failed-once-too') });
    expect((await finished(other)).state.name).toBe('Failed');
    expect(ranSince()).toEqual(['one', 'two']);
    const all = await api(`/flow-runs/${other}/rerun`, { method: 'POST', body: { source: 'ui', all: true } });
    expect(all.status, all.text).toBe(200);
    await stateOf(other, (run) => run.state.type === 'COMPLETED');
    expect(ranSince()).toEqual(['one', 'two', 'three']);
    expect((await server.store.listStates(other)).find((s) => s.name === 'AwaitingRetry')?.message).toBe(
      'retried from the UI, running every task again',
    );
  }, 60_000);
});
