import { describe, expect, it } from 'vitest';
import { createApiClient, type Report, type ReportResult } from '../../../app/core/api/index.js';
import { newId, type LogLine } from '../../../app/core/index.js';
import { call, flowRunRequest, taskRunRequest, useTestServer } from './support.js';

const server = useTestServer();

function report(body: Report) {
  return createApiClient({ baseUrl: server.current.api }).report({ body });
}

function line(flowRunId: string, taskRunId: string | null, message: string): LogLine {
  return { flowRunId, taskRunId, level: 20, message, timestamp: Date.now(), attempt: 1 };
}

function stateOf(result: ReportResult | undefined): string | undefined {
  return result && 'status' in result ? `${result.status} ${result.state?.name}` : JSON.stringify(result);
}

describe('POST /reports', () => {
  it('creates a flow run and its task runs, moves them through their states and stores the log lines', async () => {
    const flowRun = flowRunRequest({ tags: ['remote'], pid: 4242, hostname: 'worker-1' });
    const extract = taskRunRequest(flowRun.id, { name: 'extract-0' });
    const load = taskRunRequest(flowRun.id, { name: 'load-0', taskKey: 'load', upstream: [extract.id] });
    const move = (kind: 'flow' | 'task', runId: string, type: 'RUNNING' | 'COMPLETED', name: string) => ({
      kind: 'setState' as const,
      request: { kind, runId, transitionId: newId(), state: { type, name } },
    });
    const { results } = await report({
      operations: [
        { kind: 'createFlowRun', request: flowRun },
        move('flow', flowRun.id, 'RUNNING', 'Running'),
        { kind: 'createTaskRun', request: extract },
        move('task', extract.id, 'RUNNING', 'Running'),
        move('task', extract.id, 'COMPLETED', 'Completed'),
        { kind: 'createTaskRun', request: load },
        move('task', load.id, 'RUNNING', 'Running'),
      ],
      logs: [line(flowRun.id, null, 'flow starts'), line(flowRun.id, extract.id, 'extracting')],
    });
    expect(results.map(stateOf)).toEqual([
      'ACCEPT Pending',
      'ACCEPT Running',
      'ACCEPT Pending',
      'ACCEPT Running',
      'ACCEPT Completed',
      'ACCEPT Pending',
      'ACCEPT Running',
    ]);

    // Everything answered is durable and readable at once, without waiting for a flush.
    const { store } = server.current;
    expect(await store.getFlowRun(flowRun.id)).toMatchObject({ state: { type: 'RUNNING' }, tags: ['remote'], pid: 4242, hostname: 'worker-1' });
    expect((await store.listTaskRuns(flowRun.id)).map((t) => `${t.name}:${t.state.name}`)).toEqual(['extract-0:Completed', 'load-0:Running']);
    expect((await store.getTaskRun(load.id))!.upstream).toEqual([extract.id]);
    expect((await store.listStates(extract.id)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    expect((await store.listLogs(flowRun.id)).map((l) => l.message)).toEqual(['flow starts', 'extracting']);
  });

  it('answers a resent transition with the same state and records it once', async () => {
    const flowRun = flowRunRequest();
    const taskRun = taskRunRequest(flowRun.id);
    const running = {
      kind: 'setState' as const,
      request: { kind: 'task' as const, runId: taskRun.id, transitionId: newId(), state: { type: 'RUNNING' as const, name: 'Running' } },
    };
    const first = await report({ operations: [{ kind: 'createFlowRun', request: flowRun }, { kind: 'createTaskRun', request: taskRun }, running] });
    const statesBefore = await server.current.store.listStates(taskRun.id);

    // As a client does when the answer was lost: the same operations, the same ids.
    const again = await report({ operations: [{ kind: 'createFlowRun', request: flowRun }, { kind: 'createTaskRun', request: taskRun }, running] });
    // The resent transition gets the answer it got the first time; a resent creation, the run as it is now.
    expect(again.results[2]).toEqual(first.results[2]);
    expect(again.results.slice(0, 2).map(stateOf)).toEqual(['ACCEPT Pending', 'ACCEPT Running']);
    expect(await server.current.store.listStates(taskRun.id)).toEqual(statesBefore);
    expect(await server.current.store.listTaskRuns(flowRun.id)).toHaveLength(1);
    expect(await server.current.store.listFlowRuns({ limit: 10 })).toHaveLength(1);
  });

  it("recognises every transition of a replayed report, not only each run's latest, and applies none twice", async () => {
    const flowRun = flowRunRequest();
    const taskRun = taskRunRequest(flowRun.id, { retryPolicy: { retries: 2, retryDelaySeconds: [0] } });
    const move = (type: 'RUNNING' | 'FAILED', name: string) => ({
      kind: 'setState' as const,
      request: { kind: 'task' as const, runId: taskRun.id, transitionId: newId(), state: { type, name, message: 'boom' } },
    });
    // A start and a failed attempt in one report: the failure turns into AwaitingRetry.
    const operations: Report['operations'] = [
      { kind: 'createFlowRun', request: flowRun },
      { kind: 'setState', request: { kind: 'flow', runId: flowRun.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } } },
      { kind: 'createTaskRun', request: taskRun },
      move('RUNNING', 'Running'),
      move('FAILED', 'Failed'),
    ];
    const first = await report({ operations });
    expect(first.results.map(stateOf)).toEqual(['ACCEPT Pending', 'ACCEPT Running', 'ACCEPT Pending', 'ACCEPT Running', 'ACCEPT AwaitingRetry']);
    const states = await server.current.store.listStates(taskRun.id);

    const replayed = await report({ replay: true, operations });
    // The start is answered as it was, though it is no longer the run's latest transition.
    expect(replayed.results[3]).toEqual(first.results[3]);
    expect(replayed.results[4]).toEqual(first.results[4]);
    expect(await server.current.store.listStates(taskRun.id)).toEqual(states);
    expect((await server.current.store.getTaskRun(taskRun.id))!.runCount).toBe(1);
  });

  it('answers an operation that fails on its own in its place and applies the rest', async () => {
    const flowRun = flowRunRequest();
    const stray = taskRunRequest('no-such-flow-run');
    const { results } = await report({
      operations: [
        { kind: 'createFlowRun', request: flowRun },
        { kind: 'createTaskRun', request: stray },
        { kind: 'createTaskRun', request: taskRunRequest(flowRun.id) },
        { kind: 'setState', request: { kind: 'flow', runId: 'no-such-run', transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } } },
      ],
    });
    expect(results[0]).toMatchObject({ status: 'ACCEPT' });
    expect(results[1]).toEqual({ error: { status: 404, message: "no flow run with id 'no-such-flow-run'" } });
    expect(results[2]).toMatchObject({ status: 'ACCEPT' });
    // Exactly what a local run is told of a run the store does not have.
    expect(results[3]).toEqual({ status: 'ABORT', state: null, reason: 'no flow run with id no-such-run', code: 'RUN_NOT_FOUND' });
    expect(await server.current.store.getTaskRun(stray.id)).toBeNull();
  });

  it('finds a flow run made by an earlier report for every task run of a batch, and refuses each stray one', async () => {
    const flowRun = flowRunRequest();
    await report({ operations: [{ kind: 'createFlowRun', request: flowRun }] });
    const mine = [taskRunRequest(flowRun.id), taskRunRequest(flowRun.id), taskRunRequest(flowRun.id)];
    const strays = [taskRunRequest('no-such-flow-run'), taskRunRequest('no-such-flow-run')];
    const { results } = await report({
      operations: [mine[0], strays[0], mine[1], strays[1], mine[2]].map((request) => ({ kind: 'createTaskRun' as const, request })),
    });
    expect(results.map((r) => ('status' in r ? r.status : 'error' in r ? r.error : r))).toEqual([
      'ACCEPT',
      { status: 404, message: "no flow run with id 'no-such-flow-run'" },
      'ACCEPT',
      { status: 404, message: "no flow run with id 'no-such-flow-run'" },
      'ACCEPT',
    ]);
    expect((await server.current.store.listTaskRuns(flowRun.id)).map((t) => t.id).sort()).toEqual(mine.map((t) => t.id).sort());
  });

  it('records heartbeats and answers the state type of each known run', async () => {
    const flowRun = flowRunRequest({ pid: 1, hostname: 'elsewhere' });
    await report({ operations: [{ kind: 'createFlowRun', request: flowRun }] });
    const before = (await server.current.store.getFlowRun(flowRun.id))!.heartbeatAt!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server.current.store.cancelFlowRun(flowRun.id);
    const { results } = await report({ operations: [{ kind: 'heartbeat', flowRunIds: [flowRun.id, 'unknown-run'] }] });
    expect(results).toEqual([{ states: { [flowRun.id]: 'CANCELLED' } }]);
    expect((await server.current.store.getFlowRun(flowRun.id))!.heartbeatAt!).toBeGreaterThan(before);
  });

  it('answers a batch of log lines alone once they are stored', async () => {
    const flowRun = flowRunRequest();
    await report({ operations: [{ kind: 'createFlowRun', request: flowRun }] });
    const logs = Array.from({ length: 500 }, (_, i) => line(flowRun.id, null, `line ${i}`));
    expect(await report({ logs })).toEqual({ results: [] });
    expect(await server.current.store.countLogs(flowRun.id)).toBe(500);
    expect((await server.current.store.listLogs(flowRun.id)).map((l) => l.message)).toEqual(logs.map((l) => l.message));
  });

  it('refuses a batch with an invalid operation, naming the field, and stores none of it', async () => {
    const flowRun = flowRunRequest();
    const answer = await call(`${server.current.api}/reports`, {
      method: 'POST',
      body: {
        operations: [
          { kind: 'createFlowRun', request: flowRun },
          { kind: 'setState', request: { kind: 'flow', runId: flowRun.id, transitionId: newId(), state: { type: 'DONE', name: 'Done' } } },
        ],
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/^body\.operations\[1\]\.request\.state\.type: Invalid option/);
    expect(await server.current.store.getFlowRun(flowRun.id)).toBeNull();

    const unknownKind = await call(`${server.current.api}/reports`, { method: 'POST', body: { operations: [{ kind: 'explode' }] } });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.json.message).toMatch(/^body\.operations\[0\]\.kind: /);
  });
});
