import type Database from 'better-sqlite3';
import type {
  CreateFlowRun,
  CreateTaskRun,
  OrchestrationResult,
  OrchestrationServices,
  PolicyOutcome,
  BreakpointRequest,
  DebugRunInfo,
  ProposedState,
  RetryPolicy,
  RunFacts,
  RunKind,
  SetState,
  State,
} from '../../core/index.js';
import type { TransitionContext } from '../../core/orchestration/types.js';
import { newId } from '../../core/ids.js';
import { acceptedState, advanceRunTiming, stateTime } from '../../core/orchestration/bookkeeping.js';
import { orchestrate, runAfterHooks } from '../../core/orchestration/policy.js';
import { createFlowRunWithDefaults, retryPolicyWithDefaults, type CreateFlowRunRequest } from '../../core/run-defaults.js';
import { isNotReady, isTerminal } from '../../core/state-model.js';
import type { ConcurrencyLimits } from './concurrency-limits.js';
import type { FlowRunPauses } from './flow-run-pauses.js';
import { stateFromRow } from './rows.js';
import { isSqliteError, isWriteFailure } from './store-error.js';
import { sharedJson, TransitionCaches, type RunMemory } from './transition-caches.js';
import {
  FLOW_RUN_INSERT,
  FLOW_RUN_STATE_UPDATE,
  prepareTransitionStatements,
  STATE_INSERT,
  TASK_RUN_INSERT,
  TASK_RUN_STATE_UPDATE,
  type RunCurrentRow,
  type StateInsert,
  type TaskRunInsert,
  type TaskRunStateUpdate,
  type TransitionStatements,
} from './transition-statements.js';
import type { WriteHealth } from './write-health.js';

/** Runs `body` in one write transaction of the store. */
export type WriteBatch = <T>(body: () => T) => T;

/** Thrown inside a write transaction that tried to create a task run that already exists. */
class RepeatedCreate extends Error {}

/** Marks a transition that found its run changed by another process since this store last saw it. */
const CHANGED_ELSEWHERE = Symbol('changed elsewhere');

/** A run's bookkeeping before a transition, as its row holds it. */
interface RunTimingRow {
  runCount: number;
  startTime: number | null;
  endTime: number | null;
  stateId: number | null;
}

/**
 * An accepted transition's new values for its run's row: what the UPDATE sets, and what the
 * writer remembers of the row for the run's next transition. One object for both.
 */
type AcceptedRow = TaskRunStateUpdate & RunCurrentRow;

/** A task run's creation with its defaults filled in. */
type TaskRunRequest = CreateTaskRun & {
  tags: string[];
  cacheKey: string | null;
  inputs: string | null;
  upstream: string[];
  retryPolicy: RetryPolicy;
};

/**
 * One transition to orchestrate and, when it is accepted, record: what the rules see of it (it is
 * handed to them as it is), its run's bookkeeping before it, and the request whose row write (see
 * persist) follows an accepted one.
 */
type TransitionInput = TransitionContext &
  RunTimingRow & {
    /** Accept without asking the policy. */
    force: boolean;
  } & (
    | { write: 'createFlowRun'; request: CreateFlowRunRequest }
    | { write: 'createTaskRun'; request: TaskRunRequest }
    | {
        write: 'setState';
        request: SetState;
        /** Started from the row this store last wrote, not from one read or written in this transaction. */
        unread: boolean;
      }
  );

/** Sets an accepted transition on a task run row not yet inserted, as the UPDATE would. */
function updatePendingTaskRow(row: TaskRunInsert, update: TaskRunStateUpdate): void {
  row.state_type = update.state_type;
  row.state_name = update.state_name;
  row.state_id = update.state_id;
  row.run_count = update.run_count;
  row.start_time = update.start_time;
  row.end_time = update.end_time;
  row.last_transition_id = update.last_transition_id;
  if (update.result !== null) row.result = update.result;
  if (update.cache_key !== null) row.cache_key = update.cache_key;
}

/** What a writer works with: the database, the clock and dice, and the store's parts a transition touches. */
export interface TransitionWriterInput {
  db: Database.Database;
  now: () => number;
  random: () => number;
  limits: ConcurrencyLimits;
  health: WriteHealth;
  pauses: FlowRunPauses;
  /** Keeps where a task run stopped, inside the write of its Breakpoint state (see TaskRunBreakpoints.record). */
  recordBreakpoint: (
    taskRunId: string,
    breakpointId: string,
    flowRunId: string,
    request: BreakpointRequest,
    state: ProposedState,
    at: number,
  ) => void;
  /** Keeps what a debug run was started with, inside the write that creates it. */
  recordDebugRun: (flowRunId: string, debug: DebugRunInfo) => void;
}

