import type Database from 'better-sqlite3';
import type {
  BreakpointAction,
  BreakpointAnswer,
  BreakpointRequest,
  DebugRunInfo,
  ErrorInfo,
  ProposedState,
  TaskRun,
  TaskRunBreakpoint,
} from '../../core/index.js';
import { BREAKPOINT, CONTINUED, isAtBreakpoint, SKIPPED } from '../../core/debugging.js';
import { newId } from '../../core/ids.js';
import { isTerminal, type StateType } from '../../core/state-model.js';
import type { TransitionWriter } from './transition-writer.js';

/** What a person answers a breakpoint with. */
export interface BreakpointCommand {
  action: BreakpointAction;
  /** With continue or step: the task's arguments to run with instead of its own. */
  inputs?: unknown[];
  /** With skip: the task run's result. */
  result?: unknown;
}

export type BreakpointOutcome =
  | { ok: true; run: TaskRun }
  /** NOT_FOUND: no such task run; NOT_AT_BREAKPOINT: it is not held at one; INVALID_INPUT: the answer does not fit it. Nothing changed. */
  | { ok: false; reason: 'NOT_FOUND' | 'NOT_AT_BREAKPOINT' | 'INVALID_INPUT'; message: string };

export type BreakAllOutcome = { ok: true } | { ok: false; reason: 'NOT_FOUND' | 'FINISHED' | 'NOT_DEBUG_RUN'; message: string };

export type ContinueFlowRunOutcome =
  { ok: true; continued: string[] } | { ok: false; reason: 'NOT_FOUND' | 'NOT_AT_BREAKPOINT' | 'INVALID_INPUT'; message: string };

/** How much of an edit the history's message shows. */
const MESSAGE_INPUTS_CHARS = 400;
/** How much of a skipped run's result its Skipped state shows. */
const RESULT_PREVIEW_CHARS = 2000;

interface BreakpointRow {
  flow_run_id: string;
  inputs: string | null;
  reason: string | null;
  error: string | null;
  paused_at: number;
}

interface AnswerRow {
  id: number;
  flow_run_id: string;
  task_run_id: string;
  breakpoint_id: string;
  action: BreakpointAction;
  inputs: string | null;
  result: string | null;
  answered_at: number;
}

