import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId, type OrchestrationResult, type ProposedState, type RetryPolicy, type RunKind } from '../../../app/core/index.js';
import { StoreError, type RunStore } from '../../../app/server/index.js';
import { MIGRATIONS } from '../../../app/server/store/index.js';
import { migrate } from '../../../app/server/store/migrations.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = 1_700_000_000_000;
const noRetries: RetryPolicy = { retries: 0, retryDelaySeconds: [0] };
const HOST = hostname();

/** A store on the temp file whose clock the test moves by hand. */
class Harness {
  clock = T0;
  readonly stores: RunStore[] = [];

  constructor(readonly dbPath: string) {}

  async open(options: { heartbeatTimeoutSeconds?: number; sweepOnOpen?: boolean; silenceFromOpen?: boolean } = {}): Promise<RunStore> {
    const store = await openTestStore({ path: this.dbPath, now: () => this.clock, ...options });
    this.stores.push(store);
    return store;
  }

  async closeAll(): Promise<void> {
    for (const store of this.stores.splice(0)) await store.close();
  }
}

async function createFlowRun(store: RunStore, options: { pid?: number | null; host?: string | null; running?: boolean } = {}): Promise<string> {
  const id = newId();
  const created = await store.createFlowRun({
    id,
    flowName: 'etl',
    name: `run-${id.slice(-6)}`,
    retryPolicy: noRetries,
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
    pid: options.pid === undefined ? process.pid : options.pid,
    hostname: options.host === undefined ? HOST : options.host,
  });
  expect(created.status).toBe('ACCEPT');
  if (options.running !== false) expect((await set(store, 'flow', id, { type: 'RUNNING', name: 'Running' })).status).toBe('ACCEPT');
  return id;
}

async function createTaskRun(
  store: RunStore,
  flowRunId: string,
  options: { tags?: string[]; retryPolicy?: RetryPolicy; cacheKey?: string } = {},
): Promise<string> {
  const id = newId();
  const created = await store.createTaskRun({
    id,
    flowRunId,
    taskKey: 'work',
    name: `work-${id.slice(-6)}`,
    dynamicKey: 0,
    tags: options.tags ?? [],
    retryPolicy: options.retryPolicy ?? noRetries,
    cacheKey: options.cacheKey ?? null,
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  });
  expect(created.status).toBe('ACCEPT');
  return id;
}

function set(store: RunStore, kind: RunKind, runId: string, state: ProposedState): Promise<OrchestrationResult> {
  return store.setState({ kind, runId, transitionId: newId(), state });
}

const RUNNING: ProposedState = { type: 'RUNNING', name: 'Running' };
const COMPLETED: ProposedState = { type: 'COMPLETED', name: 'Completed' };

function slotRows(store: RunStore): { tag: string; task_run_id: string }[] {
  return sqliteOf(store)
    .database.prepare<[], { tag: string; task_run_id: string }>('SELECT tag, task_run_id FROM concurrency_slots ORDER BY tag, task_run_id')
    .all();
}

