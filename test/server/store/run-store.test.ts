import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type RetryPolicy } from '../../../app/core/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };

describe('a run store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  beforeEach(async () => {
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function startFlowRun(): Promise<string> {
    const id = newId();
    const result = await store.createFlowRun({
      id,
      flowName: 'etl',
      name: 'calm-otter',
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
      pid: process.pid,
      hostname: 'test',
    });
    expect(result.status).toBe('ACCEPT');
    return id;
  }

  it('records a task lifecycle with its full history in one reopenable file', async () => {
    const flowRunId = await startFlowRun();
    const taskRunId = newId();
    const created = store.createTaskRun({
      id: taskRunId,
      flowRunId,
      taskKey: 'extract',
      name: 'extract-0',
      dynamicKey: 0,
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
    });
    const running = store.setState({ kind: 'task', runId: taskRunId, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    expect((await created).status).toBe('ACCEPT');
    expect((await running).state?.attempt).toBe(1);
    store.writeLogs([{ flowRunId, taskRunId, level: 20, message: 'hello', timestamp: Date.now(), attempt: 1 }]);
    const done = await store.setState({
      kind: 'task',
      runId: taskRunId,
      transitionId: newId(),
      state: { type: 'COMPLETED', name: 'Completed', resultPreview: '42' },
    });
    expect(done.status).toBe('ACCEPT');
    await store.close();
    store = await openTestStore({ path: temp.dbPath });
    expect((await store.listStates(taskRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
    expect((await store.getTaskRun(taskRunId))?.result).toBe('42');
    expect((await store.listLogs(flowRunId)).map((l) => l.message)).toEqual(['hello']);
  });

  it('answers a repeated transition id with the state it already made', async () => {
    const flowRunId = await startFlowRun();
    const transitionId = newId();
    const first = await store.setState({ kind: 'flow', runId: flowRunId, transitionId, state: { type: 'RUNNING', name: 'Running' } });
    const again = await store.setState({ kind: 'flow', runId: flowRunId, transitionId, state: { type: 'RUNNING', name: 'Running' } });
    expect(again.status).toBe('ACCEPT');
    expect(again.state).toEqual(first.state);
    expect(await store.listStates(flowRunId)).toHaveLength(2);
  });
});