function cut(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

function answerFromRow(row: AnswerRow): BreakpointAnswer {
  const answer: BreakpointAnswer = {
    id: row.id,
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    breakpointId: row.breakpoint_id,
    action: row.action,
    answeredAt: row.answered_at,
  };
  if (row.inputs !== null) answer.inputs = JSON.parse(row.inputs) as unknown[];
  if (row.result !== null) answer.result = JSON.parse(row.result);
  return answer;
}

/**
 * Breakpoints of debug runs: where each task run stopped, kept with its Breakpoint state, and the
 * answers people give. An answer moves the task run on in the same transaction as it is kept
 * (Continued, Skipped or Failed), and is numbered, so the run's process reads the answers after
 * the last one it saw.
 */
export class TaskRunBreakpoints {
  private readonly insertBreakpoint;
  private readonly selectBreakpoint;
  private readonly insertAnswer;
  private readonly selectAnswers;
  private readonly pausedOfFlowRun;
  private readonly lastFlowAnswer;
  private readonly insertDebugRun;
  private readonly selectDebugRun;

  constructor(
    db: Database.Database,
    private readonly writer: TransitionWriter,
    private readonly now: () => number,
    /** A task run's read, which carries where it stopped when it is at a breakpoint. */
    private readonly getTaskRun: (id: string) => TaskRun | null,
    private readonly flowRunStateType: (id: string) => StateType | null,
  ) {
    this.insertBreakpoint = db.prepare<[string, string, string, string | null, string | null, string | null, number]>(
      `INSERT OR REPLACE INTO task_run_breakpoints (task_run_id, breakpoint_id, flow_run_id, inputs, reason, error, paused_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectBreakpoint = db.prepare<[string, string], BreakpointRow>(
      'SELECT flow_run_id, inputs, reason, error, paused_at FROM task_run_breakpoints WHERE task_run_id = ? AND breakpoint_id = ?',
    );
    this.insertAnswer = db.prepare<[string, string, string, string, string | null, string | null, number]>(
      `INSERT INTO breakpoint_answers (flow_run_id, task_run_id, breakpoint_id, action, inputs, result, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectAnswers = db.prepare<[string, number, number], AnswerRow>(
      'SELECT * FROM breakpoint_answers WHERE flow_run_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    this.insertDebugRun = db.prepare<[string, string]>('INSERT OR IGNORE INTO debug_runs (flow_run_id, options) VALUES (?, ?)');
    this.selectDebugRun = db.prepare<[string], { options: string }>('SELECT options FROM debug_runs WHERE flow_run_id = ?');
    this.lastFlowAnswer = db.prepare<[string], { action: string }>(
      "SELECT action FROM breakpoint_answers WHERE flow_run_id = ? AND task_run_id = '' ORDER BY id DESC LIMIT 1",
    );
    this.pausedOfFlowRun = db.prepare<[string, string], { id: string }>(
      "SELECT id FROM task_runs WHERE flow_run_id = ? AND state_type = 'PAUSED' AND state_name = ? ORDER BY created_at, dynamic_key",
    );
  }

  /** Keeps what a debug run was started with; called inside the write that creates it. */
  recordDebugRun(flowRunId: string, debug: DebugRunInfo): void {
    this.insertDebugRun.run(flowRunId, JSON.stringify(debug));
  }

  /** What a debug run was started with; null for a run that is no debug run. */
  debugRunOf(flowRunId: string): DebugRunInfo | null {
    const row = this.selectDebugRun.get(flowRunId);
    if (!row) return null;
    const info = JSON.parse(row.options) as DebugRunInfo;
    info.broken = this.isBrokenAsAWhole(flowRunId);
    return info;
  }

  /** Whether the flow run's last answer as a whole was a break, which no continue has ended since. */
  private isBrokenAsAWhole(flowRunId: string): boolean {
    return this.lastFlowAnswer.get(flowRunId)?.action === 'break';
  }

  /** Keeps where a task run stopped; called inside the write of its Breakpoint state. */
  record(taskRunId: string, breakpointId: string, flowRunId: string, request: BreakpointRequest, state: ProposedState, at: number): void {
    const error = state.error ? JSON.stringify(state.error) : null;
    this.insertBreakpoint.run(taskRunId, breakpointId, flowRunId, request.inputs, state.message ?? null, error, at);
  }

  /** Where the task run stopped at the breakpoint its Breakpoint state (this transition id) began, or null. */
  of(taskRunId: string, breakpointId: string): TaskRunBreakpoint | null {
    const row = this.selectBreakpoint.get(taskRunId, breakpointId);
    if (!row) return null;
    return {
      breakpointId,
      inputs: row.inputs,
      reason: row.reason,
      error: row.error === null ? null : (JSON.parse(row.error) as ErrorInfo),
      pausedAt: row.paused_at,
    };
  }

  /** The answers given to breakpoints of the flow run after the one numbered `afterId`, oldest first. */
  answersAfter(flowRunId: string, afterId: number, limit = 1000): BreakpointAnswer[] {
    return this.selectAnswers.all(flowRunId, afterId, limit).map(answerFromRow);
  }

  /** Answers the breakpoint a task run is held at; refuses, changing nothing, an answer that does not fit it. */
  answer(taskRunId: string, command: BreakpointCommand): BreakpointOutcome {
    const outcome = this.writer.writeBatch(() => this.answerInBatch(taskRunId, command));
    return outcome.ok ? { ok: true, run: this.getTaskRun(taskRunId)! } : outcome;
  }

  /**
   * Continues (or steps) every task run of the flow run held at a breakpoint, in one transaction,
   * and ends a "break all": task runs that had not started start again as they come.
   */
  continueFlowRun(flowRunId: string, action: 'continue' | 'step' = 'continue'): ContinueFlowRunOutcome {
    return this.writer.writeBatch((): ContinueFlowRunOutcome => {
      if (this.flowRunStateType(flowRunId) === null) return { ok: false, reason: 'NOT_FOUND', message: `no flow run with id '${flowRunId}'` };
      const breakingAll = this.isBrokenAsAWhole(flowRunId);
      if (breakingAll) this.insertAnswer.run(flowRunId, '', '', 'continue', null, null, this.now());
      const continued: string[] = [];
      for (const { id } of this.pausedOfFlowRun.all(flowRunId, BREAKPOINT)) {
        const answered = this.answerInBatch(id, { action });
        if (answered.ok) continued.push(id);
      }
      if (continued.length === 0 && !breakingAll) {
        return { ok: false, reason: 'NOT_AT_BREAKPOINT', message: `flow run '${flowRunId}' has no task run at a breakpoint` };
      }
      return { ok: true, continued };
    });
  }

  /**
   * "Break all": every task run of the flow run that has not started yet stops at a breakpoint
   * before it starts, until the flow run is continued. Task runs running now finish their attempt.
   */
  breakAll(flowRunId: string): BreakAllOutcome {
    return this.writer.writeBatch((): BreakAllOutcome => {
      const type = this.flowRunStateType(flowRunId);
      if (type === null) return { ok: false, reason: 'NOT_FOUND', message: `no flow run with id '${flowRunId}'` };
      if (!this.debugRunOf(flowRunId)) {
        return {
          ok: false,
          reason: 'NOT_DEBUG_RUN',
          message: `flow run '${flowRunId}' is not a debug run, so its task runs cannot stop; start it with Debug (or flowdeck run --break, --step)`,
        };
      }
      if (isTerminal(type))
        return { ok: false, reason: 'FINISHED', message: `flow run '${flowRunId}' has ended (${type}); there is nothing to stop` };
      this.insertAnswer.run(flowRunId, '', '', 'break', null, null, this.now());
      return { ok: true };
    });
  }

  private answerInBatch(taskRunId: string, command: BreakpointCommand): { ok: true } | Extract<BreakpointOutcome, { ok: false }> {
    const run = this.getTaskRun(taskRunId);
    if (!run) return { ok: false, reason: 'NOT_FOUND', message: `no task run with id '${taskRunId}'` };
    const stopped = isAtBreakpoint(run.state) ? (run.breakpoint ?? null) : null;
    if (!stopped) {
      return {
        ok: false,
        reason: 'NOT_AT_BREAKPOINT',
        message: `task run '${run.name}' is ${run.state.name}; only a task run at a breakpoint can be answered`,
      };
    }
    const checked = this.check(run, stopped, command);
    if (checked) return { ok: false, reason: 'INVALID_INPUT', message: checked };
    const result = this.writer.applySetState({ kind: 'task', runId: taskRunId, transitionId: newId(), state: this.nextState(stopped, command) });
    if (result.status !== 'ACCEPT') {
      return { ok: false, reason: 'NOT_AT_BREAKPOINT', message: `task run '${run.name}' cannot go on: ${result.reason ?? result.status}` };
    }
    const inputs = command.inputs === undefined ? null : JSON.stringify(command.inputs);
    const given = command.action === 'skip' ? JSON.stringify(command.result ?? null) : null;
    this.insertAnswer.run(run.flowRunId, taskRunId, stopped.breakpointId, command.action, inputs, given, this.now());
    return { ok: true };
  }

  /** Why the answer does not fit the breakpoint, or null when it does. */
  private check(run: TaskRun, stopped: TaskRunBreakpoint, command: BreakpointCommand): string | null {
    const { action, inputs } = command;
    if (action === 'break') return 'a task run is continued, stepped, skipped or failed; to stop every task run of a flow run, break the flow run';
    if (action === 'fail' && !stopped.error) {
      return `task run '${run.name}' stopped before it started, not on a failure: continue it, step, skip it with a result, or cancel the flow run`;
    }
    if (action === 'skip' && command.result === undefined) return 'skipping a task run needs the result it should have, e.g. null';
    if (inputs === undefined) return null;
    if (action !== 'continue' && action !== 'step') return `inputs are given only to continue or step, not to ${action}`;
    if (!Array.isArray(inputs)) return 'inputs must be a JSON array of the task\'s arguments, e.g. [1, "text"]';
    if (stopped.inputs === null) return `the arguments of task run '${run.name}' cannot be written as JSON, so they cannot be edited`;
    const natural = JSON.parse(stopped.inputs) as unknown;
    if (Array.isArray(natural) && natural.length !== inputs.length) {
      const count = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
      return `task run '${run.name}' was called with ${count(natural.length)}; the inputs give ${count(inputs.length)}`;
    }
    return null;
  }

  private nextState(stopped: TaskRunBreakpoint, command: BreakpointCommand): ProposedState {
    switch (command.action) {
      case 'continue':
      case 'step': {
        const verb = command.action === 'step' ? 'stepped' : 'continued';
        const message =
          command.inputs === undefined ? verb : `${verb} with edited inputs: ${cut(JSON.stringify(command.inputs), MESSAGE_INPUTS_CHARS)}`;
        return { type: 'PENDING', name: CONTINUED, message };
      }
      case 'skip':
        return {
          type: 'COMPLETED',
          name: SKIPPED,
          message: 'skipped at a breakpoint with a given result',
          resultPreview: cut(JSON.stringify(command.result ?? null), RESULT_PREVIEW_CHARS),
        };
      case 'fail':
        return {
          type: 'FAILED',
          name: 'Failed',
          message: stopped.error?.message ?? 'failed at a breakpoint',
          ...(stopped.error ? { error: stopped.error } : {}),
          retryable: false,
        };
      case 'break':
        throw new Error('a break is an answer to a flow run, not to one of its task runs');
    }
  }
}