/** The pid of a process that has run and exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  if (pid === undefined) throw new Error('the child process got no pid');
  return pid;
}

describe('store orchestration', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let h: Harness;
  beforeEach(() => {
    temp = makeTempHome();
    h = new Harness(temp.dbPath);
  });
  afterEach(async () => {
    await h.closeAll();
    temp.cleanup();
  });

  describe('retries', () => {
    it('records a task that fails twice and then completes as its retry history', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      const taskRunId = await createTaskRun(store, flowRunId, { retryPolicy: { retries: 2, retryDelaySeconds: [10, 20] } });
      const error = (n: number) =>
        ({ type: 'FAILED', name: 'Failed', message: `attempt ${n} broke`, error: { name: 'Error', message: `broke ${n}` } }) as const;

      const first = await set(store, 'task', taskRunId, RUNNING);
      expect(first).toMatchObject({ status: 'ACCEPT', state: { name: 'Running', attempt: 1 } });

      h.clock += 1_000;
      const firstFailure = await set(store, 'task', taskRunId, error(1));
      expect(firstFailure).toMatchObject({
        status: 'ACCEPT',
        state: { type: 'SCHEDULED', name: 'AwaitingRetry', scheduledTime: h.clock + 10_000, attempt: 1 },
      });

      // Too early: the store says how long to wait and records nothing.
      h.clock += 4_000;
      const early = await set(store, 'task', taskRunId, RUNNING);
      expect(early).toMatchObject({ status: 'WAIT', delaySeconds: 6, state: { name: 'AwaitingRetry' } });

      h.clock += 6_000;
      expect(await set(store, 'task', taskRunId, RUNNING)).toMatchObject({ status: 'ACCEPT', state: { name: 'Retrying', attempt: 2 } });
      const secondFailure = await set(store, 'task', taskRunId, error(2));
      expect(secondFailure.state).toMatchObject({ name: 'AwaitingRetry', scheduledTime: h.clock + 20_000, attempt: 2 });

      h.clock += 20_000;
      expect(await set(store, 'task', taskRunId, RUNNING)).toMatchObject({ status: 'ACCEPT', state: { name: 'Retrying', attempt: 3 } });
      expect(await set(store, 'task', taskRunId, COMPLETED)).toMatchObject({ status: 'ACCEPT', state: { name: 'Completed', attempt: 3 } });

      const history = await store.listStates(taskRunId);
      expect(history.map((s) => [s.name, s.attempt])).toEqual([
        ['Pending', 1],
        ['Running', 1],
        ['AwaitingRetry', 1],
        ['Retrying', 2],
        ['AwaitingRetry', 2],
        ['Retrying', 3],
        ['Completed', 3],
      ]);
      expect(history[2]).toMatchObject({ message: 'attempt 1 broke', error: { name: 'Error', message: 'broke 1' }, scheduledTime: T0 + 11_000 });
      expect(history[4]).toMatchObject({ message: 'attempt 2 broke', error: { message: 'broke 2' }, scheduledTime: T0 + 31_000 });
      expect(history[6].timestamp).toBe(h.clock);
      expect(await store.getTaskRun(taskRunId)).toMatchObject({
        runCount: 3,
        state: { type: 'COMPLETED', name: 'Completed' },
        startTime: T0,
        endTime: h.clock,
      });
    });

    it('fails a task for good once its retries are used up', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      const taskRunId = await createTaskRun(store, flowRunId, { retryPolicy: { retries: 1, retryDelaySeconds: [0] } });
      const failure: ProposedState = { type: 'FAILED', name: 'Failed', error: { name: 'Error', message: 'no' } };
      await set(store, 'task', taskRunId, RUNNING);
      expect((await set(store, 'task', taskRunId, failure)).state?.name).toBe('AwaitingRetry');
      await set(store, 'task', taskRunId, RUNNING);
      expect(await set(store, 'task', taskRunId, failure)).toMatchObject({ status: 'ACCEPT', state: { type: 'FAILED', name: 'Failed', attempt: 2 } });
      expect((await store.listStates(taskRunId)).map((s) => s.name)).toEqual(['Pending', 'Running', 'AwaitingRetry', 'Retrying', 'Failed']);
    });
  });

  describe('tag concurrency limits', () => {
    it('makes the second task of a tag with limit 1 wait until the first gives its slot back', async () => {
      const store = await h.open();
      expect(await store.setConcurrencyLimit('db', 1)).toMatchObject({ tag: 'db', limit: 1, activeSlots: [] });
      const flowRunId = await createFlowRun(store);
      const a = await createTaskRun(store, flowRunId, { tags: ['db'] });
      const b = await createTaskRun(store, flowRunId, { tags: ['db'] });

      expect(await set(store, 'task', a, RUNNING)).toMatchObject({ status: 'ACCEPT', state: { name: 'Running' } });
      expect((await store.getConcurrencyLimit('db'))?.activeSlots).toEqual([a]);

      const parked = await set(store, 'task', b, RUNNING);
      expect(parked).toMatchObject({
        status: 'ACCEPT',
        state: { type: 'SCHEDULED', name: 'AwaitingConcurrencySlot', message: "waiting for a slot of tag 'db' (limit 1)" },
      });

      h.clock += 1_000;
      const stillFull = await set(store, 'task', b, RUNNING);
      expect(stillFull).toMatchObject({ status: 'WAIT', state: { name: 'AwaitingConcurrencySlot' } });
      expect(stillFull.delaySeconds).toBeGreaterThan(0);
      expect(slotRows(store)).toEqual([{ tag: 'db', task_run_id: a }]);

      expect((await set(store, 'task', a, COMPLETED)).status).toBe('ACCEPT');
      expect(slotRows(store)).toEqual([]);

      expect(await set(store, 'task', b, RUNNING)).toMatchObject({ status: 'ACCEPT', state: { type: 'RUNNING', name: 'Running', attempt: 1 } });
      expect((await store.getConcurrencyLimit('db'))?.activeSlots).toEqual([b]);
      await set(store, 'task', b, { type: 'FAILED', name: 'Failed' });
      expect(slotRows(store)).toEqual([]);
      expect((await store.listStates(b)).map((s) => s.name)).toEqual(['Pending', 'AwaitingConcurrencySlot', 'Running', 'Failed']);
    });

    it('takes no slot on any tag while another of its tags is full', async () => {
      const store = await h.open();
      await store.setConcurrencyLimit('db', 1);
      await store.setConcurrencyLimit('api', 5);
      const flowRunId = await createFlowRun(store);
      const holder = await createTaskRun(store, flowRunId, { tags: ['db'] });
      const both = await createTaskRun(store, flowRunId, { tags: ['api', 'db', 'unlimited'] });
      await set(store, 'task', holder, RUNNING);
      expect((await set(store, 'task', both, RUNNING)).state?.name).toBe('AwaitingConcurrencySlot');
      expect(slotRows(store)).toEqual([{ tag: 'db', task_run_id: holder }]);
    });

    it('aborts a task whose tag has a limit of 0 and leaves its state alone', async () => {
      const store = await h.open();
      await store.setConcurrencyLimit('frozen', 0);
      const flowRunId = await createFlowRun(store);
      const task = await createTaskRun(store, flowRunId, { tags: ['frozen'] });
      expect(await set(store, 'task', task, RUNNING)).toMatchObject({
        status: 'ABORT',
        reason: "the concurrency limit for tag 'frozen' is 0",
        code: 'CONCURRENCY_LIMIT_ZERO',
      });
      expect((await store.getTaskRun(task))?.state.name).toBe('Pending');
      expect(await store.listStates(task)).toHaveLength(1);
    });
  });

  describe('the result cache', () => {
    it('stores a completed result, serves it to a task of a later store instance, and ignores it once expired', async () => {
      let store = await h.open();
      const flowRunId = await createFlowRun(store);
      const producer = await createTaskRun(store, flowRunId, { cacheKey: 'sum-1-2' });
      await set(store, 'task', producer, { ...RUNNING, cacheKey: 'sum-1-2' });
      const expiresAt = T0 + 5_000;
      const done = await set(store, 'task', producer, {
        ...COMPLETED,
        cacheKey: 'sum-1-2',
        resultRef: 'results/sum-1-2.json',
        cacheExpirationSeconds: 5,
        resultPreview: '3',
      });
      expect(done).toMatchObject({ status: 'ACCEPT', state: { name: 'Completed', cacheKey: 'sum-1-2', resultRef: 'results/sum-1-2.json' } });
      expect(sqliteOf(store).database.prepare('SELECT * FROM cache_entries').all()).toEqual([
        { cache_key: 'sum-1-2', result_ref: 'results/sum-1-2.json', task_run_id: producer, created_at: T0, expires_at: expiresAt },
      ]);
      await h.closeAll();

      store = await h.open();
      h.clock = expiresAt - 1;
      const consumer = await createTaskRun(store, flowRunId, { cacheKey: 'sum-1-2' });
      const hit = await set(store, 'task', consumer, { ...RUNNING, cacheKey: 'sum-1-2' });
      expect(hit).toMatchObject({
        status: 'ACCEPT',
        state: {
          type: 'COMPLETED',
          name: 'Cached',
          cacheKey: 'sum-1-2',
          resultRef: 'results/sum-1-2.json',
          message: `cached result of task run ${producer}`,
        },
      });
      expect((await store.listStates(consumer)).map((s) => s.name)).toEqual(['Pending', 'Cached']);
      expect(await store.getTaskRun(consumer)).toMatchObject({ runCount: 0, startTime: null, endTime: h.clock });

      const refresher = await createTaskRun(store, flowRunId, { cacheKey: 'sum-1-2' });
      expect((await set(store, 'task', refresher, { ...RUNNING, cacheKey: 'sum-1-2', refreshCache: true })).state?.name).toBe('Running');

      h.clock = expiresAt;
      const late = await createTaskRun(store, flowRunId, { cacheKey: 'sum-1-2' });
      expect(await set(store, 'task', late, { ...RUNNING, cacheKey: 'sum-1-2' })).toMatchObject({
        status: 'ACCEPT',
        state: { type: 'RUNNING', name: 'Running' },
      });
    });

    it('replaces an entry with a newer result and keeps entries without expiry for good', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      for (const ref of ['results/one.json', 'results/two.json']) {
        const task = await createTaskRun(store, flowRunId);
        await set(store, 'task', task, RUNNING);
        await set(store, 'task', task, { ...COMPLETED, cacheKey: 'k', resultRef: ref });
      }
      h.clock += 365 * 24 * 3600 * 1000;
      const reader = await createTaskRun(store, flowRunId);
      expect((await set(store, 'task', reader, { ...RUNNING, cacheKey: 'k' })).state).toMatchObject({
        name: 'Cached',
        resultRef: 'results/two.json',
      });
      expect(sqliteOf(store).database.prepare('SELECT COUNT(*) AS n FROM cache_entries').get()).toEqual({ n: 1 });
    });

    it('keeps nothing of a completion whose result could not be stored: a transition and its side effects go together', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      const task = await createTaskRun(store, flowRunId);
      await set(store, 'task', task, RUNNING);
      // The file refuses the entry, after the Completed state and the run's row were written.
      sqliteOf(store).database.exec(
        `CREATE TRIGGER refuse_cache BEFORE INSERT ON cache_entries BEGIN SELECT RAISE(ABORT, 'no cache entries today'); END`,
      );
      const storing = { ...COMPLETED, cacheKey: 'k', resultRef: 'results/r.json' };
      await expect(set(store, 'task', task, storing)).rejects.toThrow(/no cache entries today/);
      expect((await store.listStates(task)).map((s) => s.name)).toEqual(['Pending', 'Running']);
      expect((await store.getTaskRun(task))?.state.name).toBe('Running');

      sqliteOf(store).database.exec('DROP TRIGGER refuse_cache');
      expect(await set(store, 'task', task, storing)).toMatchObject({ status: 'ACCEPT', state: { name: 'Completed' } });
      expect(sqliteOf(store).database.prepare('SELECT task_run_id FROM cache_entries').all()).toEqual([{ task_run_id: task }]);
    });
  });

  describe('cancelling', () => {
    it('asks a running flow run to stop, aborts its tasks that have not started, and refuses a second request', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      const waiting = await createTaskRun(store, flowRunId);
      const result = await store.cancelFlowRun(flowRunId);
      expect(result).toMatchObject({ status: 'ACCEPT', state: { type: 'CANCELLING', name: 'Cancelling', message: 'cancellation requested' } });
      expect((await store.getFlowRun(flowRunId))?.state.name).toBe('Cancelling');
      expect(await set(store, 'task', waiting, RUNNING)).toMatchObject({
        status: 'ABORT',
        reason: 'its flow run is cancelling',
        code: 'FLOW_STOPPING',
      });

      const again = await store.cancelFlowRun(flowRunId);
      expect(again).toMatchObject({ status: 'REJECT', state: { type: 'CANCELLING' } });
      expect((await store.getFlowRun(flowRunId))?.state.name).toBe('Cancelling');
      expect(await set(store, 'flow', flowRunId, { type: 'CANCELLED', name: 'Cancelled' })).toMatchObject({ status: 'ACCEPT' });
    });

    it('cancels a pending flow run at once and refuses to cancel a finished one', async () => {
      const store = await h.open();
      const pendingRun = await createFlowRun(store, { running: false });
      expect(await store.cancelFlowRun(pendingRun)).toMatchObject({ status: 'ACCEPT', state: { type: 'CANCELLED', name: 'Cancelled' } });
      expect(await store.getFlowRun(pendingRun)).toMatchObject({ state: { name: 'Cancelled' }, endTime: T0 });
      expect(await store.cancelFlowRun(pendingRun)).toMatchObject({ status: 'REJECT', reason: 'the run has already finished' });
      await expect(store.cancelFlowRun('no-such-run')).rejects.toThrow(expect.objectContaining({ name: 'StoreError', code: 'NOT_FOUND' }));
    });
  });

  describe('a flow run that ends', () => {
    it('ends the task runs whose final state never came, in the same transaction, and leaves finished ones be', async () => {
      const store = await h.open();
      await store.setConcurrencyLimit('db', 1);
      const flowRunId = await createFlowRun(store);
      const running = await createTaskRun(store, flowRunId, { tags: ['db'] });
      const pending = await createTaskRun(store, flowRunId);
      const done = await createTaskRun(store, flowRunId);
      await set(store, 'task', running, RUNNING);
      await set(store, 'task', done, RUNNING);
      await set(store, 'task', done, COMPLETED);
      // A task run created in the very batch that ends its flow run ends too.
      const [late, failed] = await Promise.all([
        createTaskRun(store, flowRunId),
        set(store, 'flow', flowRunId, { type: 'FAILED', name: 'Failed', message: 'boom' }),
      ]);
      expect(failed).toMatchObject({ status: 'ACCEPT', state: { name: 'Failed' } });

      for (const id of [running, pending, late]) {
        expect((await store.getTaskRun(id))?.state, id).toMatchObject({
          type: 'CRASHED',
          name: 'Crashed',
          message: "its flow run ended Failed before this task run's final state was recorded",
        });
      }
      expect((await store.listStates(running)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Crashed']);
      expect((await store.listStates(done)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Completed']);
      expect(slotRows(store)).toEqual([]);
      // A late word from the flow process does not bring the task run back.
      expect(await set(store, 'task', running, COMPLETED)).toMatchObject({ status: 'REJECT', state: { name: 'Crashed' } });
    });

    it('cancels the unfinished task runs of a cancelled flow run', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      const stubborn = await createTaskRun(store, flowRunId);
      await set(store, 'task', stubborn, RUNNING);
      await store.cancelFlowRun(flowRunId);
      await set(store, 'flow', flowRunId, { type: 'CANCELLED', name: 'Cancelled', message: 'cancelled by the user' });
      expect((await store.getTaskRun(stubborn))?.state).toMatchObject({ type: 'CANCELLED', name: 'Cancelled', message: 'cancelled by the user' });
    });
  });

  describe('transitions a second process proposes', () => {
    it('aborts a second PENDING for a flow run that has started', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store);
      expect(await set(store, 'flow', flowRunId, { type: 'PENDING', name: 'Pending' })).toMatchObject({
        status: 'ABORT',
        state: { name: 'Running' },
        code: 'ALREADY_STARTED',
      });
    });

    it('hands a flow run to a new owner only when the transition is accepted', async () => {
      const store = await h.open();
      const flowRunId = await createFlowRun(store, { pid: 111, host: 'first' });
      const refused = await store.setState({
        kind: 'flow',
        runId: flowRunId,
        transitionId: newId(),
        state: { type: 'PENDING', name: 'Pending' },
        owner: { pid: 222, hostname: 'second' },
      });
      expect(refused.status).toBe('ABORT');
      expect(await store.getFlowRun(flowRunId)).toMatchObject({ pid: 111, hostname: 'first' });

      await set(store, 'flow', flowRunId, { type: 'FAILED', name: 'Failed' });
      h.clock += 1_000;
      const retried = await store.setState({
        kind: 'flow',
        runId: flowRunId,
        transitionId: newId(),
        state: { type: 'SCHEDULED', name: 'AwaitingRetry', scheduledTime: h.clock },
        owner: { pid: 222, hostname: 'second' },
      });
      expect(retried.status).toBe('ACCEPT');
      expect(await store.getFlowRun(flowRunId)).toMatchObject({ pid: 222, hostname: 'second', heartbeatAt: h.clock });
    });
  });

  describe('sweeping crashed runs', () => {
    it('crashes a run whose process on this host is gone, with its unfinished tasks, and frees their slots', async () => {
      const store = await h.open({ sweepOnOpen: false });
      await store.setConcurrencyLimit('db', 5);
      const gone = await deadPid();

      const orphan = await createFlowRun(store, { pid: gone });
      const runningTask = await createTaskRun(store, orphan, { tags: ['db'] });
      const pendingTask = await createTaskRun(store, orphan, { tags: ['db'] });
      const finishedTask = await createTaskRun(store, orphan);
      await set(store, 'task', runningTask, RUNNING);
      await set(store, 'task', finishedTask, RUNNING);
      await set(store, 'task', finishedTask, COMPLETED);

      const mine = await createFlowRun(store, { pid: process.pid });
      const myTask = await createTaskRun(store, mine, { tags: ['db'] });
      await set(store, 'task', myTask, RUNNING);
      // A dead pid on another host says nothing: that run is judged by its heartbeat alone.
      const remote = await createFlowRun(store, { pid: gone, host: `not-${HOST}` });

      expect(
        slotRows(store)
          .map((r) => r.task_run_id)
          .sort(),
      ).toEqual([myTask, runningTask].sort());
      expect(await store.sweepCrashedRuns()).toBe(1);

      expect((await store.getFlowRun(orphan))?.state).toMatchObject({
        type: 'CRASHED',
        name: 'Crashed',
        message: 'the flow process stopped without reporting a final state',
      });
      expect((await store.getTaskRun(runningTask))?.state.name).toBe('Crashed');
      expect((await store.getTaskRun(pendingTask))?.state.name).toBe('Crashed');
      expect((await store.getTaskRun(finishedTask))?.state.name).toBe('Completed');
      expect((await store.listStates(runningTask)).map((s) => s.name)).toEqual(['Pending', 'Running', 'Crashed']);
      expect(slotRows(store)).toEqual([{ tag: 'db', task_run_id: myTask }]);

      expect((await store.getFlowRun(mine))?.state.name).toBe('Running');
      expect((await store.getTaskRun(myTask))?.state.name).toBe('Running');
      expect((await store.getFlowRun(remote))?.state.name).toBe('Running');
      expect(await store.sweepCrashedRuns()).toBe(0);
    });

    it('crashes a run whose heartbeat is older than the timeout and spares one that heartbeats', async () => {
      const store = await h.open({ heartbeatTimeoutSeconds: 60 });
      const silent = await createFlowRun(store, { pid: 4242, host: 'elsewhere' });
      const silentTask = await createTaskRun(store, silent);
      await set(store, 'task', silentTask, RUNNING);
      const alive = await createFlowRun(store, { pid: 4343, host: 'elsewhere' });

      h.clock += 50_000;
      expect(await store.heartbeat([alive])).toEqual(new Map([[alive, 'RUNNING']]));
      expect(await store.sweepCrashedRuns()).toBe(0);

      h.clock += 10_001;
      expect(await store.sweepCrashedRuns()).toBe(1);
      expect((await store.getFlowRun(silent))?.state.name).toBe('Crashed');
      expect((await store.getTaskRun(silentTask))?.state.name).toBe('Crashed');
      expect((await store.getFlowRun(alive))?.state.name).toBe('Running');
    });

    it('with silenceFromOpen, counts no silence from before the store opened: a server that was down gives its runs a full timeout', async () => {
      const first = await h.open({ heartbeatTimeoutSeconds: 60 });
      const silent = await createFlowRun(first, { pid: 4242, host: 'elsewhere' });
      await h.closeAll();
      // The server was down for ten minutes; the run could not reach it meanwhile.
      h.clock += 600_000;
      const restarted = await h.open({ heartbeatTimeoutSeconds: 60, silenceFromOpen: true });
      expect((await restarted.getFlowRun(silent))?.state.name).toBe('Running');
      h.clock += 59_000;
      expect(await restarted.sweepCrashedRuns()).toBe(0);
      h.clock += 1_001;
      expect(await restarted.sweepCrashedRuns()).toBe(1);
      expect((await restarted.getFlowRun(silent))?.state.name).toBe('Crashed');

      // Without it, the same silence is counted from the last heartbeat.
      const again = await createFlowRun(restarted, { pid: 4343, host: 'elsewhere' });
      await h.closeAll();
      h.clock += 600_000;
      const plain = await h.open({ heartbeatTimeoutSeconds: 60 });
      expect((await plain.getFlowRun(again))?.state.name).toBe('Crashed');
    });

    it('sweeps when a store opens', async () => {
      const gone = await deadPid();
      const first = await h.open();
      const orphan = await createFlowRun(first, { pid: gone });
      const mine = await createFlowRun(first, { pid: process.pid });
      await h.closeAll();
      const second = await h.open();
      expect((await second.getFlowRun(orphan))?.state.name).toBe('Crashed');
      expect((await second.getFlowRun(mine))?.state.name).toBe('Running');
    });
  });
});

describe('opening a database file', () => {
  let temp: ReturnType<typeof makeTempHome>;
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(() => temp.cleanup());

  async function openError(path: string): Promise<StoreError> {
    try {
      const store = await openTestStore({ path });
      await store.close();
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      return error as StoreError;
    }
    throw new Error(`opening ${path} should have failed`);
  }

  it('refuses a file that is not a database and leaves it as it was', async () => {
    const garbage = Buffer.concat([Buffer.from('these are my notes, not a database\n'), Buffer.alloc(5000, 0xa7)]);
    writeFileSync(temp.dbPath, garbage);
    const error = await openError(temp.dbPath);
    expect(error.code).toBe('NOT_A_DATABASE');
    expect(error.message).toContain(temp.dbPath);
    expect(error.message).toMatch(/move it away/);
    expect(readFileSync(temp.dbPath).equals(garbage)).toBe(true);
  });

  it("refuses another program's SQLite database and leaves its tables alone", async () => {
    const other = new Database(temp.dbPath);
    other.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada');");
    other.close();
    expect((await openError(temp.dbPath)).code).toBe('NOT_A_DATABASE');
    const check = new Database(temp.dbPath, { readonly: true });
    expect(check.prepare('SELECT name FROM sqlite_master').all()).toEqual([{ name: 'users' }]);
    check.close();
  });

  it('says clearly when a folder stands where the file should be', async () => {
    mkdirSync(temp.dbPath);
    const error = await openError(temp.dbPath);
    expect(error.code).toBe('CANNOT_OPEN');
    expect(error.message).toBe(`${temp.dbPath} is a folder, not a Flowdeck database`);
  });

  it('refuses a database written by a newer Flowdeck', async () => {
    const store = await openTestStore({ path: temp.dbPath });
    // The schema version is a pragma of the SQLite file.
    sqliteOf(store).database.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    await store.close();
    const error = await openError(temp.dbPath);
    expect(error.code).toBe('NEWER_SCHEMA');
    expect(error.message).toContain(temp.dbPath);
    expect(error.message).toMatch(/upgrade Flowdeck/);
  });

  it('migrates a fresh file once when two stores open it', async () => {
    const a = await openTestStore({ path: temp.dbPath });
    const b = await openTestStore({ path: temp.dbPath });
    try {
      // The migrations of one SQLite file, run by two connections to it.
      for (const store of [a, b]) {
        expect(sqliteOf(store).database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        expect(sqliteOf(store).database.prepare('SELECT key, value FROM meta').all()).toEqual([{ key: 'application', value: 'flowdeck' }]);
      }
      // Running the migrations again changes nothing.
      migrate(sqliteOf(a).database);
      expect(sqliteOf(a).database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);

      const id = newId();
      await a.createFlowRun({
        id,
        flowName: 'etl',
        name: 'shared',
        retryPolicy: noRetries,
        transitionId: newId(),
        state: { type: 'PENDING', name: 'Pending' },
      });
      expect((await b.getFlowRun(id))?.state.name).toBe('Pending');
    } finally {
      await a.close();
      await b.close();
    }
    const again = await openTestStore({ path: temp.dbPath });
    expect(await again.listFlowRuns()).toHaveLength(1);
    await again.close();
  });

  it('opens an up-to-date database to read while another connection holds its write lock', async () => {
    const first = await openTestStore({ path: temp.dbPath });
    await first.close();
    const writer = new Database(temp.dbPath);
    writer.exec('BEGIN IMMEDIATE');
    try {
      // Migrating a database that needs nothing takes no write lock, so a listing need not wait.
      const reader = await openTestStore({ path: temp.dbPath });
      expect(await reader.listFlowRuns()).toEqual([]);
      await reader.close();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});
