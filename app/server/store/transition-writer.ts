import type Database from 'better-sqlite3';
import {
  acceptedState,
  advanceRunTiming,
  CreateFlowRunSchema,
  RetryPolicySchema,
  isNotReady,
  isTerminal,
  newId,
  orchestrate,
  stateTime,
  type CreateFlowRun,
  type CreateTaskRun,
  type OrchestrationResult,
  type OrchestrationServices,
  type ProposedState,
  type RetryPolicy,
  type RunFacts,
  type RunKind,
  type SetState,
  type State,
  type StateType,
} from '../../core/index.js';
import type { ConcurrencyLimits } from './concurrency-limits.js';
import type { FlowRunPauses } from './flow-run-pauses.js';
import { stateFromRow } from './rows.js';
import { isSqliteError, isWriteFailure } from './store-error.js';
import { prepareTransitionStatements, TASK_ROW, type RunCurrentRow, type TransitionStatements } from './transition-statements.js';
import type { WriteHealth } from './write-health.js';

/** Runs `body` in one write transaction of the store. */
export type WriteBatch = <T>(body: () => T) => T;

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

interface ImmutableFacts {
  flowRunId: string;
  tags: readonly string[];
  retryPolicy: RetryPolicy;
}

/** Thrown inside a write transaction that tried to create a task run that already exists. */
class RepeatedCreate extends Error {}

/** Marks a transition that found its run changed by another process since this store last saw it. */
const CHANGED_ELSEWHERE = Symbol('changed elsewhere');

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

/** What a writer works with: the database, the clock and dice, and the store's parts a transition touches. */
export interface TransitionWriterInput {
  db: Database.Database;
  now: () => number;
  random: () => number;
  limits: ConcurrencyLimits;
  health: WriteHealth;
  pauses: FlowRunPauses;
}

/**
 * Applies transitions inside write transactions: runs the orchestration policy, records each new
 * state and writes the run rows, keeping what it wrote in memory so the next transition of the
 * same run needs no read.
 */
export class TransitionWriter {
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
  private readonly stmt: TransitionStatements;
  private readonly services: OrchestrationServices;
  /** Whether the transition being orchestrated has written anything a refusal must undo. */
  private savepointOpen = false;
  /** Made once: better-sqlite3 builds a new wrapper for every db.transaction() call. */
  private readonly batchTransaction: Database.Transaction<(body: () => unknown) => unknown>;

  private readonly now: () => number;
  private readonly random: () => number;
  private readonly health: WriteHealth;
  private readonly pauses: FlowRunPauses;

  constructor({ db, now, random, limits, health, pauses }: TransitionWriterInput) {
    this.now = now;
    this.random = random;
    this.health = health;
    this.pauses = pauses;
    this.batchTransaction = db.transaction((body: () => unknown) => body());
    this.stmt = prepareTransitionStatements(db);
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
        const cached = this.batchFlowStates?.get(flowRunId);
        if (cached !== undefined) return cached;
        const type = this.stmt.flowRunStateType.get(flowRunId)?.state_type ?? null;
        this.batchFlowStates?.set(flowRunId, type);
        return type;
      },
    };
  }

  /**
   * One write transaction; retried when another process holds the lock past the busy timeout.
   * When the database cannot be written (a full disk) nothing of it is kept, and it throws a
   * StoreError CANNOT_WRITE that says so.
   */
  writeBatch<T>(body: () => T): T {
    try {
      for (let attempt = 0; ; attempt++) {
        this.touched = new Map();
        this.pendingTaskRows = new Map();
        this.batchFlowStates = new Map();
        // Only a transaction that wrote something shows that writes work again.
        const changesBefore = this.health.failing ? this.stmt.totalChanges.get()! : -1;
        try {
          const result = this.batchTransaction.immediate(() => {
            const result = body();
            for (const row of this.pendingTaskRows!.values()) {
              if (this.stmt.insertTaskRun.run(...row).changes === 0) throw new RepeatedCreate();
            }
            return result;
          }) as T;
          if (changesBefore >= 0 && this.stmt.totalChanges.get()! > changesBefore) this.health.succeeded();
          return result;
        } catch (error) {
          // What was remembered from the rolled-back transaction may name rows that do not exist.
          this.forgetCaches();
          if (error instanceof RepeatedCreate && !this.verifyCreates) {
            // A create of a run that already exists (a client resending): do the batch again,
            // this time looking each new id up first. Nothing of the first try was kept.
            this.verifyCreates = true;
            continue;
          }
          if (isWriteFailure(error)) throw this.health.failed(error);
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
  forgetCaches(): void {
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

  private flowIdFor(name: string, now: number): string {
    let id = this.flowIds.get(name);
    if (id) return id;
    this.stmt.insertFlow.run(newId(), name, now);
    id = this.stmt.flowIdByName.get(name)!.id;
    this.flowIds.set(name, id);
    return id;
  }

  applyCreateFlowRun(raw: CreateFlowRun): OrchestrationResult {
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

  applyCreateTaskRun(raw: CreateTaskRun): OrchestrationResult {
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

  applySetState(request: SetState, mustRead = false): OrchestrationResult {
    const current = this.currentRow(request.kind, request.runId, mustRead);
    if (!current) {
      return { status: 'ABORT', state: null, reason: `no ${request.kind} run with id ${request.runId}` };
    }
    if (request.replay && current.last_transition_id !== request.transitionId) {
      // Sent again by a client that never heard the answer: if it was applied, the answer is the
      // state it made then, and nothing is applied twice.
      const earlier = this.stmt.stateInHistory.get(current.state_id, request.transitionId);
      if (earlier) return { status: 'ACCEPT', state: stateFromRow(earlier) };
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
    if (request.kind === 'flow' && result.status === 'ACCEPT' && result.state && isTerminal(result.state.type) && !isTerminal(initial.type)) {
      this.closeUnfinishedTaskRuns(request.runId, result.state);
    }
    // What the pause waits for is kept with the Paused state it came with, in the same write.
    if (request.state.pause && result.status === 'ACCEPT' && result.state?.type === 'PAUSED' && result.state.transitionId === request.transitionId) {
      this.pauses.record(request.runId, request.transitionId, request.state.pause, result.state.timestamp);
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
    const ids = new Set(this.stmt.unfinishedTaskRuns.all(flowRunId).map((row) => row.id));
    for (const [id, row] of this.pendingTaskRows ?? []) {
      const type = row[TASK_ROW.stateType] as StateType;
      if (row[1] === flowRunId && !isTerminal(type) && !isNotReady({ type, name: row[TASK_ROW.stateName] as string })) ids.add(id);
    }
    if (ids.size === 0) return;
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
    for (const id of ids) this.applySetState({ kind: 'task', runId: id, transitionId: newId(), state }, true);
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
    const at = stateTime(proposed, initial, now);
    const next = advanceRunTiming(timing, initial?.type ?? null, proposed.type, at);
    const state = acceptedState(proposed, at, next.runCount, transitionId);
    const stateId = Number(
      this.stmt.insertState.run(
        runId,
        kind,
        state.type,
        state.name,
        at,
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
}
