import { hostname as osHostname } from 'node:os';
import type Database from 'better-sqlite3';
import type {
  BreakpointAnswer,
  ConcurrencyLimit,
  CreateFlowRun,
  CreateTaskRun,
  FlowRun,
  LogLine,
  OrchestrationResult,
  RecordedRuns,
  ResumeInput,
  SetState,
  StateType,
  TaskRun,
} from '../../core/index.js';
import { newId } from '../../core/ids.js';
import { ConcurrencyLimits } from './concurrency-limits.js';
import { sweepCrashedRuns } from './crash-sweep.js';
import { DashboardQuery } from './dashboard-query.js';
import type { Dashboard } from '../../core/api/dashboard.js';
import { FlowRunPauses } from './flow-run-pauses.js';
import { FlowRunResumes, type ResumeOutcome, type ResumeRecord } from './flow-run-resumes.js';
import { GroupCommit, type OperationOutcome, type StoreOperation } from './group-commit.js';
import { openDatabase } from './open-database.js';
import { RunReads } from './run-reads.js';
import { SqliteArtifacts } from './sqlite-artifacts.js';
import { SqliteAutomations } from './sqlite-automations.js';
import { SqliteBlocks } from './sqlite-blocks.js';
import { SqliteDeployments } from './sqlite-deployments.js';
import { StoreChangeSignal } from './store-change-signal.js';
import { RecordedRunsQuery } from './recorded-runs.js';
import {
  TaskRunBreakpoints,
  type BreakAllOutcome,
  type BreakpointCommand,
  type BreakpointOutcome,
  type ContinueFlowRunOutcome,
} from './task-run-breakpoints.js';
import { diskProblem, isDiskFull, StoreError } from './store-error.js';
import { TransitionWriter } from './transition-writer.js';
import { VariableRecords } from './variable-records.js';
import { WriteHealth, type WriteHealthChange, type WriteProblem } from './write-health.js';

export interface SqliteStoreOptions {
  /** The database file; created with its folder when missing. */
  path: string;
  now?: () => number;
  random?: () => number;
  /** Owned runs whose process has been silent this long are Crashed. */
  heartbeatTimeoutSeconds?: number;
  /** Mark crashed runs when the store opens (default true). */
  sweepOnOpen?: boolean;
  /**
   * Count a run's silence from no earlier than the store's opening. A server sets it: runs that
   * report to it could not beat while it was down, and deserve a full timeout to reach it again.
   */
  silenceFromOpen?: boolean;
  /** Told of every group commit: how many transitions and log lines it held. */
  onCommit?: (batch: { operations: number; logLines: number }) => void;
  /**
   * Told, once, of what opening had to leave undone but did not stop it: the disk is full, so
   * runs whose process died could not be marked Crashed. Ignored when left out.
   */
  onWarning?: (message: string) => void;
}

/** One sentence on a database opened though it cannot be written: what that left undone, and what to do. */
function openWarning(path: string, alone: unknown, unswept: StoreError | null): string {
  const cause = unswept?.cause ?? alone;
  const undone = unswept ? '; runs whose process died could not be marked Crashed' : '';
  const todo = isDiskFull(cause) ? 'free some space on that disk before running flows' : 'check the disk and the file before running flows';
  return `the database ${path} cannot be written: ${diskProblem(cause)}${undone}. Reading works; ${todo}`;
}

/**
 * The local run store: SQLite in WAL mode. Transitions proposed in the same tick are committed
 * in one transaction (group commit), and each caller hears back only once it is durable. Its
 * reads and commands answer at once; SqliteRunStore holds it as a RunStore.
 */
