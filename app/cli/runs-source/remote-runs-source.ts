import type { RunIdProblem } from '../../core/api/run-ids.js';
import { FLOW_RUN_PAGE_MAX, RUN_ID_PREFIXES_MAX, RunIdSchema, type ApiClient } from '../../core/api/index.js';
import {
  LOG_LEVELS,
  type ConcurrencyLimit,
  type FlowRun,
  type FlowRunSummary,
  type OrchestrationResult,
  type RunKind,
  type State,
  type StoredLog,
  type TaskRun,
} from '../../core/index.js';
import { UsageError } from '../errors.js';
import { isStatus, orNull } from '../remote-answers.js';
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

/** Each poll is a request over the network: ask less often than locally. */
const POLL_MS = 500;

/** A refused breakpoint answer, said as the local store says it; null for any other error. */
function breakpointRefusal(error: unknown): Extract<BreakpointAnswerOutcome, { ok: false }> | null {
  if (isStatus(error, 404)) return { ok: false, reason: 'NOT_FOUND', message: error.message };
  if (isStatus(error, 409)) return { ok: false, reason: 'NOT_AT_BREAKPOINT', message: error.message };
  if (isStatus(error, 422)) return { ok: false, reason: 'INVALID_INPUT', message: error.message };
  return null;
}

/** Runs on a Flowdeck server, through its REST API. */
export class RemoteRunsSource implements RunsSource {
  readonly pollIntervalMs = POLL_MS;

  constructor(private readonly api: ApiClient) {}

  async resolveRunId(kind: RunKind, idOrPrefix: string): Promise<{ id: string } | { problem: RunIdProblem }> {
    // Text no run id can be (empty, too long) matches nothing, as in the local store.
    if (!RunIdSchema.safeParse(idOrPrefix).success) return { problem: 'unknown' };
    try {
      return { id: (await this.api.resolveRunId({ query: { kind, prefix: idOrPrefix } })).id };
    } catch (error) {
      if (isStatus(error, 404)) return { problem: 'unknown' };
      if (isStatus(error, 409)) return { problem: 'ambiguous' };
      throw error;
    }
  }

  async uniqueIdPrefixes(kind: RunKind, ids: readonly string[]): Promise<Map<string, string>> {
    const prefixes = new Map<string, string>();
    for (let start = 0; start < ids.length; start += RUN_ID_PREFIXES_MAX) {
      const answer = await this.api.runIdPrefixes({ body: { kind, ids: ids.slice(start, start + RUN_ID_PREFIXES_MAX) } });
      for (const { id, prefix } of answer) prefixes.set(id, prefix);
    }
    return prefixes;
  }

