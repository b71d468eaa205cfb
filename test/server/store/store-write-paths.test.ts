import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type CreateTaskRun, type RetryPolicy } from '../../../app/core/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };

function newTaskRun(flowRunId: string, id: string, dynamicKey: number): CreateTaskRun {
  return {
    id,
    flowRunId,
    taskKey: 'step',
    name: `step-${dynamicKey}`,
    dynamicKey,
    retryPolicy: noRetries,
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  };
}

describe('store write paths', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let a: RunStore;
  let b: RunStore;
  beforeEach(async () => {
    temp = makeTempHome();
    a = await openTestStore({ path: temp.dbPath });
    b = await openTestStore({ path: temp.dbPath });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    temp.cleanup();
  });

  async function flowAndTask(store: RunStore): Promise<{ flowRunId: string; taskRunId: string }> {
    const flowRunId = newId();
    await store.createFlowRun({
      id: flowRunId,
      flowName: 'paths',
      name: 'paths-run',
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'RUNNING', name: 'Running' },
    });
    const taskRunId = newId();
    const created = store.createTaskRun(newTaskRun(flowRunId, taskRunId, 0));
    const running = store.setState({ kind: 'task', runId: taskRunId, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    await created;
    expect((await running).state?.name).toBe('Running');
    return { flowRunId, taskRunId };
  }

  it('writes a task run created and started in one batch as one row holding its latest state', async () => {
    const { taskRunId } = await flowAndTask(a);
    const run = (await b.getTaskRun(taskRunId))!;
    expect(run.state.name).toBe('Running');
    expect(run.runCount).toBe(1);
    expect(run.startTime).not.toBeNull();
    expect((await b.listStates(taskRunId)).map((s) => s.name)).toEqual(['Pending', 'Running']);
  });

  it('notices a task run another process changed and judges the transition by the stored state', async () => {
    const { taskRunId } = await flowAndTask(a);
    const cancelled = await b.setStateNow({
      kind: 'task',
      runId: taskRunId,
      transitionId: newId(),
      state: { type: 'CANCELLED', name: 'Cancelled', message: 'stopped elsewhere' },
    });
    expect(cancelled.status).toBe('ACCEPT');
    const late = await a.setState({
      kind: 'task',
      runId: taskRunId,
      transitionId: newId(),
      state: { type: 'COMPLETED', name: 'Completed', resultPreview: '1' },
    });
    expect(late.status).toBe('REJECT');
    expect(late.state?.name).toBe('Cancelled');
    expect((await b.listStates(taskRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect((await b.getTaskRun(taskRunId))!.state.name).toBe('Cancelled');
  });

  it('answers through callbacks once the transitions are committed, never during the call', async () => {
    const { flowRunId } = await flowAndTask(a);
    const taskRunId = newId();
    const answers: string[] = [];
    const seenByOthers: (string | undefined)[] = [];
    const settled = new Promise<void>((done, fail) => {
      a.createTaskRunThen!(newTaskRun(flowRunId, taskRunId, 1), (result) => answers.push(`created ${result.state?.name}`), fail);
      a.setStateThen!(
        { kind: 'task', runId: taskRunId, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } },
        (result) => {
          answers.push(`started ${result.state?.name}`);
          // Another connection reads what the answer says: it was committed before it was given.
          b.getTaskRun(taskRunId).then((run) => {
            seenByOthers.push(run?.state.name);
            done();
          }, fail);
        },
        fail,
      );
    });
    expect(answers).toEqual([]);
    await settled;
    expect(answers).toEqual(['created Pending', 'started Running']);
    expect(seenByOthers).toEqual(['Running']);
  });

  it('answers a callback report to a closed store with an error, after the call', async () => {
    const { flowRunId } = await flowAndTask(a);
    await a.close();
    const errors: unknown[] = [];
    const failed = new Promise<void>((done) =>
      a.createTaskRunThen!(
        newTaskRun(flowRunId, newId(), 1),
        () => errors.push('answered'),
        (error) => {
          errors.push(error);
          done();
        },
      ),
    );
    expect(errors).toEqual([]);
    await failed;
    expect(String(errors[0])).toMatch(/closed/);
    a = await openTestStore({ path: temp.dbPath });
  });

  it('judges a transition of a task run that was created and finished in the same batch', async () => {
    const { flowRunId } = await flowAndTask(a);
    const taskRunId = newId();
    const transition = (state: CreateTaskRun['state']) => a.setState({ kind: 'task', runId: taskRunId, transitionId: newId(), state });
    const created = a.createTaskRun({ ...newTaskRun(flowRunId, taskRunId, 1), tags: ['one'] });
    const running = transition({ type: 'RUNNING', name: 'Running' });
    const completed = transition({ type: 'COMPLETED', name: 'Completed', resultPreview: '1' });
    const late = transition({ type: 'FAILED', name: 'Failed', message: 'too late' });
    expect((await created).state?.name).toBe('Pending');
    expect((await running).state?.name).toBe('Running');
    expect((await completed).state?.name).toBe('Completed');
    expect(await late).toMatchObject({ status: 'REJECT', state: { name: 'Completed' } });
    const run = (await b.getTaskRun(taskRunId))!;
    expect(run.state.name).toBe('Completed');
    expect(run.tags).toEqual(['one']);
  });

  it('answers a repeated create with the run as it is, writing nothing', async () => {
    const { flowRunId, taskRunId } = await flowAndTask(a);
    const again = await a.createTaskRun(newTaskRun(flowRunId, taskRunId, 0));
    expect(again).toMatchObject({ status: 'ACCEPT', state: { name: 'Running' } });
    expect(await b.listStates(taskRunId)).toHaveLength(2);
  });

  it('answers a create resent to another store instance with the stored run, keeping the rest of its batch', async () => {
    const { flowRunId, taskRunId } = await flowAndTask(a);
    const otherRunId = newId();
    const resent = b.createTaskRun(newTaskRun(flowRunId, taskRunId, 0));
    const fresh = b.createTaskRun(newTaskRun(flowRunId, otherRunId, 1));
    expect(await resent).toMatchObject({ status: 'ACCEPT', state: { name: 'Running' } });
    expect(await fresh).toMatchObject({ status: 'ACCEPT', state: { name: 'Pending' } });
    expect((await a.listStates(taskRunId)).map((s) => s.name)).toEqual(['Pending', 'Running']);
    expect((await a.getTaskRun(otherRunId))?.state.name).toBe('Pending');
    expect(await a.listTaskRuns(flowRunId)).toHaveLength(2);
  });
});
