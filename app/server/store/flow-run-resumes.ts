import type Database from 'better-sqlite3';
import type { FlowRun, JsonSchemaIssue, ResumeInput } from '../../core/index.js';
import { newId } from '../../core/ids.js';
import { checkJsonSchema, describeJsonSchemaIssue } from '../../core/json-schema-check.js';
import type { TransitionWriter } from './transition-writer.js';

export type ResumeOutcome =
  | { ok: true; run: FlowRun }
  | { ok: false; reason: 'NOT_FOUND' | 'NOT_PAUSED'; message: string }
  /** The input does not fit the JSON Schema the pause gave; the run stays Paused. */
  | { ok: false; reason: 'INVALID_INPUT'; message: string; issues: JsonSchemaIssue[] };

/** The input recorded for one pause, with when it was given. */
export interface ResumeRecord extends ResumeInput {
  pauseId: string;
  resumedAt: number;
}

/**
 * Resuming paused flow runs: the run goes back to Running and the input is kept, in the same
 * transaction, under the pause it answers, until the run's process reads it.
 */
export class FlowRunResumes {
  private readonly insert;
  private readonly select;

  constructor(
    db: Database.Database,
    private readonly writer: TransitionWriter,
    private readonly now: () => number,
    private readonly getFlowRun: (id: string) => FlowRun | null,
  ) {
    this.insert = db.prepare<[string, string, string | null, number]>(
      'INSERT OR REPLACE INTO flow_run_resumes (flow_run_id, pause_id, input, resumed_at) VALUES (?, ?, ?, ?)',
    );
    this.select = db.prepare<[string, string], { input: string | null; resumed_at: number }>(
      'SELECT input, resumed_at FROM flow_run_resumes WHERE flow_run_id = ? AND pause_id = ?',
    );
  }

  /** Moves a Paused run back to Running with `input` for its process; refuses any other run. */
  resume(id: string, input: unknown): ResumeOutcome {
    const outcome = this.writer.writeBatch((): ResumeOutcome => {
      const run = this.getFlowRun(id);
      if (!run) return { ok: false, reason: 'NOT_FOUND', message: `no flow run with id '${id}'` };
      if (run.state.type !== 'PAUSED') {
        return { ok: false, reason: 'NOT_PAUSED', message: `flow run '${run.name}' is ${run.state.name}; only a Paused run can be resumed` };
      }
      // Checked in the same transaction as the resume, against the pause the run is in now.
      const issues = run.pause?.inputSchema ? checkJsonSchema(run.pause.inputSchema, input) : [];
      if (issues.length > 0) {
        const what = issues.map(describeJsonSchemaIssue).join('; ');
        return { ok: false, reason: 'INVALID_INPUT', message: `the input does not fit what flow run '${run.name}' waits for: ${what}`, issues };
      }
      const result = this.writer.applySetState({
        kind: 'flow',
        runId: id,
        transitionId: newId(),
        state: { type: 'RUNNING', name: 'Running', message: input === undefined ? 'resumed' : 'resumed with input' },
      });
      if (result.status !== 'ACCEPT') {
        return { ok: false, reason: 'NOT_PAUSED', message: `flow run '${run.name}' cannot be resumed: ${result.reason ?? result.status}` };
      }
      const json = input === undefined ? null : JSON.stringify(input);
      this.insert.run(id, run.state.transitionId ?? '', json, this.now());
      return { ok: true, run };
    });
    return outcome.ok ? { ok: true, run: this.getFlowRun(id)! } : outcome;
  }

  /** The input the pause was resumed with, or null while it has not been. */
  inputOf(flowRunId: string, pauseId: string): ResumeRecord | null {
    const row = this.select.get(flowRunId, pauseId);
    if (!row) return null;
    const record: ResumeRecord = { pauseId, resumedAt: row.resumed_at };
    if (row.input !== null) record.input = JSON.parse(row.input);
    return record;
  }
}
