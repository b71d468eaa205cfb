import { mkdirSync, statSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  advanceRunTiming,
  attemptOf,
  CreateFlowRunSchema,
  RetryPolicySchema,
  isTerminal,
  newId,
  orchestrate,
  type ConcurrencyLimit,
  type CreateFlowRun,
  type CreateTaskRun,
  type FlowRun,
  type FlowRunFilter,
  type LogLine,
  type OrchestrationResult,
  type OrchestrationServices,
  type ProposedState,
  type RetryPolicy,
  type RunFacts,
  type RunKind,
  type RunReporter,
  type SetState,
  type SlotOutcome,
  type State,
  type StateType,
  type StoredLog,
  type TaskRun,
} from '../../core/index.js';
import { migrate } from './migrations.js';
import {
  flowRunFromRow,
  logFromRow,
  stateFromRow,
  taskRunFromRow,
  type FlowRunRow,
  type LogRow,
  type StateRow,
  type TaskRunRow,
} from './rows.js';
import { StoreError } from './store-error.js';

export interface SqliteStoreOptions {
  /** The database file; created with its folder when missing. */
  path: string;
  now?: () => number;
  random?: () => number;
  /** Owned runs whose process has been silent this long are Crashed. */
  heartbeatTimeoutSeconds?: number;
  /** Mark crashed runs when the store opens (default true). */
  sweepOnOpen?: boolean;
  /** Told of every group commit: how many transitions and log lines it held. */
  onCommit?: (batch: { operations: number; logLines: number }) => void;
}

/** How many buffered log lines make a flush worth doing at once. */
const LOG_FLUSH_LINES = 4000;
/** How long a log line may wait in the buffer when nothing else is written. */
const LOG_FLUSH_MS = 50;
const BUSY_TIMEOUT_MS = 60_000;
/** Transitions committed together at most; the rest follow in the next transaction. */
const MAX_BATCH_OPERATIONS = 512;

const jsonOf = new WeakMap<object, string>();
/** JSON of values shared by many runs (a task's tags and retry policy), made once. */
function sharedJson(value: object): string {
  let json = jsonOf.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    jsonOf.set(value, json);
  }
  return json;
}

/** What a transition needs of a run's row. The wide columns are read only when no cache has them. */
interface RunCurrentRow {
  state_id: number;
  run_count: number;
  start_time: number | null;
  end_time: number | null;
  last_transition_id: string | null;
  flow_run_id: string;
  tags?: string;
  retry_policy?: string;
}

interface ImmutableFacts {
  flowRunId: string;
  tags: readonly string[];
  retryPolicy: RetryPolicy;
}

type Operation =
  | { kind: 'createFlowRun'; request: CreateFlowRun }
  | { kind: 'createTaskRun'; request: CreateTaskRun }
  | { kind: 'setState'; request: SetState }
  | { kind: 'heartbeat'; ids: readonly string[] };

interface QueuedOperation {
  op: Operation;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function isSqliteError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === code;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The local run store: SQLite in WAL mode. Transitions proposed in the same tick are committed
 * in one transaction (group commit), and each caller hears back only once it is durable.
 */
export class SqliteStore implements RunReporter {
  readonly target: string;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly heartbeatTimeoutMs: number;
  private readonly onCommit: SqliteStoreOptions['onCommit'] | null;
  private readonly hostname = osHostname();
  private queue: QueuedOperation[] = [];
  private logBuffer: LogLine[] = [];
  private flushScheduled = false;
  private logTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly flowIds = new Map<string, string>();
  private readonly facts = new Map<string, ImmutableFacts>();
  private readonly stateCache = new Map<string, { stateId: number; state: State }>();
  /** Rows of runs written in the open write transaction, by run id. */
  private touched: Map<string, RunCurrentRow> | null = null;
  /** Task runs created in the open write transaction, inserted as it closes. */
  private pendingTaskRows: Map<string, unknown[]> | null = null;
  /** Flow run state types read or written in the open write transaction. */
  private batchFlowStates: Map<string, StateType | null> | null = null;
  /**
   * The last row this store wrote for each unfinished task run. A transition starts from it
   * without a read and writes only if the row is still the same (state_id), else reads and
   * starts over: another process rarely touches a task run this one is running.
   */
  private readonly knownTaskRows = new Map<string, RunCurrentRow>();
  /** Set while a batch is redone because it created a run that already existed. */
  private verifyCreates = false;
  private readonly stmt;
  private readonly services: OrchestrationServices;
  /** Whether the transition being orchestrated has written anything a refusal must undo. */
  private savepointOpen = false;
  /** Made once: better-sqlite3 builds a new wrapper for every db.transaction() call. */
  private readonly batchTransaction: Database.Transaction<(body: () => unknown) => unknown>;

  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(options);
  }