/**
 * Applies transitions inside write transactions: runs the orchestration policy, records each new
 * state and writes the run rows, keeping what it wrote in memory (see TransitionCaches) so the
 * next transition of the same run needs no read.
 */
export class TransitionWriter {
  private readonly caches = new TransitionCaches();
  /** Set while a batch is redone because it created a run that already existed. */
  private verifyCreates = false;
  private readonly db: Database.Database;
  private statements: TransitionStatements | null = null;
  private readonly services: OrchestrationServices;
  /** Whether the transition being orchestrated has written anything a refusal must undo. */
  private savepointOpen = false;
  /**
   * The states row of the transition being recorded. Filled and bound within one synchronous
   * call (see orchestrateInto) and read by no one after it, so one object serves every transition.
   */
  private readonly stateRow: StateInsert = {
    run_id: '',
    run_kind: '',
    type: 'PENDING',
    name: '',
    timestamp: 0,
    attempt: 0,
    message: null,
    error: null,
    scheduled_time: null,
    transition_id: '',
    cache_key: null,
    result_ref: null,
    previous_id: null,
  };
  /** Made once: better-sqlite3 builds a new wrapper for every db.transaction() call. */
  private readonly batchTransaction: Database.Transaction<(body: () => unknown) => unknown>;

  private readonly now: () => number;
  private readonly random: () => number;
  private readonly health: WriteHealth;
  private readonly pauses: FlowRunPauses;
  private readonly recordBreakpoint: TransitionWriterInput['recordBreakpoint'];
  private readonly recordDebugRun: TransitionWriterInput['recordDebugRun'];