  /** The API's listing, page after page: the same filters and order as the local store's. */
  async listFlowRuns(listing: FlowRunListing): Promise<FlowRunSummary[]> {
    const runs: FlowRunSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.api.listFlowRuns({
        query: {
          flowName: listing.flowName || undefined,
          parentFlowRunId: listing.parentFlowRunId,
          workPool: listing.workPool,
          workQueue: listing.workQueue,
          stateTypes: listing.stateTypes.length > 0 ? [...listing.stateTypes] : undefined,
          stateNames: listing.stateNames.length > 0 ? [...listing.stateNames] : undefined,
          limit: Math.min(FLOW_RUN_PAGE_MAX, listing.limit - runs.length),
          cursor,
        },
      });
      runs.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && runs.length < listing.limit);
    return runs;
  }

  async getFlowRun(id: string): Promise<FlowRun | null> {
    const read = await orNull(this.api.getFlowRun({ params: { id } }));
    if (!read) return null;
    // Whether the server can run it again is the server's view, which the local store has not: runs read the same from both.
    const { rerun: _rerun, ...run } = read;
    return run;
  }

  getTaskRun(id: string): Promise<TaskRun | null> {
    return orNull(this.api.getTaskRun({ params: { id } }));
  }

  listTaskRuns(flowRunId: string): Promise<TaskRun[]> {
    return this.api.listFlowRunTaskRuns({ params: { id: flowRunId } });
  }

  listStates(kind: RunKind, runId: string): Promise<State[]> {
    return kind === 'flow' ? this.api.listFlowRunStates({ params: { id: runId } }) : this.api.listTaskRunStates({ params: { id: runId } });
  }

  async listTaskRunHistories(flowRunId: string): Promise<Map<string, State[]>> {
    const histories = await this.api.listFlowRunTaskRunStates({ params: { id: flowRunId } });
    return new Map(histories.map(({ taskRunId, states }) => [taskRunId, states]));
  }

  /**
   * The API takes levels up to CRITICAL; a higher minimum (any number is a level) is asked for
   * as CRITICAL and the lines below it are dropped here, reading on until the page is full.
   */
  async listLogs(flowRunId: string, page: LogPage): Promise<StoredLog[]> {
    const minLevel = page.minLevel;
    const lines: StoredLog[] = [];
    let afterId = page.afterId;
    for (;;) {
      const batch = await this.api.listFlowRunLogs({
        params: { id: flowRunId },
        query: {
          afterId,
          limit: page.limit,
          taskRunId: page.taskRunId,
          minLevel: minLevel === undefined ? undefined : Math.min(minLevel, LOG_LEVELS.CRITICAL),
        },
      });
      for (const line of batch) {
        if (minLevel !== undefined && line.level < minLevel) continue;
        lines.push(line);
        if (lines.length === page.limit) return lines;
      }
      if (batch.length < page.limit) return lines;
      afterId = batch[batch.length - 1].id;
    }
  }

  cancelFlowRun(id: string): Promise<OrchestrationResult> {
    return this.api.cancelFlowRun({ params: { id } });
  }

  async retryFlowRun(id: string, message: string): Promise<FlowRun> {
    try {
      return await this.api.retryFlowRun({ params: { id }, body: { message } });
    } catch (error) {
      // The server's refusal says the same as the local store's.
      if (isStatus(error, 404, 409)) throw new UsageError(error.message);
      throw error;
    }
  }

  async resumeFlowRun(id: string, input: unknown): Promise<ResumeAnswer> {
    try {
      return { ok: true, run: await this.api.resumeFlowRun({ params: { id }, body: input === undefined ? {} : { input } }) };
    } catch (error) {
      // The server's refusal says the same as the local store's.
      if (isStatus(error, 404)) return { ok: false, reason: 'NOT_FOUND', message: error.message, issues: [] };
      if (isStatus(error, 409)) return { ok: false, reason: 'NOT_PAUSED', message: error.message, issues: [] };
      if (isStatus(error, 422)) return { ok: false, reason: 'INVALID_INPUT', message: error.message, issues: [...error.issues] };
      throw error;
    }
  }

  async answerBreakpoint(taskRunId: string, reply: BreakpointReply): Promise<BreakpointAnswerOutcome> {
    const params = { id: taskRunId };
    try {
      switch (reply.action) {
        case 'continue':
        case 'step': {
          const body = { ...(reply.action === 'step' ? { step: true } : {}), ...(reply.inputs ? { inputs: reply.inputs } : {}) };
          return { ok: true, run: await this.api.continueTaskRun({ params, body }) };
        }
        case 'skip':
          return { ok: true, run: await this.api.skipTaskRun({ params, body: { result: reply.result } }) };
        case 'fail':
          return { ok: true, run: await this.api.failTaskRun({ params }) };
      }
    } catch (error) {
      const refused = breakpointRefusal(error);
      if (refused) return refused;
      throw error;
    }
  }

  async continueFlowRun(flowRunId: string, step: boolean): Promise<ContinueFlowRunAnswer> {
    try {
      const answer = await this.api.continueFlowRun({ params: { id: flowRunId }, body: step ? { step: true } : {} });
      return { ok: true, continued: answer.continued };
    } catch (error) {
      const refused = breakpointRefusal(error);
      if (refused) return refused;
      throw error;
    }
  }

  async breakFlowRun(flowRunId: string): Promise<BreakFlowRunAnswer> {
    try {
      await this.api.breakFlowRun({ params: { id: flowRunId } });
      return { ok: true };
    } catch (error) {
      if (isStatus(error, 404)) return { ok: false, reason: 'NOT_FOUND', message: error.message };
      if (isStatus(error, 409)) return { ok: false, reason: 'REFUSED', message: error.message };
      throw error;
    }
  }

  /** The server marks crashed runs itself, every second. */
  async sweepCrashedRuns(): Promise<void> {}

  listConcurrencyLimits(): Promise<ConcurrencyLimit[]> {
    return this.api.listConcurrencyLimits();
  }

  getConcurrencyLimit(tag: string): Promise<ConcurrencyLimit | null> {
    return orNull(this.api.getConcurrencyLimit({ params: { tag } }));
  }

  setConcurrencyLimit(tag: string, limit: number): Promise<ConcurrencyLimit> {
    return this.api.setConcurrencyLimit({ params: { tag }, body: { limit } });
  }

  async deleteConcurrencyLimit(tag: string): Promise<boolean> {
    try {
      await this.api.deleteConcurrencyLimit({ params: { tag } });
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw error;
    }
  }
}
