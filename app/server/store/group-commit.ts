import type Database from 'better-sqlite3';
import type { CreateFlowRun, CreateTaskRun, LogLine, SetState, StateType } from '../../core/index.js';
import { TickBatcher } from '../../core/tick-batcher.js';
import { isWriteFailure, StoreError } from './store-error.js';
import type { TransitionWriter } from './transition-writer.js';

/** How many buffered log lines make a flush worth doing at once. */
const LOG_FLUSH_LINES = 4000;
/** How long a log line may wait in the buffer when nothing else is written. */
const LOG_FLUSH_MS = 50;
/** Transitions committed together at most; the rest follow in the next transaction. */
const MAX_BATCH_OPERATIONS = 512;

export type StoreOperation =
  | { kind: 'createFlowRun'; request: CreateFlowRun }
  | { kind: 'createTaskRun'; request: CreateTaskRun }
  | { kind: 'setState'; request: SetState }
  | { kind: 'heartbeat'; ids: readonly string[] };

/** How one operation of a committed batch came out: its answer, or the error it alone failed with. */
export type OperationOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** An operation waiting for its batch, with whom to answer: one object, as thousands wait at once. */
export type QueuedOperation = StoreOperation & {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/** The error one operation of a committed batch failed with alone; any other answer is its value. */
class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * Hands over one answer. A callback (see submit) runs its caller's code here: one that throws must
 * not keep the answers after it from being given, so its error is thrown again on its own.
 */
function answer(queued: QueuedOperation, result: unknown): void {
  try {
    if (result instanceof Failed) queued.reject(result.error);
    else queued.resolve(result);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Group commit: operations proposed in the same tick, and the log lines buffered meanwhile, are
 * written in one transaction, and each caller hears back only once it is durable.
 */
export class GroupCommit {
  private readonly batch = new TickBatcher<QueuedOperation, LogLine>({
    linesForBatch: LOG_FLUSH_LINES,
    lineDelayMs: LOG_FLUSH_MS,
    onTick: () => this.flushNow(),
  });
  private closed = false;
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly writer: TransitionWriter,
    private readonly now: () => number,
    private readonly onCommit: ((batch: { operations: number; logLines: number }) => void) | null,
  ) {
    this.stmt = {
      insertLog: db.prepare(
        `INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      heartbeat: db.prepare<[number, string], { state_type: StateType }>('UPDATE flow_runs SET heartbeat_at = ? WHERE id = ? RETURNING state_type'),
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Takes no more work; call once flush() has settled. */
  close(): void {
    this.closed = true;
    this.batch.stop();
  }

  enqueue(op: StoreOperation): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed', 'INVALID'));
    return new Promise((resolve, reject) => this.batch.add({ ...op, resolve, reject }));
  }

  /** Like enqueue, with the answer handed to the operation's `resolve` (or `reject`) once durable, never during this call. */
  submit(queued: QueuedOperation): void {
    if (this.closed) {
      queueMicrotask(() => queued.reject(new StoreError('the store is closed', 'INVALID')));
      return;
    }
    this.batch.add(queued);
  }

  writeLogs(lines: LogLine[]): void {
    this.batch.addLines(lines);
  }

  flush(): Promise<void> {
    if (this.batch.isEmpty && !this.batch.isScheduled) return Promise.resolve();
    return this.batch.whenIdle();
  }

  /**
   * Writes a batch handed over whole (a remote process's report) at once, after what was queued
   * before it, in one transaction of its own whatever its size: all of it is stored, or, when
   * the database cannot be written, none of it (the StoreError is thrown), so it can be sent
   * again without doubling anything.
   */
  applyAtOnce(ops: readonly StoreOperation[], logs: readonly LogLine[]): OperationOutcome[] {
    if (this.closed) throw new StoreError('the store is closed', 'INVALID');
    while (!this.batch.isEmpty) this.batch.runNow();
    return this.writeTogether(ops, logs).map((result) =>
      result instanceof Failed ? { ok: false, error: result.error } : { ok: true, value: result },
    );
  }

  private flushNow(): void {
    // A bounded batch: every caller in it waits for the whole of it, so huge ones add latency.
    const queued = this.batch.takeItems(MAX_BATCH_OPERATIONS);
    const logs = this.batch.takeLines(Infinity);
    let answers: unknown[];
    try {
      answers = this.writeTogether(queued, logs);
    } catch (error) {
      const failed = new Failed(error);
      for (const q of queued) answer(q, failed);
      this.notifyIdle();
      return;
    }
    for (let i = 0; i < queued.length; i++) answer(queued[i], answers[i]);
    this.notifyIdle();
  }

  /**
   * Log lines, then operations, in one transaction. Returns each operation's answer; one that
   * failed alone is answered with its error (as Failed) in its place.
   */
  private writeTogether(ops: readonly StoreOperation[], logs: readonly LogLine[]): unknown[] {
    const answers = new Array<unknown>(ops.length);
    this.writer.writeBatch(() => {
      // Log lines go first: they were written before any transition queued after them.
      for (const line of logs) {
        this.stmt.insertLog.run(line.flowRunId, line.taskRunId, line.level, line.message, line.timestamp, line.attempt, line.logger ?? null);
      }
      for (let i = 0; i < ops.length; i++) {
        try {
          answers[i] = this.apply(ops[i]);
        } catch (error) {
          // A failure of the file itself may have undone the whole transaction, and the rest would
          // then be written outside it: the batch fails as a whole instead.
          if (isWriteFailure(error) || !this.db.inTransaction) throw error;
          answers[i] = new Failed(error);
        }
      }
    });
    this.onCommit?.({ operations: ops.length, logLines: logs.length });
    return answers;
  }

  private notifyIdle(): void {
    if (this.batch.isEmpty) this.batch.wakeIdle();
    else this.batch.schedule();
  }

  private apply(op: StoreOperation): unknown {
    switch (op.kind) {
      case 'createFlowRun':
        return this.writer.applyCreateFlowRun(op.request);
      case 'createTaskRun':
        return this.writer.applyCreateTaskRun(op.request);
      case 'setState':
        return this.writer.applySetState(op.request);
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
}