  private constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.target = `local database ${options.path}`;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.heartbeatTimeoutMs = (options.heartbeatTimeoutSeconds ?? 30) * 1000;
    this.onCommit = options.onCommit ?? null;
    this.db = openDatabase(options.path);
    const db = this.db;
    this.batchTransaction = db.transaction((body: () => unknown) => body());
    this.stmt = {
      flowRunCurrent: db.prepare<[string], RunCurrentRow>(
        `SELECT state_id, run_count, start_time, end_time, last_transition_id, id AS flow_run_id
         FROM flow_runs WHERE id = ?`,
      ),
      taskRunCurrent: db.prepare<[string], RunCurrentRow>(
        `SELECT state_id, run_count, start_time, end_time, last_transition_id, flow_run_id
         FROM task_runs WHERE id = ?`,
      ),
      flowRunWide: db.prepare<[string], { tags: string; retry_policy: string }>(
        'SELECT tags, retry_policy FROM flow_runs WHERE id = ?',
      ),
      taskRunWide: db.prepare<[string], { tags: string; retry_policy: string }>(
        'SELECT tags, retry_policy FROM task_runs WHERE id = ?',
      ),
      stateById: db.prepare<[number], StateRow>('SELECT * FROM states WHERE id = ?'),
      taskRunExists: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM task_runs WHERE id = ?'),
      updateTaskRunStateIfUnchanged: db.prepare(
        `UPDATE task_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                              end_time = ?, last_transition_id = ?, result = COALESCE(?, result),
                              cache_key = COALESCE(?, cache_key) WHERE id = ? AND state_id = ?`,
      ),
      deleteState: db.prepare('DELETE FROM states WHERE id = ?'),
      flowRunStateType: db.prepare<[string], { state_type: StateType }>(
        'SELECT state_type FROM flow_runs WHERE id = ?',
      ),
      insertFlow: db.prepare('INSERT OR IGNORE INTO flows (id, name, created_at) VALUES (?, ?, ?)'),
      flowIdByName: db.prepare<[string], { id: string }>('SELECT id FROM flows WHERE name = ?'),
      insertState: db.prepare(
        `INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, message, error, scheduled_time,
                             transition_id, cache_key, result_ref, previous_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFlowRun: db.prepare(
        `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters,
                                tags, parent_flow_run_id, parent_task_run_id, entrypoint, run_count, retry_policy,
                                created_at, start_time, end_time, heartbeat_at, pid, hostname, last_transition_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertTaskRun: db.prepare(
        `INSERT OR IGNORE INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, state_type, state_name,
                                state_id, tags, run_count, retry_policy, cache_key, inputs, upstream, created_at,
                                start_time, end_time, last_transition_id, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateFlowRunState: db.prepare(
        `UPDATE flow_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                              end_time = ?, last_transition_id = ?, result = COALESCE(?, result) WHERE id = ?`,
      ),
      updateTaskRunState: db.prepare(
        `UPDATE task_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                              end_time = ?, last_transition_id = ?, result = COALESCE(?, result),
                              cache_key = COALESCE(?, cache_key) WHERE id = ?`,
      ),
      claimFlowRun: db.prepare('UPDATE flow_runs SET pid = ?, hostname = ?, heartbeat_at = ? WHERE id = ?'),
      insertLog: db.prepare(
        `INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      heartbeat: db.prepare<[number, string], { state_type: StateType }>(
        'UPDATE flow_runs SET heartbeat_at = ? WHERE id = ? RETURNING state_type',
      ),
      limitFor: db.prepare<[string], { slot_limit: number }>(
        'SELECT slot_limit FROM concurrency_limits WHERE tag = ?',
      ),
      slotsInUse: db.prepare<[string, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM concurrency_slots WHERE tag = ? AND task_run_id != ?',
      ),
      takeSlot: db.prepare(
        'INSERT OR IGNORE INTO concurrency_slots (tag, task_run_id, acquired_at) VALUES (?, ?, ?)',
      ),
      releaseSlots: db.prepare('DELETE FROM concurrency_slots WHERE task_run_id = ?'),
      findCache: db.prepare<[string], { result_ref: string; task_run_id: string; expires_at: number | null }>(
        'SELECT result_ref, task_run_id, expires_at FROM cache_entries WHERE cache_key = ?',
      ),
      putCache: db.prepare(
        `INSERT INTO cache_entries (cache_key, result_ref, task_run_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cache_key) DO UPDATE SET result_ref = excluded.result_ref, task_run_id = excluded.task_run_id,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
      ),
      savepoint: db.prepare('SAVEPOINT transition'),
      release: db.prepare('RELEASE transition'),
      rollbackTo: db.prepare('ROLLBACK TO transition'),
    };
    this.services = {
      acquireConcurrencySlots: (tags, taskRunId, now) => this.acquireSlots(tags, taskRunId, now),
      releaseConcurrencySlots: (taskRunId) => {
        this.openSavepoint();
        this.stmt.releaseSlots.run(taskRunId);
      },
      findCachedResult: (cacheKey, now) => {
        const hit = this.stmt.findCache.get(cacheKey);
        if (!hit || (hit.expires_at !== null && hit.expires_at <= now)) return null;
        return { resultRef: hit.result_ref, taskRunId: hit.task_run_id };
      },
      storeCachedResult: (entry) => {
        this.openSavepoint();
        this.stmt.putCache.run(entry.cacheKey, entry.resultRef, entry.taskRunId, entry.createdAt, entry.expiresAt);
      },
      flowRunStateType: (flowRunId) => {
        // Within one write transaction a flow run's state changes only through this store.
        const cached = this.batchFlowStates?.get(flowRunId);
        if (cached !== undefined) return cached;
        const type = this.stmt.flowRunStateType.get(flowRunId)?.state_type ?? null;
        this.batchFlowStates?.set(flowRunId, type);
        return type;
      },
    };
    if (options.sweepOnOpen !== false) this.sweepCrashedRuns();
  }

  // ---- reporting: queued and committed in groups ----

  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'createFlowRun', request }) as Promise<OrchestrationResult>;
  }

  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'createTaskRun', request }) as Promise<OrchestrationResult>;
  }

  setState(request: SetState): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'setState', request }) as Promise<OrchestrationResult>;
  }

  heartbeat(ids: readonly string[]): Promise<Map<string, StateType>> {
    return this.enqueue({ kind: 'heartbeat', ids }) as Promise<Map<string, StateType>>;
  }

  writeLogs(lines: LogLine[]): void {
    if (this.closed) return;
    for (const line of lines) this.logBuffer.push(line);
    if (this.logBuffer.length >= LOG_FLUSH_LINES) this.scheduleFlush();
    else if (this.logTimer === null && !this.flushScheduled) {
      this.logTimer = setTimeout(() => {
        this.logTimer = null;
        this.scheduleFlush();
      }, LOG_FLUSH_MS);
    }
  }

  flush(): Promise<void> {
    if (this.queue.length === 0 && this.logBuffer.length === 0 && !this.flushScheduled) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.scheduleFlush();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.db.close();
  }

  private enqueue(op: Operation): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed', 'INVALID'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushNow());
  }

  private flushNow(): void {
    this.flushScheduled = false;
    if (this.logTimer) {
      clearTimeout(this.logTimer);
      this.logTimer = null;
    }
    if (this.closed) return;
    // A bounded batch: every caller in it waits for the whole of it, so huge ones add latency.
    const queued = this.queue.length <= MAX_BATCH_OPERATIONS ? this.queue : this.queue.slice(0, MAX_BATCH_OPERATIONS);
    this.queue = queued === this.queue ? [] : this.queue.slice(MAX_BATCH_OPERATIONS);
    const logs = this.logBuffer;
    this.logBuffer = [];
    const outcomes: { ok: boolean; value: unknown }[] = new Array(queued.length);
    try {
      this.writeBatch(() => {
        // Log lines go first: they were written before any transition queued after them.
        for (const line of logs) {
          this.stmt.insertLog.run(
            line.flowRunId,
            line.taskRunId,
            line.level,
            line.message,
            line.timestamp,
            line.attempt,
            line.logger ?? null,
          );
        }
        for (let i = 0; i < queued.length; i++) {
          try {
            outcomes[i] = { ok: true, value: this.apply(queued[i].op) };
          } catch (error) {
            outcomes[i] = { ok: false, value: error };
          }
        }
      });
    } catch (error) {
      this.forgetCaches();
      for (const q of queued) q.reject(error);
      this.notifyIdle();
      return;
    }
    this.onCommit?.({ operations: queued.length, logLines: logs.length });
    for (let i = 0; i < queued.length; i++) {
      const outcome = outcomes[i];
      if (outcome.ok) queued[i].resolve(outcome.value);
      else queued[i].reject(outcome.value);
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.logBuffer.length > 0) {
      this.scheduleFlush();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** One write transaction; retried when another process holds the lock past the busy timeout. */
  private writeBatch<T>(body: () => T): T {
    try {
      for (let attempt = 0; ; attempt++) {
        this.touched = new Map();
        this.pendingTaskRows = new Map();
        this.batchFlowStates = new Map();
        try {
          return this.batchTransaction.immediate(() => {
            const result = body();
            for (const row of this.pendingTaskRows!.values()) {
              if (this.stmt.insertTaskRun.run(...row).changes === 0) throw new RepeatedCreate();
            }
            return result;
          }) as T;
        } catch (error) {
          if (error instanceof RepeatedCreate && !this.verifyCreates) {
            // A create of a run that already exists (a client resending): do the batch again,
            // this time looking each new id up first. Nothing of the first try was kept.
            this.forgetCaches();
            this.verifyCreates = true;
            continue;
          }
          if (!isSqliteError(error, 'SQLITE_BUSY') || attempt >= 5) throw error;
        } finally {
          this.touched = null;
          this.pendingTaskRows = null;
          this.batchFlowStates = null;
        }
      }
    } finally {
      this.verifyCreates = false;
    }
  }

  /** After a rolled-back transaction, what was remembered from it may name rows that do not exist. */
  private forgetCaches(): void {
    this.flowIds.clear();
    this.facts.clear();
    this.stateCache.clear();
    this.knownTaskRows.clear();
  }

  /** The run's current row: from this transaction's own writes when it made any, else read. */
  private currentRow(kind: RunKind, runId: string, mustRead = false): RunCurrentRow | undefined {
    const mine = this.touched?.get(runId);
    if (mine) return mine;
    if (kind === 'task' && !mustRead) {
      const known = this.knownTaskRows.get(runId);
      if (known) return known;
    }
    return kind === 'flow' ? this.stmt.flowRunCurrent.get(runId) : this.stmt.taskRunCurrent.get(runId);
  }

  private apply(op: Operation): unknown {
    switch (op.kind) {
      case 'createFlowRun':
        return this.applyCreateFlowRun(op.request);
      case 'createTaskRun':
        return this.applyCreateTaskRun(op.request);
      case 'setState':
        return this.applySetState(op.request);
      case 'heartbeat': {
        const now = this.now();
        const result = new Map<string, StateType>();
        for (const id of op.ids) {
          const row = this.stmt.heartbeat.get(now, id);
          if (row) result.set(id, row.state_type);
        }
        return result;
      }
    }
  }

  // ---- transitions ----

  private flowIdFor(name: string, now: number): string {
    let id = this.flowIds.get(name);
    if (id) return id;
    this.stmt.insertFlow.run(newId(), name, now);
    id = this.stmt.flowIdByName.get(name)!.id;
    this.flowIds.set(name, id);
    return id;
  }

  private applyCreateFlowRun(raw: CreateFlowRun): OrchestrationResult {
    const request = CreateFlowRunSchema.parse(raw);
    const existing = this.currentRow('flow', request.id);
    if (existing) return { status: 'ACCEPT', state: this.stateOf('flow', request.id, existing) };
    const facts: ImmutableFacts = { flowRunId: request.id, tags: request.tags, retryPolicy: request.retryPolicy };
    const now = this.now();
    return <OrchestrationResult>this.orchestrateInto('flow', request.id, null, facts, { runCount: 0, startTime: null, endTime: null, lastTransitionId: null, stateId: null }, request.state, request.transitionId, now, false, (state, stateId, timing) => {
      this.stmt.insertFlowRun.run(
        request.id,
        this.flowIdFor(request.flowName, now),
        request.flowName,
        request.name,
        state.type,
        state.name,
        stateId,
        JSON.stringify(request.parameters),
        JSON.stringify(request.tags),
        request.parentFlowRunId,
        request.parentTaskRunId,
        request.entrypoint,
        timing.runCount,
        JSON.stringify(request.retryPolicy),
        now,
        timing.startTime,
        timing.endTime,
        now,
        request.pid,
        request.hostname,
        request.transitionId,
      );
      this.facts.set(request.id, facts);
    });
  }

  private applyCreateTaskRun(raw: CreateTaskRun): OrchestrationResult {
    // Task runs come by the thousand from an engine whose types already hold; only defaults are filled.
    const request = raw as CreateTaskRun & { tags: string[]; cacheKey: string | null; inputs: string | null; upstream: string[]; retryPolicy: RetryPolicy };
    request.tags ??= [];
    request.cacheKey ??= null;
    request.inputs ??= null;
    request.upstream ??= [];
    if (raw.retryPolicy.retries === undefined || raw.retryPolicy.retryDelaySeconds === undefined) {
      request.retryPolicy = RetryPolicySchema.parse(raw.retryPolicy);
    }
    // New ids are normally new: a repeat is caught when the row is written (see writeBatch).
    const exists =
      this.touched?.has(request.id) ||
      this.knownTaskRows.has(request.id) ||
      (this.verifyCreates && this.stmt.taskRunExists.get(request.id) !== undefined);
    if (exists) {
      const existing = this.currentRow('task', request.id, true)!;
      return { status: 'ACCEPT', state: this.stateOf('task', request.id, existing) };
    }
    const facts: ImmutableFacts = {
      flowRunId: request.flowRunId,
      tags: request.tags,
      retryPolicy: request.retryPolicy,
    };
    const now = this.now();
    return <OrchestrationResult>this.orchestrateInto('task', request.id, null, facts, { runCount: 0, startTime: null, endTime: null, lastTransitionId: null, stateId: null }, request.state, request.transitionId, now, false, (state, stateId, timing) => {
      // Written when the transaction closes, so a Running (or more) in the same batch costs no UPDATE.
      this.pendingTaskRows!.set(request.id, [
        request.id,
        request.flowRunId,
        request.taskKey,
        request.name,
        request.dynamicKey,
        state.type,
        state.name,
        stateId,
        sharedJson(request.tags),
        timing.runCount,
        sharedJson(request.retryPolicy),
        request.cacheKey,
        request.inputs,
        request.upstream.length === 0 ? '[]' : JSON.stringify(request.upstream),
        now,
        timing.startTime,
        timing.endTime,
        request.transitionId,
        null,
      ]);
      this.facts.set(request.id, facts);
    });
  }

  private applySetState(request: SetState, mustRead = false): OrchestrationResult {
    const current = this.currentRow(request.kind, request.runId, mustRead);
    if (!current) {
      return { status: 'ABORT', state: null, reason: `no ${request.kind} run with id ${request.runId}` };
    }
    const initial = this.stateOf(request.kind, request.runId, current);
    const facts = this.factsOf(request.kind, request.runId, current);
    const now = this.now();
    const timing = {
      runCount: current.run_count,
      startTime: current.start_time,
      endTime: current.end_time,
      lastTransitionId: current.last_transition_id,
      stateId: current.state_id,
    };
    const unread = request.kind === 'task' && this.touched?.get(request.runId) !== current && !mustRead && this.knownTaskRows.get(request.runId) === current;
    const result = this.orchestrateInto(request.kind, request.runId, initial, facts, timing, request.state, request.transitionId, now, request.force === true, (state, stateId, next, proposed) => {
      // Only an accepted transition hands the run to a new process.
      if (request.owner && request.kind === 'flow') {
        this.stmt.claimFlowRun.run(request.owner.pid, request.owner.hostname, now, request.runId);
      }
      const common = [
        state.type,
        state.name,
        stateId,
        next.runCount,
        next.startTime,
        next.endTime,
        request.transitionId,
        proposed.resultPreview ?? null,
      ] as const;
      // The cache key is known only once the inputs are resolved, after the task run was created.
      const unwritten = request.kind === 'task' ? this.pendingTaskRows?.get(request.runId) : undefined;
      if (unwritten) {
        setPendingTaskRowState(unwritten, common, proposed.cacheKey ?? null);
      } else if (request.kind === 'flow') {
        this.stmt.updateFlowRunState.run(...common, request.runId);
        this.batchFlowStates?.set(request.runId, state.type);
      } else if (unread) {
        const changes = this.stmt.updateTaskRunStateIfUnchanged.run(...common, proposed.cacheKey ?? null, request.runId, current.state_id).changes;
        if (changes === 0) return false;
      } else this.stmt.updateTaskRunState.run(...common, proposed.cacheKey ?? null, request.runId);
      if (isTerminal(state.type)) this.facts.delete(request.runId);
      return true;
    });
    if (result === CHANGED_ELSEWHERE) {
      // Someone else moved the run since this store last wrote it: start over from the stored row.
      this.knownTaskRows.delete(request.runId);
      return this.applySetState(request, true);
    }
    return result;
  }

  /**
   * Runs the policy for one transition and, when it is accepted, records the new state and lets
   * `persist` write the run row. Side effects of rules are undone when the answer is not ACCEPT.
   */
  private orchestrateInto(
    kind: RunKind,
    runId: string,
    initial: State | null,
    facts: ImmutableFacts,
    timing: {
      runCount: number;
      startTime: number | null;
      endTime: number | null;
      lastTransitionId: string | null;
      stateId: number | null;
    },
    proposedIn: ProposedState,
    transitionId: string,
    now: number,
    force: boolean,
    persist: (
      state: State,
      stateId: number,
      timing: { runCount: number; startTime: number | null; endTime: number | null },
      proposed: ProposedState,
    ) => boolean | void,
  ): OrchestrationResult | typeof CHANGED_ELSEWHERE {
    const run: RunFacts = {
      kind,
      id: runId,
      flowRunId: facts.flowRunId,
      tags: facts.tags,
      retryPolicy: facts.retryPolicy,
      runCount: timing.runCount,
      lastTransitionId: timing.lastTransitionId,
    };
    // The savepoint is opened only when a rule writes (see openSavepoint): most transitions
    // write nothing before they are accepted, and an open savepoint makes SQLite journal every
    // page the transition then touches.
    this.savepointOpen = false;
    let outcome;
    try {
      outcome = force
        ? ({ decision: 'accept', state: proposedIn } as const)
        : orchestrate({
            run,
            initial,
            proposed: proposedIn,
            transitionId,
            now,
            random: this.random,
            services: this.services,
          });
    } catch (error) {
      this.undoSideEffects();
      throw error;
    }
    if (outcome.decision !== 'accept') {
      this.undoSideEffects();
      switch (outcome.decision) {
        case 'duplicate':
          return { status: 'ACCEPT', state: initial };
        case 'reject':
          return { status: 'REJECT', state: initial, reason: outcome.reason };
        case 'wait':
          return { status: 'WAIT', state: initial, reason: outcome.reason, delaySeconds: outcome.delaySeconds };
        case 'abort':
          return { status: 'ABORT', state: initial, reason: outcome.reason };
      }
    }
    const proposed = outcome.state;
    const next = advanceRunTiming(timing, initial?.type ?? null, proposed.type, now);
    const state: State = { type: proposed.type, name: proposed.name, timestamp: now, attempt: attemptOf(next.runCount) };
    if (proposed.message !== undefined) state.message = proposed.message;
    if (proposed.error !== undefined) state.error = proposed.error;
    if (proposed.scheduledTime !== undefined) state.scheduledTime = proposed.scheduledTime;
    state.transitionId = transitionId;
    if (proposed.cacheKey !== undefined) state.cacheKey = proposed.cacheKey;
    if (proposed.resultRef !== undefined) state.resultRef = proposed.resultRef;
    const stateId = Number(
      this.stmt.insertState.run(
        runId,
        kind,
        state.type,
        state.name,
        now,
        state.attempt,
        state.message ?? null,
        state.error ? JSON.stringify(state.error) : null,
        state.scheduledTime ?? null,
        transitionId,
        state.cacheKey ?? null,
        state.resultRef ?? null,
        timing.stateId,
      ).lastInsertRowid,
    );
    if (persist(state, stateId, next, proposed) === false) {
      if (this.savepointOpen) {
        this.stmt.rollbackTo.run();
        this.stmt.release.run();
        this.savepointOpen = false;
      } else {
        this.stmt.deleteState.run(stateId);
      }
      return CHANGED_ELSEWHERE;
    }
    // Within this transaction no other process can write: what was just written is the truth.
    const row: RunCurrentRow = {
      state_id: stateId,
      run_count: next.runCount,
      start_time: next.startTime,
      end_time: next.endTime,
      last_transition_id: transitionId,
      tags: sharedJson(facts.tags),
      retry_policy: sharedJson(facts.retryPolicy),
      flow_run_id: facts.flowRunId,
    };
    this.touched?.set(runId, row);
    if (kind === 'task') {
      if (isTerminal(state.type)) this.knownTaskRows.delete(runId);
      else this.knownTaskRows.set(runId, row);
    }
    if (this.savepointOpen) {
      this.stmt.release.run();
      this.savepointOpen = false;
    }
    if (isTerminal(state.type)) this.stateCache.delete(runId);
    else this.stateCache.set(runId, { stateId, state });
    return { status: 'ACCEPT', state };
  }

  /** Called by the orchestration services before they write, so a refusal can undo it. */
  private openSavepoint(): void {
    if (this.savepointOpen) return;
    this.stmt.savepoint.run();
    this.savepointOpen = true;
  }

  private undoSideEffects(): void {
    if (!this.savepointOpen) return;
    this.stmt.rollbackTo.run();
    this.stmt.release.run();
    this.savepointOpen = false;
  }

  private stateOf(kind: RunKind, runId: string, row: RunCurrentRow): State {
    const cached = this.stateCache.get(runId);
    if (cached && cached.stateId === row.state_id) return cached.state;
    return stateFromRow(this.stmt.stateById.get(row.state_id)!);
  }

  private factsOf(kind: RunKind, runId: string, row: RunCurrentRow): ImmutableFacts {
    const known = this.facts.get(runId);
    if (known) return known;
    const wide = row.tags !== undefined && row.retry_policy !== undefined ? (row as Required<RunCurrentRow>) : this.wideColumns(kind, runId);
    return {
      flowRunId: row.flow_run_id,
      tags: JSON.parse(wide.tags) as string[],
      retryPolicy: JSON.parse(wide.retry_policy) as RetryPolicy,
    };
  }

  private wideColumns(kind: RunKind, runId: string): { tags: string; retry_policy: string } {
    return (kind === 'flow' ? this.stmt.flowRunWide : this.stmt.taskRunWide).get(runId)!;
  }

  private acquireSlots(tags: readonly string[], taskRunId: string, now: number): SlotOutcome {
    const limited: string[] = [];
    for (const tag of tags) {
      const limit = this.stmt.limitFor.get(tag);
      if (!limit) continue;
      if (limit.slot_limit === 0) return { acquired: false, tag, limit: 0 };
      if (this.stmt.slotsInUse.get(tag, taskRunId)!.n >= limit.slot_limit) {
        return { acquired: false, tag, limit: limit.slot_limit };
      }
      limited.push(tag);
    }
    if (limited.length > 0) this.openSavepoint();
    for (const tag of limited) this.stmt.takeSlot.run(tag, taskRunId, now);
    return { acquired: true };
  }

  // ---- synchronous operations for commands and the server ----

  /** Applies one transition now, in its own transaction (for commands such as cancel). */
  setStateNow(request: SetState): OrchestrationResult {
    return this.writeBatch(() => this.applySetState(request));
  }

  /** Asks a run to stop: a run that has not started is Cancelled, a running one Cancelling. */
  cancelFlowRun(id: string): OrchestrationResult {
    return this.writeBatch(() => {
      const run = this.stmt.flowRunStateType.get(id);
      if (!run) throw new StoreError(`no flow run with id ${id}`, 'NOT_FOUND');
      if (isTerminal(run.state_type)) {
        return { status: 'REJECT', state: this.getFlowRun(id)!.state, reason: 'the run has already finished' };
      }
      // Its process may still be stopping: asking again must not mark it Cancelled.
      if (run.state_type === 'CANCELLING') {
        return { status: 'REJECT', state: this.getFlowRun(id)!.state, reason: 'the run is already being cancelled' };
      }
      const started = run.state_type === 'RUNNING' || run.state_type === 'PAUSED';
      return this.applySetState({
        kind: 'flow',
        runId: id,
        transitionId: newId(),
        state: started
          ? { type: 'CANCELLING', name: 'Cancelling', message: 'cancellation requested' }
          : { type: 'CANCELLED', name: 'Cancelled', message: 'cancelled before it started' },
      });
    });
  }

  /**
   * Marks Crashed every run whose owning process is gone: dead on this host, or silent for longer
   * than the heartbeat timeout. Their unfinished task runs crash with them. Returns how many flow
   * runs it marked.
   */
  sweepCrashedRuns(): number {
    const now = this.now();
    const candidates = this.db
      .prepare<[], { id: string; pid: number; hostname: string | null; heartbeat_at: number | null; created_at: number }>(
        `SELECT id, pid, hostname, heartbeat_at, created_at FROM flow_runs
         WHERE state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED') AND pid IS NOT NULL`,
      )
      .all();
    const gone = candidates.filter((run) => {
      const lastSign = run.heartbeat_at ?? run.created_at;
      if (now - lastSign > this.heartbeatTimeoutMs) return true;
      return run.hostname === this.hostname && run.pid !== process.pid && !processIsAlive(run.pid);
    });
    if (gone.length === 0) return 0;
    const activeTasks = this.db.prepare<[string], { id: string }>(
      `SELECT id FROM task_runs WHERE flow_run_id = ? AND state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')`,
    );
    let marked = 0;
    this.writeBatch(() => {
      for (const run of gone) {
        const message = 'the flow process stopped without reporting a final state';
        const state: ProposedState = { type: 'CRASHED', name: 'Crashed', message };
        const result = this.applySetState({ kind: 'flow', runId: run.id, transitionId: newId(), state });
        if (result.status !== 'ACCEPT') continue;
        marked++;
        for (const task of activeTasks.all(run.id)) {
          this.applySetState({ kind: 'task', runId: task.id, transitionId: newId(), state });
        }
      }
    });
    return marked;
  }

  getFlowRun(id: string): FlowRun | null {
    const row = this.db.prepare<[string], FlowRunRow>(`${SELECT_FLOW_RUNS} WHERE r.id = ?`).get(id);
    return row ? flowRunFromRow(row) : null;
  }

  getTaskRun(id: string): TaskRun | null {
    const row = this.db.prepare<[string], TaskRunRow>(`${SELECT_TASK_RUNS} WHERE r.id = ?`).get(id);
    return row ? taskRunFromRow(row) : null;
  }

  /** Finds a run by its id or a unique prefix of it, as people paste shortened ids. */
  resolveRunId(kind: RunKind, idOrPrefix: string): string | null {
    const table = kind === 'flow' ? 'flow_runs' : 'task_runs';
    const exact = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id = ?`).get(idOrPrefix);
    if (exact) return exact.id;
    if (idOrPrefix.length < 4) return null;
    const matches = this.db
      .prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id LIKE ? || '%' LIMIT 2`)
      .all(idOrPrefix.replace(/[%_]/g, ''));
    return matches.length === 1 ? matches[0].id : null;
  }

  /**
   * For each id, its shortest prefix of at least `minLength` characters that no other run of the
   * kind shares, so listings can show short ids that resolveRunId accepts. Time-ordered ids made
   * close together share long prefixes, so a fixed length would not tell them apart.
   */
  uniqueIdPrefixes(kind: RunKind, ids: readonly string[], minLength = 8): Map<string, string> {
    const table = kind === 'flow' ? 'flow_runs' : 'task_runs';
    const before = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id < ? ORDER BY id DESC LIMIT 1`);
    const after = this.db.prepare<[string], { id: string }>(`SELECT id FROM ${table} WHERE id > ? ORDER BY id LIMIT 1`);
    const prefixes = new Map<string, string>();
    for (const id of ids) {
      // In sorted order, the ids sharing the longest prefix with this one are its neighbours.
      let length = minLength;
      for (const other of [before.get(id)?.id, after.get(id)?.id]) {
        if (other === undefined) continue;
        let common = 0;
        while (common < id.length && id[common] === other[common]) common++;
        length = Math.max(length, common + 1);
      }
      if (id[length - 1] === '-') length++;
      prefixes.set(id, id.slice(0, length));
    }
    return prefixes;
  }

  /** With both `stateTypes` and `stateNames`, a run matching either is listed. */
  listFlowRuns(filter: FlowRunFilter & { stateNames?: readonly string[] } = {}): FlowRun[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.flowName) {
      where.push('r.flow_name = ?');
      params.push(filter.flowName);
    }
    const stateMatches: string[] = [];
    if (filter.stateTypes && filter.stateTypes.length > 0) {
      stateMatches.push(`r.state_type IN (${filter.stateTypes.map(() => '?').join(', ')})`);
      params.push(...filter.stateTypes);
    }
    if (filter.stateNames && filter.stateNames.length > 0) {
      stateMatches.push(`r.state_name IN (${filter.stateNames.map(() => '?').join(', ')})`);
      params.push(...filter.stateNames);
    }
    if (stateMatches.length > 0) where.push(`(${stateMatches.join(' OR ')})`);
    if (filter.parentFlowRunId) {
      where.push('r.parent_flow_run_id = ?');
      params.push(filter.parentFlowRunId);
    }
    const sql = `${SELECT_FLOW_RUNS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY r.created_at DESC, r.id DESC LIMIT ?`;
    params.push(filter.limit ?? 50);
    return this.db
      .prepare<unknown[], FlowRunRow>(sql)
      .all(...params)
      .map(flowRunFromRow);
  }

  listTaskRuns(flowRunId: string): TaskRun[] {
    return this.db
      .prepare<[string], TaskRunRow>(`${SELECT_TASK_RUNS} WHERE r.flow_run_id = ? ORDER BY r.created_at, r.id`)
      .all(flowRunId)
      .map(taskRunFromRow);
  }

  /** The full state history of a flow or task run, oldest first. */
  listStates(runId: string): State[] {
    return this.db
      .prepare<[string, string], StateRow>(
        `WITH RECURSIVE chain(id) AS (
           SELECT state_id FROM task_runs WHERE id = ?
           UNION ALL SELECT state_id FROM flow_runs WHERE id = ?
           UNION ALL SELECT states.previous_id FROM states JOIN chain ON states.id = chain.id
             WHERE states.previous_id IS NOT NULL)
         SELECT states.* FROM states JOIN chain ON states.id = chain.id ORDER BY states.id`,
      )
      .all(runId, runId)
      .map(stateFromRow);
  }

  listLogs(
    flowRunId: string,
    options: { afterId?: number; limit?: number; taskRunId?: string; minLevel?: number } = {},
  ): StoredLog[] {
    const where = ['flow_run_id = ?', 'id > ?'];
    const params: unknown[] = [flowRunId, options.afterId ?? 0];
    if (options.taskRunId) {
      where.push('task_run_id = ?');
      params.push(options.taskRunId);
    }
    if (options.minLevel) {
      where.push('level >= ?');
      params.push(options.minLevel);
    }
    params.push(options.limit ?? 1000);
    return this.db
      .prepare<unknown[], LogRow>(`SELECT * FROM logs WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...params)
      .map(logFromRow);
  }

  countLogs(flowRunId: string): number {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM logs WHERE flow_run_id = ?').get(flowRunId)!
      .n;
  }

  setConcurrencyLimit(tag: string, limit: number): ConcurrencyLimit {
    if (!tag.trim()) throw new StoreError('a concurrency limit needs a tag', 'INVALID');
    if (!Number.isInteger(limit) || limit < 0) {
      throw new StoreError(`the limit must be a whole number of 0 or more, got ${limit}`, 'INVALID');
    }
    this.writeBatch(() => {
      this.db
        .prepare(
          `INSERT INTO concurrency_limits (tag, slot_limit, created_at) VALUES (?, ?, ?)
           ON CONFLICT (tag) DO UPDATE SET slot_limit = excluded.slot_limit`,
        )
        .run(tag, limit, this.now());
    });
    return this.getConcurrencyLimit(tag)!;
  }

  getConcurrencyLimit(tag: string): ConcurrencyLimit | null {
    const row = this.db
      .prepare<[string], { tag: string; slot_limit: number; created_at: number }>(
        'SELECT * FROM concurrency_limits WHERE tag = ?',
      )
      .get(tag);
    if (!row) return null;
    const slots = this.db
      .prepare<[string], { task_run_id: string }>('SELECT task_run_id FROM concurrency_slots WHERE tag = ? ORDER BY acquired_at')
      .all(tag)
      .map((s) => s.task_run_id);
    return { tag: row.tag, limit: row.slot_limit, activeSlots: slots, createdAt: row.created_at };
  }

  listConcurrencyLimits(): ConcurrencyLimit[] {
    return this.db
      .prepare<[], { tag: string }>('SELECT tag FROM concurrency_limits ORDER BY tag')
      .all()
      .map((row) => this.getConcurrencyLimit(row.tag)!);
  }

  deleteConcurrencyLimit(tag: string): boolean {
    return this.writeBatch(() => {
      this.db.prepare('DELETE FROM concurrency_slots WHERE tag = ?').run(tag);
      return this.db.prepare('DELETE FROM concurrency_limits WHERE tag = ?').run(tag).changes > 0;
    });
  }

  /** Direct access for benchmarks and tests that compare against raw SQLite. */
  get database(): Database.Database {
    return this.db;
  }
}

/** A run row with its current state's columns, named st_*, from the states row it points at. */
const STATE_COLUMNS = `s.type AS st_type, s.name AS st_name, s.timestamp AS st_timestamp, s.attempt AS st_attempt,
  s.message AS st_message, s.error AS st_error, s.scheduled_time AS st_scheduled_time,
  s.transition_id AS st_transition_id, s.cache_key AS st_cache_key, s.result_ref AS st_result_ref`;
const SELECT_FLOW_RUNS = `SELECT r.*, ${STATE_COLUMNS} FROM flow_runs r JOIN states s ON s.id = r.state_id`;
const SELECT_TASK_RUNS = `SELECT r.*, ${STATE_COLUMNS} FROM task_runs r JOIN states s ON s.id = r.state_id`;

/** Thrown inside a write transaction that tried to create a task run that already exists. */
class RepeatedCreate extends Error {}

/** Marks a transition that found its run changed by another process since this store last saw it. */
const CHANGED_ELSEWHERE = Symbol('changed elsewhere');

/** Positions in an insertTaskRun row of what a transition changes. */
const TASK_ROW = { stateType: 5, stateName: 6, stateId: 7, runCount: 9, cacheKey: 11, startTime: 15, endTime: 16, lastTransitionId: 17, result: 18 } as const;

/** Applies a transition (the values an UPDATE would set) to a task run row not yet inserted. */
function setPendingTaskRowState(
  row: unknown[],
  values: readonly [string, string, number, number, number | null, number | null, string, string | null],
  cacheKey: string | null,
): void {
  const [type, name, stateId, runCount, startTime, endTime, transitionId, result] = values;
  row[TASK_ROW.stateType] = type;
  row[TASK_ROW.stateName] = name;
  row[TASK_ROW.stateId] = stateId;
  row[TASK_ROW.runCount] = runCount;
  row[TASK_ROW.startTime] = startTime;
  row[TASK_ROW.endTime] = endTime;
  row[TASK_ROW.lastTransitionId] = transitionId;
  if (result !== null) row[TASK_ROW.result] = result;
  if (cacheKey !== null) row[TASK_ROW.cacheKey] = cacheKey;
}

/** The connection settings every store (and the benchmarks' raw floor) uses. */
export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL: a commit survives the process being killed at any point.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  // Checkpoint less often than the default 1,000 pages: each one syncs the file, and a large map
  // writes tens of thousands of pages.
  db.pragma('wal_autocheckpoint = 10000');
}

