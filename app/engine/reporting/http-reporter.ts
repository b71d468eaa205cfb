import { appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, ApiUnreachableError, type ReportOperation, type ReportResult } from '../../core/api/index.js';
import type { CreateFlowRun, CreateTaskRun, LogLine, OrchestrationResult, RunReporter, SetState, StateType } from '../../core/index.js';
import { sleep } from '../sleep.js';
import { Outbox, type OutboxBatch } from './outbox.js';
import { reportTransport, type SendReport } from './report-transport.js';

/** Operations per report at most; the server takes 10,000, smaller reports answer sooner. */
const MAX_BATCH_OPERATIONS = 2_000;
/** Log lines per report at most. */
const MAX_BATCH_LOG_LINES = 20_000;
/** Roughly the bytes of a report at most, well under the server's 8 MiB body limit. */
const MAX_BATCH_CHARS = 4 * 1024 * 1024;
/** A lone log line is sent after this long when no transition carries it sooner. */
const LOG_DELAY_MS = 50;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;
/** A 500 may be the server's bug rather than its restart; it is tried this often before failing. */
const SERVER_ERROR_ATTEMPTS = 5;

type Settle = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

interface Queued extends Settle {
  op: ReportOperation;
}

/** What a reporter tells whoever shows progress about its connection to the server. */
export type ConnectionEvent =
  | { kind: 'lost'; reason: string; outbox: string; pending: number }
  | { kind: 'restored' }
  | { kind: 'leftovers'; batches: number };

export interface HttpReporterOptions {
  /** The server's API base, including `/api`. */
  apiUrl: string;
  apiKey?: string | null;
  /** FLOWDECK_HOME: the outbox lives in its `outbox` folder. */
  home: string;
  onConnection?: (event: ConnectionEvent) => void;
  /** The sender of reports; the server's `/reports` over fetch by default. */
  send?: SendReport;
}

/** Whether a failed delivery may succeed if sent again unchanged. */
function worthRetrying(error: unknown, attempt: number): boolean {
  if (error instanceof ApiUnreachableError) return true;
  if (error instanceof ApiError) {
    if (error.status === 502 || error.status === 503 || error.status === 504 || error.status === 429) return true;
    return error.status >= 500 && attempt < SERVER_ERROR_ATTEMPTS;
  }
  return false;
}

function settleFrom(entry: Queued, result: ReportResult | undefined): void {
  if (result && 'error' in result) {
    entry.reject(new ApiError(result.error.status, result.error.message, 'POST', '/reports'));
  } else if (entry.op.kind === 'heartbeat') {
    const states = (result as { states?: Record<string, StateType> } | undefined)?.states ?? {};
    entry.resolve(new Map(Object.entries(states)));
  } else {
    entry.resolve(result);
  }
}

/**
 * Reports a flow process's runs to a Flowdeck server. Calls made in the same tick travel in one
 * POST /reports, log lines ahead of the transitions that follow them; while one report is on its
 * way the next one gathers, so there is never more than one in flight and the server applies
 * everything in the order it happened. Each report is journaled in the outbox before it is sent
 * and sent again, unchanged, until the server stores it: while the server is unreachable or
 * restarting the flow waits only where it needs an answer, and resent transitions are recognised
 * by their ids, so nothing is lost and nothing doubled.
 */
export class HttpReporter implements RunReporter {
  readonly target: string;
  private readonly send: SendReport;
  private readonly outbox: Outbox;
  private queue: Queued[] = [];
  private logs: LogLine[] = [];
  private seq = 0;
  private pumping = false;
  private scheduled = false;
  private logTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private leftovers: { path: string; batches: OutboxBatch[] }[];
  private lost = false;
  private closed = false;

  constructor(private readonly options: HttpReporterOptions) {
    this.target = options.apiUrl;
    this.send = options.send ?? reportTransport(options);
    const dir = join(options.home, 'outbox');
    this.outbox = Outbox.open(dir, options.apiUrl);
    this.leftovers = Outbox.claimLeftovers(dir, options.apiUrl);
    const count = this.leftovers.reduce((sum, l) => sum + l.batches.length, 0);
    if (count > 0) {
      options.onConnection?.({ kind: 'leftovers', batches: count });
      this.schedule();
    }
  }

