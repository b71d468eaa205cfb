import type { RunIdProblem } from '../../core/api/run-ids.js';
import type { ConcurrencyLimit, FlowRun, FlowRunSummary, OrchestrationResult, RunKind, State, StoredLog, TaskRun } from '../../core/index.js';
import {
  CONCURRENCY_LIMIT_LAYOUT,
  FLOW_RUN_LAYOUT,
  FLOW_RUN_SUMMARY_LAYOUT,
  inLayout,
  STATE_LAYOUT,
  STORED_LOG_LAYOUT,
  TASK_RUN_LAYOUT,
} from '../../core/record-layouts.js';
import type { RunStore } from '../../server/index.js';
// Named directly: the server's index would load the HTTP server too.
import { retryFlowRun } from '../../server/runs/retry-flow-run.js';
import { UsageError } from '../errors.js';
import type {
  BreakpointAnswerOutcome,
  BreakpointReply,
  BreakFlowRunAnswer,
  ContinueFlowRunAnswer,
  FlowRunListing,
  LogPage,
  ResumeAnswer,
  RunsSource,
} from './runs-source.js';

/** The local database is on this machine: following a run can ask often. */
const POLL_MS = 200;

// The API sends records as its schemas shape them (keys in schema order); these hand out the
// same, so `--json` prints the same text locally and against a server.
const asFlowRun = (run: FlowRun): FlowRun => inLayout(run, FLOW_RUN_LAYOUT);
const asTaskRun = (run: TaskRun): TaskRun => inLayout(run, TASK_RUN_LAYOUT);
const asLimit = (limit: ConcurrencyLimit): ConcurrencyLimit => inLayout(limit, CONCURRENCY_LIMIT_LAYOUT);
const asStates = (states: State[]): State[] => states.map((state) => inLayout(state, STATE_LAYOUT));
const asLogs = (logs: StoredLog[]): StoredLog[] => logs.map((log) => inLayout(log, STORED_LOG_LAYOUT));

/** Runs in the local store, read and changed in this process. */
export class LocalRunsSource implements RunsSource {
  readonly pollIntervalMs = POLL_MS;

  constructor(private readonly store: RunStore) {}

  async resolveRunId(kind: RunKind, idOrPrefix: string): Promise<{ id: string } | { problem: RunIdProblem }> {
    return this.store.findRunId(kind, idOrPrefix);
  }

  async uniqueIdPrefixes(kind: RunKind, ids: readonly string[]): Promise<Map<string, string>> {
    return this.store.uniqueIdPrefixes(kind, ids);
  }

  /** One page of the same listing the API pages through, newest first. */
  async listFlowRuns(listing: FlowRunListing): Promise<FlowRunSummary[]> {
    const page = await this.store.listFlowRunPage(listing);
    return page.items.map((summary) => inLayout(summary, FLOW_RUN_SUMMARY_LAYOUT));
  }

  async getFlowRun(id: string): Promise<FlowRun | null> {
    const run = await this.store.getFlowRun(id);
    return run && asFlowRun(run);
  }

  async getTaskRun(id: string): Promise<TaskRun | null> {
    const run = await this.store.getTaskRun(id);
    return run && asTaskRun(run);
  }

  async listTaskRuns(flowRunId: string): Promise<TaskRun[]> {
    return (await this.store.listTaskRuns(flowRunId)).map(asTaskRun);
  }

  async listStates(_kind: RunKind, runId: string): Promise<State[]> {
    return asStates(await this.store.listStates(runId));
  }

  async listTaskRunHistories(flowRunId: string): Promise<Map<string, State[]>> {
    return new Map((await this.store.listTaskRunHistories(flowRunId)).map(({ taskRunId, states }) => [taskRunId, asStates(states)]));
  }

  async listLogs(flowRunId: string, page: LogPage): Promise<StoredLog[]> {
    return asLogs(await this.store.listLogs(flowRunId, page));
  }

  async cancelFlowRun(id: string): Promise<OrchestrationResult> {
    return this.store.cancelFlowRun(id);
  }

  async retryFlowRun(id: string, message: string): Promise<FlowRun> {
    const outcome = await retryFlowRun(this.store, id, message);
    if (!outcome.ok) throw new UsageError(outcome.message);
    return asFlowRun(outcome.run);
  }

  async resumeFlowRun(id: string, input: unknown): Promise<ResumeAnswer> {
    const outcome = await this.store.resumeFlowRun(id, input);
    if (outcome.ok) return { ok: true, run: asFlowRun(outcome.run) };
    return { ok: false, reason: outcome.reason, message: outcome.message, issues: outcome.reason === 'INVALID_INPUT' ? outcome.issues : [] };
  }

  async answerBreakpoint(taskRunId: string, reply: BreakpointReply): Promise<BreakpointAnswerOutcome> {
    const outcome = await this.store.answerBreakpoint(taskRunId, reply);
    return outcome.ok ? { ok: true, run: asTaskRun(outcome.run) } : outcome;
  }

  async continueFlowRun(flowRunId: string, step: boolean): Promise<ContinueFlowRunAnswer> {
    return this.store.continueFlowRun(flowRunId, step ? 'step' : 'continue');
  }

  async breakFlowRun(flowRunId: string): Promise<BreakFlowRunAnswer> {
    const outcome = await this.store.breakAll(flowRunId);
    if (outcome.ok) return outcome;
    return { ok: false, reason: outcome.reason === 'NOT_FOUND' ? 'NOT_FOUND' : 'REFUSED', message: outcome.message };
  }

  async sweepCrashedRuns(): Promise<void> {
    await this.store.sweepCrashedRuns();
  }

  async listConcurrencyLimits(): Promise<ConcurrencyLimit[]> {
    return (await this.store.listConcurrencyLimits()).map(asLimit);
  }

  async getConcurrencyLimit(tag: string): Promise<ConcurrencyLimit | null> {
    const limit = await this.store.getConcurrencyLimit(tag);
    return limit && asLimit(limit);
  }

  async setConcurrencyLimit(tag: string, limit: number): Promise<ConcurrencyLimit> {
    return asLimit(await this.store.setConcurrencyLimit(tag, limit));
  }

  async deleteConcurrencyLimit(tag: string): Promise<boolean> {
    return this.store.deleteConcurrencyLimit(tag);
  }
}