function openDatabase(path: string): Database.Database {
  const folder = dirname(path);
  if (statSync(folder, { throwIfNoEntry: false })?.isFile()) {
    throw new StoreError(`${folder} is a file; FLOWDECK_HOME must be a folder (or not exist yet)`, 'CANNOT_OPEN');
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the folder ${folder}: ${(error as Error).message}`, 'CANNOT_OPEN');
  }
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StoreError(`${path} is a folder, not a Flowdeck database`, 'CANNOT_OPEN');
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StoreError(`cannot open the database ${path}: ${(error as Error).message}`, 'CANNOT_OPEN');
  }
  try {
    // Look before writing anything: someone else's database must be left exactly as it was.
    const app = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
      .get();
    const tables = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()!.n;
    if (!app && tables > 0) {
      throw new StoreError(`${path} is a SQLite database, but not one of Flowdeck's`, 'NOT_A_DATABASE');
    }
    configureConnection(db);
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    if (isSqliteError(error, 'SQLITE_NOTADB') || isSqliteError(error, 'SQLITE_CORRUPT')) {
      throw new StoreError(
        `${path} is not a Flowdeck database or is damaged (${(error as Error).message}); move it away to start afresh`,
        'NOT_A_DATABASE',
      );
    }
    const message = (error as Error).message;
    if (message.includes('schema version')) throw new StoreError(`${path}: ${message}`, 'NEWER_SCHEMA');
    throw new StoreError(`cannot open the database ${path}: ${message}`, 'CANNOT_OPEN');
  }
  return db;
}
