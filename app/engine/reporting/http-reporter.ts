import { appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiError,
  ApiUnreachableError,
  createApiClient,
  MAX_ANSWER_WAIT_MS,
  type ApiClient,
  type ReportOperation,
  type ReportResult,
} from '../../core/api/index.js';
import type {
  BreakpointAnswer,
  CreateFlowRun,
  CreateTaskRun,
  LogLine,
  OrchestrationResult,
  ProposedState,
  RecordedRuns,
  ResumeInput,
  RunReporter,
  SetState,
  StateType,
} from '../../core/index.js';
import { TickBatcher } from '../../core/tick-batcher.js';
import { sleep } from '../sleep.js';
import { LocalJudge } from './local-judge.js';
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
/** How long a read of a resumed run's input may take; the paused run asks again if it fails. */
const READ_TIMEOUT_MS = 30_000;

interface Queued {
  op: ReportOperation;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The answer given before the server's, when the local judge could be sure of it. */
  early: OrchestrationResult | null;
}

/** How the delivery of one report ended, unless the server refused it for good. */
interface Delivery {
  /** One per operation sent; missing for an operation the server never stored. */
  results: (ReportResult | undefined)[];
  /** Why the rest was given up, when the server kept failing to store it; null when all of it was stored. */
  failure: unknown;
  /** Positions of the operations the server did not store. */
  owed: number[];
  /** Whether the log lines were not stored either. */
  logsOwed: boolean;
}

/** A batch written to the outbox and not yet stored by the server. */
interface Journaled {
  seq: number;
  operations: string[];
  logs: string[];
  entries: Queued[];
  chars: number;
}

/** What a reporter tells whoever shows progress about its connection to the server. */
export type ConnectionEvent =
  /** No answer from the server: reports wait in the outbox and are sent again. */
  | { kind: 'lost'; reason: string; outbox: string; pending: number }
  /** The server answered but could not store reports (its disk is full, say): they wait and are sent again. */
  | { kind: 'unstored'; reason: string; outbox: string; pending: number }
  /** The server stores reports again after `after`. */
  | { kind: 'restored'; after: 'lost' | 'unstored' }
  | { kind: 'leftovers'; batches: number }
  /** The server answered a transition otherwise than the flow process was told at first. */
  | { kind: 'overruled'; runId: string; answer: string }
  /** The server kept failing to store part of a report: it stays in the outbox for the next reporter to this server. */
  | { kind: 'kept'; reason: string; outbox: string; operations: number; logLines: number };

interface HttpReporterOptions {
  /** The server's API base, including `/api`. */
  apiUrl: string;
  apiKey?: string | null;
  /** FLOWDECK_HOME: the outbox lives in its `outbox` folder. */
  home: string;
  onConnection?: (event: ConnectionEvent) => void;
  /** The sender of reports; the server's `/reports` over HTTP by default. */
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

/** The server's own failure to store an operation, as opposed to a refusal of something the client sent. */
function isServerFailure(result: ReportResult): result is { error: { status: number; message: string } } {
  return 'error' in result && result.error.status >= 500;
}

/** Whether a failure is the server's own: what it was sent is kept to be sent again, never dropped. */
function isServerError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 500;
}