  /** The journal of this process's reports, kept on disk while anything in it is undelivered. */
  get outboxPath(): string {
    return this.outbox.path;
  }

  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'createFlowRun', request } as ReportOperation) as Promise<OrchestrationResult>;
  }

  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'createTaskRun', request } as ReportOperation) as Promise<OrchestrationResult>;
  }

  setState(request: SetState): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'setState', request } as ReportOperation) as Promise<OrchestrationResult>;
  }

  heartbeat(flowRunIds: readonly string[]): Promise<Map<string, StateType>> {
    return this.enqueue({ kind: 'heartbeat', flowRunIds: [...flowRunIds] }) as Promise<Map<string, StateType>>;
  }

  writeLogs(lines: LogLine[]): void {
    if (this.closed) return;
    for (const line of lines) this.logs.push(line);
    if (this.logs.length >= MAX_BATCH_LOG_LINES) this.schedule();
    else if (this.logTimer === null && !this.scheduled) {
      this.logTimer = setTimeout(() => {
        this.logTimer = null;
        this.schedule();
      }, LOG_DELAY_MS);
    }
  }

  /** Resolves once everything reported so far has been stored by the server. */
  flush(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    });
  }

  /** Delivers what is owed, then stops. Reports still undelivered stay in the outbox file. */
  async close(): Promise<void> {
    await this.flush();
    this.shut();
  }

  /**
   * Stops without waiting for the server, keeping whatever it has not stored in the outbox for
   * the next reporter to this server. Returns the outbox's path when something was kept.
   */
  abandon(): string | null {
    this.shut();
    for (const entry of this.queue) entry.reject(new Error('the reporter was closed before the server could be reached'));
    this.queue = [];
    return this.outbox.pending > 0 || this.leftovers.length > 0 ? this.outbox.path : null;
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.outbox.close();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.logs.length === 0 && !this.pumping && !this.scheduled && this.leftovers.length === 0;
  }

  private enqueue(op: ReportOperation): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`the reporter to ${this.target} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pumping || this.closed) return;
    this.scheduled = true;
    // The rest of this tick's calls join the same report.
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    if (this.logTimer) {
      clearTimeout(this.logTimer);
      this.logTimer = null;
    }
    try {
      await this.deliverLeftovers();
      while (!this.closed && (this.queue.length > 0 || this.logs.length > 0)) {
        const { entries, body } = this.takeBatch();
        const seq = ++this.seq;
        this.outbox.append(seq, body);
        let results: ReportResult[];
        try {
          results = await this.deliver(body, entries.length);
        } catch (error) {
          // Refused for good (a bad request, a rejected key): its callers hear why; no use resending.
          if (!this.closed) this.outbox.ack(seq);
          for (const entry of entries) entry.reject(error);
          continue;
        }
        if (this.closed) return;
        this.outbox.ack(seq);
        for (let i = 0; i < entries.length; i++) settleFrom(entries[i], results[i]);
      }
    } finally {
      this.pumping = false;
      if (!this.closed && (this.queue.length > 0 || this.logs.length > 0)) this.schedule();
      else if (this.isIdle()) this.notifyIdle();
    }
  }

  /** The next report: queued operations and log lines up to the limits, in the order they came. */
  private takeBatch(): { entries: Queued[]; body: string } {
    const logs = this.logs.length <= MAX_BATCH_LOG_LINES ? this.logs : this.logs.slice(0, MAX_BATCH_LOG_LINES);
    this.logs = logs === this.logs ? [] : this.logs.slice(MAX_BATCH_LOG_LINES);
    let chars = 0;
    const logJson: string[] = [];
    for (const line of logs) {
      const json = JSON.stringify(line);
      chars += json.length;
      logJson.push(json);
    }
    // Log lines came before every operation still queued, so they go now whatever their size.
    const entries: Queued[] = [];
    const opJson: string[] = [];
    while (this.queue.length > entries.length && entries.length < MAX_BATCH_OPERATIONS) {
      const entry = this.queue[entries.length];
      const json = JSON.stringify(entry.op);
      if (entries.length > 0 && chars + json.length > MAX_BATCH_CHARS) break;
      chars += json.length;
      entries.push(entry);
      opJson.push(json);
    }
    this.queue = entries.length === this.queue.length ? [] : this.queue.slice(entries.length);
    return { entries, body: `{"operations":[${opJson.join(',')}],"logs":[${logJson.join(',')}]}` };
  }

  /** Sends one report until the server has it, waiting out an outage; throws when it is refused for good. */
  private async deliver(body: string, operations: number): Promise<ReportResult[]> {
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await this.send(body, operations);
        if (this.lost) {
          this.lost = false;
          this.options.onConnection?.({ kind: 'restored' });
        }
        return results;
      } catch (error) {
        if (this.closed || !worthRetrying(error, attempt)) throw error;
        if (!this.lost) {
          this.lost = true;
          this.options.onConnection?.({
            kind: 'lost',
            reason: error instanceof ApiUnreachableError ? error.reason : error instanceof Error ? error.message : String(error),
            outbox: this.outbox.path,
            pending: this.outbox.pending,
          });
        }
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  /** Reports that processes now gone left undelivered: sent first, their answers heard by no one. */
  private async deliverLeftovers(): Promise<void> {
    while (this.leftovers.length > 0 && !this.closed) {
      const journal = this.leftovers[0];
      while (journal.batches.length > 0 && !this.closed) {
        const batch = journal.batches[0];
        // A dead process's heartbeat would keep its runs from being found Crashed.
        const report = JSON.parse(batch.body) as { operations: ReportOperation[]; logs: unknown[] };
        report.operations = report.operations.filter((op) => op.kind !== 'heartbeat');
        try {
          await this.deliver(JSON.stringify(report), report.operations.length);
        } catch {
          // Refused for good: the server will never take it, so it is not kept either.
        }
        if (this.closed) return;
        appendFileSync(journal.path, `{"ack":${batch.seq}}\n`);
        journal.batches.shift();
      }
      unlinkSync(journal.path);
      this.leftovers.shift();
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
