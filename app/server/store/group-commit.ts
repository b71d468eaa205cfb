import type Database from 'better-sqlite3';
import type { CreateFlowRun, CreateTaskRun, LogLine, SetState, StateType } from '../../core/index.js';
import { StoreError } from './store-error.js';
import type { TransitionWriter } from './transition-writer.js';

/** How many buffered log lines make a flush worth doing at once. */
const LOG_FLUSH_LINES = 4000;
/** How long a log line may wait in the buffer when nothing else is written. */
const LOG_FLUSH_MS = 50;
/** Transitions committed together at most; the rest follow in the next transaction. */
const MAX_BATCH_OPERATIONS = 512;

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

/**
 * Group commit: operations proposed in the same tick, and the log lines buffered meanwhile, are
 * written in one transaction, and each caller hears back only once it is durable.
 */
export class GroupCommit {
  private queue: QueuedOperation[] = [];
  private logBuffer: LogLine[] = [];
  private flushScheduled = false;
  private logTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly writer: TransitionWriter,
    private readonly now: () => number,
    private readonly onCommit: ((batch: { operations: number; logLines: number }) => void) | null,
  ) {
    this.stmt = {
      insertLog: db.prepare(
        `INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      heartbeat: db.prepare<[number, string], { state_type: StateType }>(
        'UPDATE flow_runs SET heartbeat_at = ? WHERE id = ? RETURNING state_type',
      ),
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Takes no more work; call once flush() has settled. */
  close(): void {
    this.closed = true;
    if (this.logTimer) clearTimeout(this.logTimer);
  }

  enqueue(op: Operation): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreError('the store is closed', 'INVALID'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.scheduleFlush();
    });
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

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      if (this.flushScheduled) this.flushNow();
    });
  }

  /**
   * Commits what is queued now instead of at the end of the tick, for a caller that hands over a
   * whole batch at once (a remote process's report) and gains nothing from waiting for more.
   */
  commitNow(): void {
    while (this.flushScheduled && !this.closed && (this.queue.length > 0 || this.logBuffer.length > 0)) this.flushNow();
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
      this.writer.writeBatch(() => {
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
      this.writer.forgetCaches();
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

  private apply(op: Operation): unknown {
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