function reasonOf(error: unknown): string {
  if (error instanceof ApiUnreachableError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}

function dated<T extends { state: ProposedState }>(request: T, at: number): T {
  return request.state.observedAt === undefined ? { ...request, state: { ...request.state, observedAt: at } } : request;
}

/**
 * Reports a flow process's runs to a Flowdeck server. What the process reports in one tick becomes
 * one batch, written to the outbox journal first; batches travel in order in POST /reports, those
 * gathered while one report is on its way together in the next, never two at once, so the server
 * applies everything in the order it happened. A batch the server has not stored is sent again,
 * unchanged, until it is (resent transitions are recognised by their ids): nothing is lost or
 * doubled through an outage or a restart of the server. A task run's first start, which the
 * local judge can answer as the server will, is answered once journaled, so a flow waits on the
 * server only where the server alone can decide (tag limits, cached results) and carries on
 * while the server is away.
 */
export class HttpReporter implements RunReporter {
  readonly target: string;
  private readonly send: SendReport;
  private readonly outbox: Outbox;
  private readonly judge = new LocalJudge();
  private readonly batch = new TickBatcher<Queued, LogLine>({
    linesForBatch: MAX_BATCH_LOG_LINES,
    lineDelayMs: LOG_DELAY_MS,
    onTick: () => {
      this.journalQueued();
      void this.sendAll();
    },
  });
  private journaled: Journaled[] = [];
  private seq = 0;
  private sending = false;
  private leftovers: { path: string; batches: OutboxBatch[] }[];
  /** Why reports are waiting now, or null while the server stores them. */
  private lost: 'lost' | 'unstored' | null = null;
  private keptOperations = 0;
  private keptLogLines = 0;
  private closed = false;
  private api: ApiClient | null = null;
  /** For reads the server holds open until there is something to answer. */
  private waitingApi: ApiClient | null = null;

  constructor(private readonly options: HttpReporterOptions) {
    this.target = options.apiUrl;
    this.send = options.send ?? reportTransport(options);
    const dir = join(options.home, 'outbox');
    this.outbox = Outbox.open(dir, options.apiUrl);
    this.leftovers = Outbox.claimLeftovers(dir, options.apiUrl);
    const count = this.leftovers.reduce((sum, l) => sum + l.batches.length, 0);
    if (count > 0) {
      options.onConnection?.({ kind: 'leftovers', batches: count });
      void this.sendAll();
    }
  }

  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult> {
    return this.enqueue({ kind: 'createFlowRun', request: dated(request, Date.now()) }, null) as Promise<OrchestrationResult>;
  }

  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult> {
    const now = Date.now();
    this.judge.created(request, now);
    return this.enqueue({ kind: 'createTaskRun', request: dated(request, now) }, null) as Promise<OrchestrationResult>;
  }

  setState(request: SetState): Promise<OrchestrationResult> {
    const now = Date.now();
    const early = this.judge.judge(request, now);
    return this.enqueue({ kind: 'setState', request: dated(request, now) }, early) as Promise<OrchestrationResult>;
  }

  heartbeat(flowRunIds: readonly string[]): Promise<Map<string, StateType>> {
    return this.enqueue({ kind: 'heartbeat', flowRunIds: [...flowRunIds] }, null) as Promise<Map<string, StateType>>;
  }

  /** The client of reads (and of the odd command a run makes of itself), made on first use. */
  private get readApi(): ApiClient {
    this.api ??= createApiClient({ baseUrl: this.options.apiUrl, apiKey: this.options.apiKey ?? undefined, timeoutMs: READ_TIMEOUT_MS });
    return this.api;
  }

  /** Read from the API directly, not through the journal: a read changes nothing that needs resending. */
  async resumeInput(flowRunId: string, pauseId: string): Promise<ResumeInput | null> {
    try {
      const record = await this.readApi.getResumeInput({ params: { id: flowRunId }, query: { pauseId } });
      return 'input' in record ? { input: record.input } : {};
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  async breakFlowRun(flowRunId: string): Promise<void> {
    await this.readApi.breakFlowRun({ params: { id: flowRunId } });
  }

  async recordedRuns(flowRunId: string): Promise<RecordedRuns | null> {
    try {
      return await this.readApi.getRecordedRuns({ params: { id: flowRunId } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** A read the server holds open until an answer is given: the answer is pushed as it is stored. */
  async breakpointAnswers(flowRunId: string, afterId: number, waitMs: number, signal?: AbortSignal): Promise<BreakpointAnswer[]> {
    this.waitingApi ??= createApiClient({
      baseUrl: this.options.apiUrl,
      apiKey: this.options.apiKey ?? undefined,
      timeoutMs: MAX_ANSWER_WAIT_MS + READ_TIMEOUT_MS,
    });
    const query = { after: afterId, waitMs: Math.min(Math.max(0, Math.round(waitMs)), MAX_ANSWER_WAIT_MS) };
    return this.waitingApi.listBreakpointAnswers({ params: { id: flowRunId }, query, ...(signal ? { signal } : {}) });
  }

  writeLogs(lines: LogLine[]): void {
    this.batch.addLines(lines);
  }

  /** Resolves once everything reported so far has been stored by the server. */
  flush(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return this.batch.whenIdle();
  }

  /**
   * What the server failed to store for good (its own error, again and again) and the outbox
   * keeps for the next reporter to this server; null when it stored everything it was sent.
   */
  undelivered(): { operations: number; logLines: number; outbox: string } | null {
    if (this.keptOperations === 0 && this.keptLogLines === 0) return null;
    return { operations: this.keptOperations, logLines: this.keptLogLines, outbox: this.outbox.path };
  }

  /** Delivers what is owed, then stops. */
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
    const gone = new Error('the reporter was closed before the server could be reached');
    for (const entry of this.batch.takeItems(Infinity)) entry.reject(gone);
    for (const batch of this.journaled) for (const entry of batch.entries) if (!entry.early) entry.reject(gone);
    return this.outbox.pending > 0 || this.leftovers.length > 0 ? this.outbox.path : null;
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch.stop();
    this.outbox.close();
  }

  private isIdle(): boolean {
    return this.batch.isEmpty && this.journaled.length === 0 && !this.sending && !this.batch.isScheduled && this.leftovers.length === 0;
  }

  private enqueue(op: ReportOperation, early: OrchestrationResult | null): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`the reporter to ${this.target} is closed`));
    return new Promise((resolve, reject) => this.batch.add({ op, resolve, reject, early }));
  }

  /** Turns what was reported into journaled batches, and gives the early answers. */
  private journalQueued(): void {
    while (!this.closed && !this.batch.isEmpty) {
      const batch = this.cutBatch();
      this.outbox.append(batch.seq, `{"operations":[${batch.operations.join(',')}],"logs":[${batch.logs.join(',')}]}`);
      this.journaled.push(batch);
      // Durable in the journal: the flow may go on, and the server will hear of it in order.
      for (const entry of batch.entries) if (entry.early) entry.resolve(entry.early);
    }
  }

  /** The next batch: queued operations and log lines up to the limits, in the order they came. */
  private cutBatch(): Journaled {
    const logs = this.batch.takeLines(MAX_BATCH_LOG_LINES);
    let chars = 0;
    const logJson: string[] = [];
    for (const line of logs) {
      const json = JSON.stringify(line);
      chars += json.length + 1;
      logJson.push(json);
    }
    // Log lines came before every operation still queued, so they go now whatever their size.
    const queued = this.batch.items;
    const opJson: string[] = [];
    while (queued.length > opJson.length && opJson.length < MAX_BATCH_OPERATIONS) {
      const json = JSON.stringify(queued[opJson.length].op);
      if (opJson.length > 0 && chars + json.length > MAX_BATCH_CHARS) break;
      chars += json.length + 1;
      opJson.push(json);
    }
    const entries = this.batch.takeItems(opJson.length);
    return { seq: ++this.seq, operations: opJson, logs: logJson, entries, chars };
  }

  /** Sends journaled batches, as many together as the limits allow, one report at a time. */
  private async sendAll(): Promise<void> {
    if (this.sending || this.closed) return;
    this.sending = true;
    try {
      await this.deliverLeftovers();
      while (!this.closed && this.journaled.length > 0) {
        const batches = this.takeJournaled();
        const operations = batches.flatMap((b) => b.operations);
        const logs = batches.flatMap((b) => b.logs);
        const entries = batches.flatMap((b) => b.entries);
        let delivery: Delivery | null = null;
        let refusal: unknown = null;
        try {
          delivery = await this.deliver(operations, logs, false);
        } catch (error) {
          // Refused for good (a bad request, a rejected key): its callers hear why; no use resending.
          refusal = error;
        }
        if (this.closed) return;
        // What the server did not store is journaled again before the batches are acknowledged.
        if (delivery?.failure) this.keep(delivery, operations, logs);
        for (const batch of batches) this.outbox.ack(batch.seq);
        for (let i = 0; i < entries.length; i++) this.settle(entries[i], delivery?.results[i], refusal ?? delivery?.failure);
      }
    } finally {
      this.sending = false;
      if (!this.closed && this.journaled.length > 0) void this.sendAll();
      else if (this.isIdle()) this.batch.wakeIdle();
    }
  }

  private takeJournaled(): Journaled[] {
    let operations = 0;
    let chars = 0;
    let count = 0;
    for (const batch of this.journaled) {
      if (count > 0 && (operations + batch.operations.length > MAX_BATCH_OPERATIONS || chars + batch.chars > MAX_BATCH_CHARS)) break;
      operations += batch.operations.length;
      chars += batch.chars;
      count++;
    }
    return this.journaled.splice(0, count);
  }

  /**
   * Journals what the server kept failing to store, never to be acknowledged here: the outbox is
   * left behind when this reporter closes, and the next one to this server sends it.
   */
  private keep(delivery: Delivery, operations: string[], logs: string[]): void {
    const ops = delivery.owed.map((i) => operations[i]);
    const lines = delivery.logsOwed ? logs : [];
    if (ops.length === 0 && lines.length === 0) return;
    this.outbox.append(++this.seq, `{"operations":[${ops.join(',')}],"logs":[${lines.join(',')}]}`);
    this.keptOperations += ops.length;
    this.keptLogLines += lines.length;
    const reason = reasonOf(delivery.failure);
    this.options.onConnection?.({ kind: 'kept', reason, outbox: this.outbox.path, operations: ops.length, logLines: lines.length });
  }

  private settle(entry: Queued, result: ReportResult | undefined, refusal: unknown): void {
    const error =
      (result === undefined ? refusal : null) ??
      (result && 'error' in result ? new ApiError(result.error.status, result.error.message, 'POST', '/reports') : null);
    if (entry.early) {
      const answer = error ? (error as Error).message : (result as OrchestrationResult).status;
      if (answer !== 'ACCEPT') {
        const runId = entry.op.kind === 'setState' ? entry.op.request.runId : '';
        this.options.onConnection?.({ kind: 'overruled', runId, answer });
      }
      return;
    }
    if (error) {
      entry.reject(error);
      return;
    }
    if (entry.op.kind === 'heartbeat') {
      const states = (result as { states?: Record<string, StateType> } | undefined)?.states ?? {};
      for (const [id, type] of Object.entries(states)) this.judge.flowState(id, type);
      entry.resolve(new Map(Object.entries(states)));
      return;
    }
    const answer = result as OrchestrationResult;
    const op = entry.op;
    if (answer.state && (op.kind === 'createFlowRun' || (op.kind === 'setState' && op.request.kind === 'flow'))) {
      this.judge.flowState(op.kind === 'createFlowRun' ? op.request.id : op.request.runId, answer.state.type);
    }
    entry.resolve(answer);
  }

  /**
   * Sends one report until the server has stored it, waiting out an outage or a server that
   * cannot write for now; throws when the server refuses it for good (the client's fault). A
   * server answers an operation it failed to store alone with a 5xx, having stored the rest and
   * the log lines: only that operation is sent again. A server error that does not go away is
   * given up, and what it did not store is returned as owed.
   */
  private async deliver(operations: string[], logs: string[], replay: boolean): Promise<Delivery> {
    const results = new Array<ReportResult | undefined>(operations.length);
    let owed = operations.map((_, i) => i);
    let logsOwed = true;
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      // Sent before without a full answer: the server may have stored some of it, and must not twice.
      const again = replay || attempt > 1 ? '"replay":true,' : '';
      const body = `{${again}"operations":[${owed.map((i) => operations[i]).join(',')}],"logs":[${logsOwed ? logs.join(',') : ''}]}`;
      let error: unknown;
      try {
        const answer = await this.send(body, owed.length);
        logsOwed = false;
        const failed: number[] = [];
        answer.forEach((result, k) => {
          if (isServerFailure(result)) {
            failed.push(owed[k]);
            error ??= new ApiError(result.error.status, result.error.message, 'POST', `${this.target}/reports`);
          } else results[owed[k]] = result;
        });
        owed = failed;
        if (owed.length === 0) {
          if (this.lost) {
            this.options.onConnection?.({ kind: 'restored', after: this.lost });
            this.lost = null;
          }
          return { results, failure: null, owed, logsOwed };
        }
      } catch (thrown) {
        error = thrown;
      }
      if (this.closed) throw error;
      if (!worthRetrying(error, attempt)) {
        if (isServerError(error)) return { results, failure: error, owed, logsOwed };
        throw error;
      }
      if (!this.lost) {
        this.lost = error instanceof ApiUnreachableError ? 'lost' : 'unstored';
        this.options.onConnection?.({ kind: this.lost, reason: reasonOf(error), outbox: this.outbox.path, pending: this.outbox.pending });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /** Reports that processes now gone left undelivered: sent first, their answers heard by no one. */
  private async deliverLeftovers(): Promise<void> {
    while (this.leftovers.length > 0 && !this.closed) {
      const journal = this.leftovers[0];
      while (journal.batches.length > 0 && !this.closed) {
        const batch = journal.batches[0];
        const report = JSON.parse(batch.body) as { operations: ReportOperation[]; logs: unknown[] };
        // A dead process's heartbeat would keep its runs from being found Crashed.
        const operations = report.operations.filter((op) => op.kind !== 'heartbeat').map((op) => JSON.stringify(op));
        const logs = report.logs.map((line) => JSON.stringify(line));
        let delivery: Delivery | null = null;
        try {
          delivery = await this.deliver(operations, logs, true);
        } catch {
          // Refused for good: the server will never take it, so it is not kept either.
        }
        if (this.closed) return;
        // What the server failed to store moves to this reporter's own outbox, for the next one.
        if (delivery?.failure) this.keep(delivery, operations, logs);
        appendFileSync(journal.path, `{"ack":${batch.seq}}\n`);
        journal.batches.shift();
      }
      unlinkSync(journal.path);
      this.leftovers.shift();
    }
  }
}