  constructor({ db, now, random, limits, health, pauses, recordBreakpoint, recordDebugRun }: TransitionWriterInput) {
    this.recordBreakpoint = recordBreakpoint;
    this.recordDebugRun = recordDebugRun;
    this.now = now;
    this.random = random;
    this.health = health;
    this.pauses = pauses;
    this.db = db;
    this.batchTransaction = db.transaction((body: () => unknown) => body());
    this.services = {
      acquireConcurrencySlots: (tags, taskRunId, now) => limits.acquireSlots(tags, taskRunId, now, this),
      releaseConcurrencySlots: (taskRunId) => limits.releaseSlots(taskRunId, this),
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
        const flowStates = this.caches.batch?.flowStates;
        const cached = flowStates?.get(flowRunId);
        if (cached !== undefined) return cached;
        const type = this.stmt.flowRunStateType.get(flowRunId)?.state_type ?? null;
        flowStates?.set(flowRunId, type);
        return type;
      },
    };
  }

  /** Prepared on first use: a store opened only to read (a listing) never writes. */
  private get stmt(): TransitionStatements {
    return (this.statements ??= prepareTransitionStatements(this.db));
  }

  /**
   * One write transaction; retried when another process holds the lock past the busy timeout.
   * When the database cannot be written (a full disk) nothing of it is kept, and it throws a
   * StoreError CANNOT_WRITE that says so.
   */
  writeBatch<T>(body: () => T): T {
    try {
      for (let attempt = 0; ; attempt++) {
        const batch = this.caches.openBatch();
        // Only a transaction that wrote something shows that writes work again.
        const changesBefore = this.health.failing ? this.stmt.totalChanges.get()! : -1;
        try {
          const result = this.batchTransaction.immediate(() => {
            const result = body();
            for (const row of batch.pendingTaskRows.values()) {
              if (TASK_RUN_INSERT.run(this.stmt.insertTaskRun, row).changes === 0) throw new RepeatedCreate();
            }
            return result;
          }) as T;
          if (changesBefore >= 0 && this.stmt.totalChanges.get()! > changesBefore) this.health.succeeded();
          return result;
        } catch (error) {
          // What was remembered from the rolled-back transaction may name rows that do not exist.
          this.caches.forget();
          if (error instanceof RepeatedCreate && !this.verifyCreates) {
            // A create of a run that already exists (a client resending): do the batch again,
            // this time looking each new id up first. Nothing of the first try was kept.
            this.verifyCreates = true;
            continue;
          }
          if (isWriteFailure(error)) throw this.health.failed(error);
          if (!isSqliteError(error, 'SQLITE_BUSY') || attempt >= 5) throw error;
        } finally {
          this.caches.closeBatch();
        }
      }
    } finally {
      this.verifyCreates = false;
    }
  }

  /** After a rolled-back transaction, what was remembered from it may name rows that do not exist. */
  forgetCaches(): void {
    this.caches.forget();
  }

  /** The run's current row: from this transaction's own writes when it made any, else read. */
  private currentRow(kind: RunKind, runId: string, mustRead = false): RunCurrentRow | undefined {
    const mine = this.caches.batch?.touched.get(runId);
    if (mine) return mine;
    if (kind === 'task' && !mustRead) {
      const known = this.caches.knownTaskRow(runId);
      if (known) return known;
    }
    return this.readRow(kind, runId);
  }

  private readRow(kind: RunKind, runId: string): RunCurrentRow | undefined {
    return kind === 'flow' ? this.stmt.flowRunCurrent.get(runId) : this.stmt.taskRunCurrent.get(runId);
  }

  private flowIdFor(name: string, now: number): string {
    let id = this.caches.flowIds.get(name);
    if (id) return id;
    this.stmt.insertFlow.run(newId(), name, now);
    id = this.stmt.flowIdByName.get(name)!.id;
    this.caches.flowIds.set(name, id);
    return id;
  }

  applyCreateFlowRun(raw: CreateFlowRun): OrchestrationResult {
    const request = createFlowRunWithDefaults(raw);
    const existing = this.currentRow('flow', request.id);
    if (existing) return { status: 'ACCEPT', state: this.stateOf('flow', request.id, existing) };
    const run: RunFacts = {
      kind: 'flow',
      id: request.id,
      flowRunId: request.id,
      tags: request.tags,
      retryPolicy: request.retryPolicy,
      runCount: 0,
      lastTransitionId: null,
    };
    const now = this.now();
    const result = <OrchestrationResult>this.orchestrateInto({
      run,
      initial: null,
      // A new run: never started, no state yet.
      runCount: 0,
      startTime: null,
      endTime: null,
      stateId: null,
      proposed: request.state,
      transitionId: request.transitionId,
      now,
      random: this.random,
      services: this.services,
      force: false,
      write: 'createFlowRun',
      request,
    });
    if (request.debug && result.status === 'ACCEPT') this.recordDebugRun(request.id, request.debug);
    return result;
  }

  applyCreateTaskRun(raw: CreateTaskRun): OrchestrationResult {
    // Task runs come by the thousand from an engine whose types already hold; only defaults are filled.
    const request = raw as TaskRunRequest;
    request.tags ??= [];
    request.cacheKey ??= null;
    request.inputs ??= null;
    request.upstream ??= [];
    if (raw.retryPolicy.retries === undefined || raw.retryPolicy.retryDelaySeconds === undefined) {
      request.retryPolicy = retryPolicyWithDefaults(raw.retryPolicy);
    }
    // New ids are normally new: a repeat is caught when the row is written (see writeBatch).
    const exists =
      this.caches.batch?.touched.has(request.id) ||
      this.caches.memoryOf(request.id) !== undefined ||
      (this.verifyCreates && this.stmt.taskRunExists.get(request.id) !== undefined);
    if (exists) {
      const existing = this.currentRow('task', request.id, true)!;
      return { status: 'ACCEPT', state: this.stateOf('task', request.id, existing) };
    }
    const run: RunFacts = {
      kind: 'task',
      id: request.id,
      flowRunId: request.flowRunId,
      tags: request.tags,
      retryPolicy: request.retryPolicy,
      runCount: 0,
      lastTransitionId: null,
    };
    const now = this.now();
    return <OrchestrationResult>this.orchestrateInto({
      run,
      initial: null,
      // A new run: never started, no state yet.
      runCount: 0,
      startTime: null,
      endTime: null,
      stateId: null,
      proposed: request.state,
      transitionId: request.transitionId,
      now,
      random: this.random,
      services: this.services,
      force: false,
      write: 'createTaskRun',
      request,
    });
  }

  applySetState(request: SetState, mustRead = false): OrchestrationResult {
    const batch = this.caches.batch;
    const mine = batch?.touched.get(request.runId);
    const memory = this.caches.memoryOf(request.runId);
    const known = request.kind === 'task' && !mustRead ? (memory?.taskRow ?? undefined) : undefined;
    const current = mine ?? known ?? this.readRow(request.kind, request.runId);
    if (!current) {
      return { status: 'ABORT', state: null, reason: `no ${request.kind} run with id ${request.runId}`, code: 'RUN_NOT_FOUND' };
    }
    if (request.replay && current.last_transition_id !== request.transitionId) {
      // Sent again by a client that never heard the answer: if it was applied, the answer is the
      // state it made then, and nothing is applied twice.
      const earlier = this.stmt.stateInHistory.get(current.state_id, request.transitionId);
      if (earlier) return { status: 'ACCEPT', state: stateFromRow(earlier) };
    }
    const initial = this.stateOf(request.kind, request.runId, current, memory);
    const run = memory?.run ?? this.runFromRow(request.kind, request.runId, current);
    // A remembered run's facts are brought up to date with the row this transition starts from.
    run.runCount = current.run_count;
    run.lastTransitionId = current.last_transition_id;
    const result = this.orchestrateInto({
      run,
      initial,
      runCount: current.run_count,
      startTime: current.start_time,
      endTime: current.end_time,
      stateId: current.state_id,
      proposed: request.state,
      transitionId: request.transitionId,
      now: this.now(),
      random: this.random,
      services: this.services,
      force: request.force === true,
      write: 'setState',
      request,
      unread: mine === undefined && known !== undefined && current === known,
    });
    if (result === CHANGED_ELSEWHERE) {
      // Someone else moved the run since this store last wrote it: start over from the stored row.
      this.caches.forgetTaskRow(request.runId);
      return this.applySetState(request, true);
    }
    if (request.kind === 'flow' && result.status === 'ACCEPT' && result.state && isTerminal(result.state.type) && !isTerminal(initial.type)) {
      this.closeUnfinishedTaskRuns(request.runId, result.state);
    }
    // What the pause waits for is kept with the Paused state it came with, in the same write.
    if (request.state.pause && result.status === 'ACCEPT' && result.state?.type === 'PAUSED' && result.state.transitionId === request.transitionId) {
      this.pauses.record(request.runId, request.transitionId, request.state.pause, result.state.timestamp);
    }
    const stoppedWith = request.state.breakpoint;
    if (stoppedWith && result.status === 'ACCEPT' && result.state?.type === 'PAUSED' && result.state.transitionId === request.transitionId) {
      this.recordBreakpoint(request.runId, request.transitionId, run.flowRunId, stoppedWith, request.state, result.state.timestamp);
    }
    return result;
  }

  /**
   * A flow run that has ended has no task run still going: any whose final state never reached
   * the store (its process could not write it, or stopped first) ends with the flow run, in the
   * same transaction, so no task run is ever left Running under a finished flow run. A NotReady
   * task run stays as it is: it never ran, and says why.
   */
  private closeUnfinishedTaskRuns(flowRunId: string, flowState: State): void {
    const state: ProposedState =
      flowState.type === 'CANCELLED'
        ? { type: 'CANCELLED', name: 'Cancelled', message: flowState.message ?? 'its flow run was cancelled' }
        : {
            type: 'CRASHED',
            name: 'Crashed',
            message:
              flowState.type === 'CRASHED' && flowState.message
                ? flowState.message
                : `its flow run ended ${flowState.name} before this task run's final state was recorded`,
          };
    this.endUnfinishedTaskRuns(flowRunId, state);
  }

  /**
   * Moves every task run of the flow run that has not ended (a NotReady one aside) to `state`,
   * inside the current write transaction: when the flow run ends, or when its attempt is given up
   * and the run handed back to be started anew.
   */
  endUnfinishedTaskRuns(flowRunId: string, state: ProposedState): void {
    const ids = new Set(this.stmt.unfinishedTaskRuns.all(flowRunId).map((row) => row.id));
    for (const [id, row] of this.caches.batch?.pendingTaskRows ?? []) {
      const type = row.state_type;
      if (row.flow_run_id === flowRunId && !isTerminal(type) && !isNotReady({ type, name: row.state_name })) ids.add(id);
    }
    for (const id of ids) this.applySetState({ kind: 'task', runId: id, transitionId: newId(), state }, true);
  }

  /**
   * Runs the policy for one transition and, when it is accepted, records the new state, lets
   * `persist` write the run row and then runs the rules' side effects (their `after` hooks). What
   * a rule wrote while deciding is undone when the answer is not ACCEPT.
   */
  private orchestrateInto(input: TransitionInput): OrchestrationResult | typeof CHANGED_ELSEWHERE {
    const { run, initial, transitionId, now } = input;
    const { kind, id: runId } = run;
    // The savepoint is opened only when a rule writes (see openSavepoint): most transitions
    // write nothing before they are accepted, and an open savepoint makes SQLite journal every
    // page the transition then touches.
    this.savepointOpen = false;
    let outcome: PolicyOutcome;
    try {
      // A forced transition is not the rules' to judge, nor to follow up.
      outcome = input.force ? { decision: 'accept', state: input.proposed, appliedRules: [], afterHooks: [] } : orchestrate(input);
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
          return { status: 'REJECT', state: initial, reason: outcome.reason, code: outcome.code };
        case 'wait':
          return { status: 'WAIT', state: initial, reason: outcome.reason, delaySeconds: outcome.delaySeconds };
        case 'abort':
          return { status: 'ABORT', state: initial, reason: outcome.reason, code: outcome.code };
      }
    }
    const proposed = outcome.state;
    const at = stateTime(proposed, initial, now);
    const next = advanceRunTiming(input, initial?.type ?? null, proposed.type, at);
    const state = acceptedState(proposed, at, next.runCount, transitionId);
    const stateRow = this.stateRow;
    stateRow.run_id = runId;
    stateRow.run_kind = kind;
    stateRow.type = state.type;
    stateRow.name = state.name;
    stateRow.timestamp = at;
    stateRow.attempt = state.attempt;
    stateRow.message = state.message ?? null;
    stateRow.error = state.error ? JSON.stringify(state.error) : null;
    stateRow.scheduled_time = state.scheduledTime ?? null;
    stateRow.transition_id = transitionId;
    stateRow.cache_key = state.cacheKey ?? null;
    stateRow.result_ref = state.resultRef ?? null;
    stateRow.previous_id = input.stateId;
    const stateId = Number(STATE_INSERT.run(this.stmt.insertState, stateRow).lastInsertRowid);
    const row: AcceptedRow = {
      state_type: state.type,
      state_name: state.name,
      state_id: stateId,
      run_count: next.runCount,
      start_time: next.startTime,
      end_time: next.endTime,
      last_transition_id: transitionId,
      result: proposed.resultPreview ?? null,
      // The cache key is known only once the inputs are resolved, after the task run was created.
      cache_key: proposed.cacheKey ?? null,
      flow_run_id: run.flowRunId,
    };
    if (!this.persist(input, row, state)) {
      if (this.savepointOpen) {
        this.stmt.rollbackTo.run();
        this.stmt.release.run();
        this.savepointOpen = false;
      } else {
        this.stmt.deleteState.run(stateId);
      }
      return CHANGED_ELSEWHERE;
    }
    try {
      runAfterHooks(outcome, state);
    } catch (error) {
      // The transition is written and its side effects are not: keep neither. The whole write
      // transaction goes, as when the file cannot be written, so no half-done transition is kept.
      this.savepointOpen = false;
      this.stmt.rollback.run();
      throw error;
    }
    this.caches.accepted(kind, runId, row, state);
    if (this.savepointOpen) {
      this.stmt.release.run();
      this.savepointOpen = false;
    }
    return { status: 'ACCEPT', state };
  }

  /**
   * Writes the run's row for an accepted transition, as its request asks. Returns false when it
   * found the row changed by another process.
   */
  private persist(input: TransitionInput, row: AcceptedRow, state: State): boolean {
    switch (input.write) {
      case 'createFlowRun':
        this.insertFlowRun(input.request, row, input.now);
        break;
      case 'createTaskRun':
        this.addTaskRun(input.request, row, input.now);
        break;
      case 'setState':
        return this.updateRunRow(input.request, row, state, input.unread, input.stateId!, input.now);
    }
    this.caches.created(input.run.id, input.run);
    return true;
  }

  private insertFlowRun(request: CreateFlowRunRequest, row: AcceptedRow, now: number): void {
    FLOW_RUN_INSERT.run(this.stmt.insertFlowRun, {
      id: request.id,
      flow_id: this.flowIdFor(request.flowName, now),
      flow_name: request.flowName,
      name: request.name,
      state_type: row.state_type,
      state_name: row.state_name,
      state_id: row.state_id,
      parameters: JSON.stringify(request.parameters),
      tags: JSON.stringify(request.tags),
      parent_flow_run_id: request.parentFlowRunId,
      parent_task_run_id: request.parentTaskRunId,
      entrypoint: request.entrypoint,
      run_count: row.run_count,
      retry_policy: JSON.stringify(request.retryPolicy),
      created_at: now,
      start_time: row.start_time,
      end_time: row.end_time,
      heartbeat_at: now,
      pid: request.pid,
      hostname: request.hostname,
      last_transition_id: request.transitionId,
      rerun_of: request.rerunOf?.flowRunId ?? null,
      rerun_from: request.rerunOf?.taskRunId ?? null,
      code_ref: request.codeRef ?? null,
    });
  }

  /** Written when the transaction closes, so a Running (or more) in the same batch costs no UPDATE. */
  private addTaskRun(request: TaskRunRequest, row: AcceptedRow, now: number): void {
    this.caches.batch!.pendingTaskRows.set(request.id, {
      id: request.id,
      flow_run_id: request.flowRunId,
      task_key: request.taskKey,
      name: request.name,
      dynamic_key: request.dynamicKey,
      state_type: row.state_type,
      state_name: row.state_name,
      state_id: row.state_id,
      tags: sharedJson(request.tags),
      run_count: row.run_count,
      retry_policy: sharedJson(request.retryPolicy),
      cache_key: request.cacheKey,
      inputs: request.inputs,
      upstream: request.upstream.length === 0 ? '[]' : JSON.stringify(request.upstream),
      created_at: now,
      start_time: row.start_time,
      end_time: row.end_time,
      last_transition_id: request.transitionId,
      result: row.result,
      flow_run_attempt: request.flowRunAttempt ?? 1,
      reused_from: request.state.reusedFrom ?? null,
    });
  }

  /**
   * Sets an accepted transition on an existing run's row. A task row this store last wrote
   * (`unread`) is written only if it is still at `stateIdBefore`: false when it was not.
   */
  private updateRunRow(request: SetState, update: AcceptedRow, state: State, unread: boolean, stateIdBefore: number, now: number): boolean {
    // Only an accepted transition hands the run to a new process.
    if (request.owner && request.kind === 'flow') {
      this.stmt.claimFlowRun.run(request.owner.pid, request.owner.hostname, now, request.runId);
    }
    const batch = this.caches.batch;
    const unwritten = request.kind === 'task' ? batch?.pendingTaskRows.get(request.runId) : undefined;
    if (unwritten) {
      updatePendingTaskRow(unwritten, update);
    } else if (request.kind === 'flow') {
      FLOW_RUN_STATE_UPDATE.runWhere(this.stmt.updateFlowRunState, update, request.runId);
      batch?.flowStates.set(request.runId, state.type);
    } else if (unread) {
      const changes = TASK_RUN_STATE_UPDATE.runWhere2(this.stmt.updateTaskRunStateIfUnchanged, update, request.runId, stateIdBefore).changes;
      if (changes === 0) return false;
    } else TASK_RUN_STATE_UPDATE.runWhere(this.stmt.updateTaskRunState, update, request.runId);
    return true;
  }

  /** Called by the orchestration services before they write, so a refusal can undo it. */
  openSavepoint(): void {
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

  private stateOf(kind: RunKind, runId: string, row: RunCurrentRow, memory?: RunMemory): State {
    return this.caches.stateOf(runId, row.state_id, memory) ?? stateFromRow(this.stmt.stateById.get(row.state_id)!);
  }

  /** The facts of a run this store does not remember creating. */
  private runFromRow(kind: RunKind, runId: string, row: RunCurrentRow): RunFacts {
    // A task run created in this transaction has its row still waiting to be inserted.
    const wide =
      row.tags !== undefined && row.retry_policy !== undefined
        ? (row as Required<RunCurrentRow>)
        : ((kind === 'task' ? this.caches.batch?.pendingTaskRows.get(runId) : undefined) ?? this.wideColumns(kind, runId));
    return {
      kind,
      id: runId,
      flowRunId: row.flow_run_id,
      tags: JSON.parse(wide.tags) as string[],
      retryPolicy: JSON.parse(wide.retry_policy) as RetryPolicy,
      runCount: row.run_count,
      lastTransitionId: row.last_transition_id,
    };
  }

  private wideColumns(kind: RunKind, runId: string): { tags: string; retry_policy: string } {
    return (kind === 'flow' ? this.stmt.flowRunWide : this.stmt.taskRunWide).get(runId)!;
  }
}
