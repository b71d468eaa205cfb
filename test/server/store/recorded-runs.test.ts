// What the store keeps for re-runs: the attempt that made each task run, the run a Cached task run
// reused, the runs made from a run's task runs, and every task run of every attempt in one read.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type CreateTaskRun } from '../../../app/core/index.js';
import { flow, task } from '../../../app/engine/index.js';
import { retryFlowRun } from '../../../app/server/index.js';
import { MIGRATIONS } from '../../../app/server/store/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const noRetries = { retries: 0, retryDelaySeconds: [0] };
const REUSE_MIGRATION = MIGRATIONS.findIndex((m) => m.name === 'attempts of task runs, reused results and runs from a chosen task');

it('a database from before re-runs gets their columns, and its runs read as first attempts with nothing reused', async () => {
  expect(REUSE_MIGRATION).toBeGreaterThan(0);
  const temp = makeTempHome();
  try {
    const old = new Database(temp.dbPath);
    for (const migration of MIGRATIONS.slice(0, REUSE_MIGRATION)) old.exec(migration.sql);
    old.pragma(`user_version = ${REUSE_MIGRATION}`);
    const insertState = old.prepare(
      `INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, result_ref) VALUES (?, ?, 'COMPLETED', 'Completed', 5, 1, ?)`,
    );
    const flowState = insertState.run('flow-1', 'flow', null).lastInsertRowid;
    old
      .prepare(
        `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters, tags, retry_policy, created_at, run_count, hostname)
         VALUES ('flow-1', 'f', 'etl', 'old-run', 'COMPLETED', 'Completed', ?, '{}', '[]', '{"retries":0,"retryDelaySeconds":[0]}', 5, 1, 'old-host')`,
      )
      .run(flowState);
    const taskState = insertState.run('task-1', 'task', 'storage/old-result.json').lastInsertRowid;
    old
      .prepare(
        `INSERT INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, state_type, state_name, state_id, tags, retry_policy, upstream, created_at)
         VALUES ('task-1', 'flow-1', 'extract', 'extract-0', 0, 'COMPLETED', 'Completed', ?, '[]', '{"retries":0,"retryDelaySeconds":[0]}', '[]', 6)`,
      )
      .run(taskState);
    old.close();

    const store = await openTestStore({ path: temp.dbPath, sweepOnOpen: false });
    try {
      expect(sqliteOf(store).database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const columns = (table: string) =>
        (sqliteOf(store).database.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect(columns('task_runs')).toEqual(expect.arrayContaining(['flow_run_attempt', 'reused_from']));
      expect(columns('flow_runs')).toEqual(expect.arrayContaining(['rerun_of', 'rerun_from']));
      expect(await store.recordedRuns('flow-1')).toEqual({
        flowRunId: 'flow-1',
        flowName: 'etl',
        hostname: 'old-host',
        runCount: 1,
        taskRuns: [
          {
            id: 'task-1',
            name: 'extract-0',
            taskKey: 'extract',
            dynamicKey: 0,
            flowRunAttempt: 1,
            stateType: 'COMPLETED',
            stateName: 'Completed',
            resultRef: 'storage/old-result.json',
            reusedFrom: null,
            upstream: [],
            childFlowRunId: null,
          },
        ],
      });
      expect(await store.getTaskRun('task-1')).toMatchObject({ flowRunAttempt: 1, reusedFrom: null });
      expect(await store.getFlowRun('flow-1')).toMatchObject({ rerunOf: null, reruns: [] });
    } finally {
      await store.close();
    }
  } finally {
    temp.cleanup();
  }
});

describe('recorded runs of a run', () => {
  let env: EngineStore;
  beforeEach(async () => (env = await useEngineStore()));
  afterEach(() => env.dispose());

  it('lists every task run of every attempt with where its result lies, and the child a subflow call made', async () => {
    let fail = true;
    const load = task({ name: 'load' }, () => 1);
    const inner = task({ name: 'inner' }, (n: number) => n + 1);
    const check = task({ name: 'check' }, (n: number) => {
      if (fail) throw new Error('not yet');
      return n;
    });
    const child = flow({ name: 'child' }, async (n: number) => inner(n));
    const parent = flow({ name: 'parent' }, async () => check(await child(await load())));
    const first = await parent.run();
    expect(first.state.name).toBe('Failed');
    fail = false;
    expect((await retryFlowRun(env.store, first.flowRunId, 'again')).ok).toBe(true);
    const again = await parent.run({}, { flowRunId: first.flowRunId, flowRunName: first.flowRunName, reuse: { fromFlowRunId: first.flowRunId } });
    expect(again.state.name).toBe('Completed');

    const recorded = (await env.store.recordedRuns(first.flowRunId))!;
    expect(recorded).toMatchObject({ flowRunId: first.flowRunId, flowName: 'parent', runCount: 2 });
    const listed = recorded.taskRuns.map((t) => `${t.flowRunAttempt} ${t.name} ${t.stateName}`);
    expect(listed).toEqual([
      '1 load-0 Completed',
      '1 child-0 Completed',
      '1 check-0 Failed',
      '2 load-0 Cached',
      '2 child-0 Completed',
      '2 check-0 Completed',
    ]);
    const stored = await env.store.listTaskRuns(first.flowRunId);
    for (const t of recorded.taskRuns) {
      const run = stored.find((s) => s.id === t.id)!;
      expect(t.resultRef).toBe(run.state.resultRef ?? null);
      expect(t.reusedFrom).toBe(run.reusedFrom);
    }
    expect(recorded.taskRuns[0].resultRef).toMatch(new RegExp(`^storage/runs/${first.flowRunId}\\.results#\\d+\\+\\d+$`));
    expect(recorded.taskRuns[2].resultRef).toBeNull();
    expect(recorded.taskRuns[3].reusedFrom).toBe(recorded.taskRuns[0].id);
    // A subflow call's record names the child run it made, once per attempt.
    const children = (await env.store.listFlowRuns({ limit: 10 })).filter((r) => r.parentFlowRunId === first.flowRunId);
    const childOf = (taskRunId: string) => children.find((c) => c.parentTaskRunId === taskRunId)!.id;
    expect(recorded.taskRuns[1].childFlowRunId).toBe(childOf(recorded.taskRuns[1].id));
    expect(recorded.taskRuns[4].childFlowRunId).toBe(childOf(recorded.taskRuns[4].id));
    expect(recorded.taskRuns[1].childFlowRunId).not.toBe(recorded.taskRuns[4].childFlowRunId);
    expect(recorded.taskRuns.filter((t) => t.childFlowRunId === null)).toHaveLength(4);
    expect(await env.store.recordedRuns('no-such-run')).toBeNull();
  });

  it("lists the runs made from a run's task runs on its read, newest first", async () => {
    const one = task({ name: 'one' }, () => 1);
    const f = flow({ name: 'source' }, async () => one());
    const original = await f.run();
    const [oneRun] = await env.store.listTaskRuns(original.flowRunId);
    const link = { flowRunId: original.flowRunId, taskRunId: oneRun.id };
    const reuse = { fromFlowRunId: original.flowRunId, runAgain: [oneRun.id] };
    const earlier = await f.run({}, { reuse, rerunOf: link });
    const later = await f.run({}, { reuse, rerunOf: link });
    const read = (await env.store.getFlowRun(original.flowRunId))!;
    expect(read.rerunOf).toBeNull();
    expect(read.reruns!.map((r) => r.id)).toEqual([later.flowRunId, earlier.flowRunId]);
    expect(read.reruns![0]).toEqual({
      id: later.flowRunId,
      name: later.flowRunName,
      state: { type: 'COMPLETED', name: 'Completed' },
      fromTaskRunId: oneRun.id,
      createdAt: expect.any(Number),
    });
    expect((await env.store.getFlowRun(later.flowRunId))!.rerunOf).toEqual(link);
    // A run made from a run is not listed as having reruns of its own.
    expect((await env.store.getFlowRun(later.flowRunId))!.reruns).toEqual([]);
  });

  it('refuses a task run created Completed unless it names the run it reused and where the result lies', async () => {
    const flowRunId = newId();
    expect(
      (
        await env.store.createFlowRun({
          id: flowRunId,
          flowName: 'etl',
          name: 'calm-otter',
          retryPolicy: noRetries,
          transitionId: newId(),
          state: { type: 'PENDING', name: 'Pending' },
        })
      ).status,
    ).toBe('ACCEPT');
    const completed = (state: Partial<CreateTaskRun['state']>): CreateTaskRun => ({
      id: newId(),
      flowRunId,
      taskKey: 'extract',
      name: 'extract-0',
      dynamicKey: 0,
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'COMPLETED', name: 'Cached', ...state },
    });
    for (const state of [{}, { resultRef: 'storage/runs/x.results#0+10' }, { reusedFrom: 'earlier-run' }]) {
      const request = completed(state);
      const refused = await env.store.createTaskRun(request);
      expect(refused.status).toBe('REJECT');
      expect(refused.reason).toBe('a run starts Completed only as a task run reusing the recorded result of another (reusedFrom and resultRef)');
      expect(await env.store.getTaskRun(request.id)).toBeNull();
    }
    const request = completed({ resultRef: 'storage/runs/x.results#0+10', reusedFrom: 'earlier-run' });
    expect((await env.store.createTaskRun(request)).status).toBe('ACCEPT');
    expect(await env.store.getTaskRun(request.id)).toMatchObject({
      reusedFrom: 'earlier-run',
      state: { name: 'Cached', resultRef: 'storage/runs/x.results#0+10' },
    });
    // A flow run is never born Completed.
    const flowRefused = await env.store.createFlowRun({
      id: newId(),
      flowName: 'etl',
      name: 'born-done',
      retryPolicy: noRetries,
      transitionId: newId(),
      state: { type: 'COMPLETED', name: 'Completed', resultRef: 'r', reusedFrom: 'x' },
    });
    expect(flowRefused.status).toBe('REJECT');
  });
});