export class SqliteStore extends RunReads {
  readonly target: string;
  readonly path: string;
  private readonly now: () => number;
  private readonly heartbeatTimeoutMs: number;
  private readonly silentSince: number;
  private readonly hostname = osHostname();
  private readonly limits: ConcurrencyLimits;
  private readonly writer: TransitionWriter;
  private readonly commits: GroupCommit;
  private readonly resumes: FlowRunResumes;
  private readonly pauses: FlowRunPauses;
  private readonly breakpoints: TaskRunBreakpoints;
  private readonly changes: StoreChangeSignal;
  private readonly dashboardQuery: DashboardQuery;
  private readonly recorded: RecordedRunsQuery;
  private readonly health: WriteHealth;
  /** Deployments, work pools, workers and claims. */
  readonly deployments: SqliteDeployments;
  /** What runs produce for people to read. */
  readonly artifacts: SqliteArtifacts;
  /** Shared JSON values by name. */
  readonly variables: VariableRecords;
  /** Blocks, their secret fields sealed. */
  readonly blocks: SqliteBlocks;
  /** Automations, their firings and the outbox of their actions. */
  readonly automations: SqliteAutomations;

  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(options);
  }

  private constructor(options: SqliteStoreOptions) {
    let alone: unknown = null;
    super(openDatabase(options.path, (cause) => (alone = cause)));
    this.path = options.path;
    this.target = `local database ${options.path}`;
    this.now = options.now ?? Date.now;
    this.heartbeatTimeoutMs = (options.heartbeatTimeoutSeconds ?? 30) * 1000;
    this.silentSince = options.silenceFromOpen ? this.now() : 0;
    const db = this.db;
    this.health = new WriteHealth(options.path, this.now);
    this.limits = new ConcurrencyLimits(db, this.now, (body) => this.writer.writeBatch(body));
    this.pauses = new FlowRunPauses(db);
    this.writer = new TransitionWriter({
      db,
      now: this.now,
      random: options.random ?? Math.random,
      limits: this.limits,
      health: this.health,
      pauses: this.pauses,
      recordBreakpoint: (...args) => this.breakpoints.record(...args),
      recordDebugRun: (flowRunId, debug) => this.breakpoints.recordDebugRun(flowRunId, debug),
    });
    this.commits = new GroupCommit(db, this.writer, this.now, options.onCommit ?? null);
    this.resumes = new FlowRunResumes(db, this.writer, this.now, (id) => this.getFlowRun(id));
    this.breakpoints = new TaskRunBreakpoints(
      db,
      this.writer,
      this.now,
      (id) => this.getTaskRun(id),
      (id) => this.flowRunStateType(id),
    );
    this.changes = new StoreChangeSignal(`${options.path}-wal`);
    this.dashboardQuery = new DashboardQuery(db, (id) => this.getFlowRun(id));
    this.recorded = new RecordedRunsQuery(db);
    this.deployments = new SqliteDeployments(db, this.now, this.writer, this.changes, (id) => this.getFlowRun(id));
    this.artifacts = new SqliteArtifacts(
      db,
      this.now,
      (body) => this.writer.writeBatch(body),
      (id) => this.hasFlowRun(id),
    );
    this.variables = new VariableRecords(db, this.now, (body) => this.writer.writeBatch(body));
    this.blocks = new SqliteBlocks(db, this.now, (body) => this.writer.writeBatch(body));
    this.automations = new SqliteAutomations(db, this.now, (body) => this.writer.writeBatch(body));
    const unswept = options.sweepOnOpen !== false ? this.sweepOnOpen() : null;
    if (alone !== null || unswept !== null) options.onWarning?.(openWarning(options.path, alone, unswept));
  }

  /** Reads need no sweep: a database that cannot be written is still opened. Returns why it could not sweep. */
  private sweepOnOpen(): StoreError | null {
    try {
      this.sweepCrashedRuns();
      return null;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CANNOT_WRITE') return error;
      throw error;
    }
  }

  /** The dashboard's figures over the last `hours`, cut into `buckets` slices of time. */
  dashboard(query: { hours: number; buckets: number }): Dashboard {
    return this.dashboardQuery.read(query, this.now());
  }

  // ---- reporting: queued and committed in groups ----

  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult> {
    return this.commits.enqueue({ kind: 'createFlowRun', request }) as Promise<OrchestrationResult>;
  }

  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult> {
    return this.commits.enqueue({ kind: 'createTaskRun', request }) as Promise<OrchestrationResult>;
  }

  setState(request: SetState): Promise<OrchestrationResult> {
    return this.commits.enqueue({ kind: 'setState', request }) as Promise<OrchestrationResult>;
  }

  createTaskRunThen(request: CreateTaskRun, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void {
    this.commits.submit({ kind: 'createTaskRun', request, resolve: answered as (value: unknown) => void, reject: failed });
  }

  setStateThen(request: SetState, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void {
    this.commits.submit({ kind: 'setState', request, resolve: answered as (value: unknown) => void, reject: failed });
  }

  heartbeat(ids: readonly string[]): Promise<Map<string, StateType>> {
    return this.commits.enqueue({ kind: 'heartbeat', ids }) as Promise<Map<string, StateType>>;
  }

  writeLogs(lines: LogLine[]): void {
    this.commits.writeLogs(lines);
  }

  async resumeInput(flowRunId: string, pauseId: string): Promise<ResumeInput | null> {
    return this.resumeRecord(flowRunId, pauseId);
  }

  /**
   * Applies a remote process's report at once, in one transaction of its own after whatever was
   * queued before it: its log lines and operations are all stored, or, when the database cannot
   * be written, none of them (a StoreError CANNOT_WRITE is thrown), so the report can be sent
   * again whole. An operation refused on its own is answered in its place; the rest stands.
   */
  applyReport(operations: readonly StoreOperation[], logs: readonly LogLine[]): OperationOutcome[] {
    return this.commits.applyAtOnce(operations, logs);
  }

  get location(): string {
    return this.path;
  }

  /** Why the database cannot be written now, or null when it can. */
  get writeProblem(): WriteProblem | null {
    return this.health.current;
  }

  /** Listens for writes beginning to fail and succeeding again; returns a function that stops listening. */
  onWriteHealth(listener: (change: WriteHealthChange) => void): () => void {
    return this.health.onChange(listener);
  }

  flush(): Promise<void> {
    return this.commits.flush();
  }

  async close(): Promise<void> {
    if (this.commits.isClosed) return;
    await this.commits.flush();
    this.commits.close();
    this.health.close();
    this.changes.close();
    this.db.close();
  }

  // ---- synchronous operations for commands and the server ----

  /** Applies one transition now, in its own transaction (for commands such as cancel). */
  setStateNow(request: SetState): OrchestrationResult {
    return this.writer.writeBatch(() => this.writer.applySetState(request));
  }

  /**
   * Leaves a flow run to whichever process starts it next: a run put back to Scheduled no longer
   * belongs to the process that ran it before, so that process's death is no crash of this run.
   * A deployment's run also leaves the worker that ran it, and is due now: the next worker of its
   * pool to claim takes it.
   */
  releaseFlowRun(id: string): void {
    const released = this.writer.writeBatch(
      () =>
        this.db
          .prepare(
            `UPDATE flow_runs SET pid = NULL, hostname = NULL,
               worker_name = CASE WHEN deployment_id IS NULL THEN worker_name END,
               expected_start_time = CASE WHEN deployment_id IS NULL THEN expected_start_time ELSE ? END
             WHERE id = ? RETURNING deployment_id`,
          )
          .get(this.now(), id) as { deployment_id: string | null } | undefined,
    );
    if (released?.deployment_id) this.changes.changed();
  }

  /**
   * Asks a run to stop by proposing Cancelling; the policy decides: a run that has not started is
   * Cancelled at once, a finished one or one already being cancelled is refused.
   */
  cancelFlowRun(id: string): OrchestrationResult {
    const result = this.setStateNow({
      kind: 'flow',
      runId: id,
      transitionId: newId(),
      state: { type: 'CANCELLING', name: 'Cancelling', message: 'cancellation requested' },
    });
    if (result.code === 'RUN_NOT_FOUND') throw new StoreError(`no flow run with id ${id}`, 'NOT_FOUND');
    return result;
  }

  /** A flow run; a Paused one with what its pause waits for, when the pause said. */
  override getFlowRun(id: string): FlowRun | null {
    const run = super.getFlowRun(id);
    if (run?.state.type === 'PAUSED' && run.state.transitionId) {
      const pause = this.pauses.of(id, run.state.transitionId);
      if (pause) run.pause = pause;
    }
    const debug = run ? this.breakpoints.debugRunOf(id) : null;
    if (debug) run!.debug = debug;
    if (run) run.reruns = this.recorded.rerunsOf(id);
    return run;
  }

  /** Every task run of a flow run with where its result lies, for a re-run to match against. */
  recordedRuns(flowRunId: string): RecordedRuns | null {
    return this.recorded.recordedRuns(flowRunId);
  }

  /**
   * Moves a Paused run back to Running, keeping `input` for its process to read; refuses any
   * other run, and input that does not fit the JSON Schema its pause gave.
   */
  resumeFlowRun(id: string, input?: unknown): ResumeOutcome {
    return this.resumes.resume(id, input);
  }

  /** A task run; one held at a breakpoint with where it stopped. */
  override getTaskRun(id: string): TaskRun | null {
    const run = super.getTaskRun(id);
    if (run?.state.type === 'PAUSED' && run.state.transitionId) {
      const stopped = this.breakpoints.of(id, run.state.transitionId);
      if (stopped) run.breakpoint = stopped;
    }
    return run;
  }

  /** Answers the breakpoint a task run is held at: it goes on, is skipped or fails, as the command says. */
  answerBreakpoint(taskRunId: string, command: BreakpointCommand): BreakpointOutcome {
    const outcome = this.breakpoints.answer(taskRunId, command);
    if (outcome.ok) this.changes.changed();
    return outcome;
  }

  /** Continues (or steps) every task run of the flow run held at a breakpoint. */
  continueFlowRun(flowRunId: string, action: 'continue' | 'step' = 'continue'): ContinueFlowRunOutcome {
    const outcome = this.breakpoints.continueFlowRun(flowRunId, action);
    if (outcome.ok) this.changes.changed();
    return outcome;
  }

  /** Every task run of the flow run that has not started stops before it starts, until the run is continued. */
  breakAll(flowRunId: string): BreakAllOutcome {
    const outcome = this.breakpoints.breakAll(flowRunId);
    if (outcome.ok) this.changes.changed();
    return outcome;
  }

  /**
   * The answers given to breakpoints of the flow run after the one numbered `afterId`; when there
   * are none, waits up to `waitMs` for one, told of each change as it is committed, here or by
   * another process. Rejects when the signal fires.
   */
  breakpointAnswers(flowRunId: string, afterId: number, waitMs: number, signal?: AbortSignal): Promise<BreakpointAnswer[]> {
    const now = this.breakpoints.answersAfter(flowRunId, afterId);
    if (now.length > 0 || waitMs <= 0) return Promise.resolve(now);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const done = (answers: BreakpointAnswer[] | null, error?: unknown) => {
        clearTimeout(timer);
        stopListening();
        signal?.removeEventListener('abort', aborted);
        if (answers) resolve(answers);
        else reject(error);
      };
      const aborted = () => done(null, signal!.reason);
      const timer = setTimeout(() => done([]), waitMs);
      const stopListening = this.changes.listen(() => {
        let answers: BreakpointAnswer[];
        try {
          answers = this.breakpoints.answersAfter(flowRunId, afterId);
        } catch (error) {
          done(null, error);
          return;
        }
        if (answers.length > 0) done(answers);
      });
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** The input a pause of the run was resumed with (the pause's Paused state's transition id), or null. */
  resumeRecord(flowRunId: string, pauseId: string): ResumeRecord | null {
    return this.resumes.inputOf(flowRunId, pauseId);
  }

  /**
   * Marks Crashed every run whose owning process is gone: dead on this host, or silent for longer
   * than the heartbeat timeout. Their unfinished task runs crash with them. Returns how many flow
   * runs it marked.
   */
  sweepCrashedRuns(): number {
    // Beats that came while the database could not be written were not stored.
    const silentSince = Math.max(this.silentSince, this.health.silenceCountsFrom());
    return sweepCrashedRuns({
      db: this.db,
      writer: this.writer,
      now: this.now(),
      heartbeatTimeoutMs: this.heartbeatTimeoutMs,
      hostname: this.hostname,
      silentSince,
    });
  }

  setConcurrencyLimit(tag: string, limit: number): ConcurrencyLimit {
    return this.limits.set(tag, limit);
  }

  getConcurrencyLimit(tag: string): ConcurrencyLimit | null {
    return this.limits.get(tag);
  }

  listConcurrencyLimits(): ConcurrencyLimit[] {
    return this.limits.list();
  }

  deleteConcurrencyLimit(tag: string): boolean {
    return this.limits.delete(tag);
  }

  /** Direct access for benchmarks and tests that compare against raw SQLite. */
  get database(): Database.Database {
    return this.db;
  }
}
