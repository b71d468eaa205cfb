import type Database from 'better-sqlite3';
import type { FlowRunPause, PauseRequest } from '../../core/index.js';

/**
 * What each pause of a flow run waits for: its reason, the JSON Schema of the input and when it
 * gives up, kept under the transition id of its Paused state like the input that answers it.
 */
export class FlowRunPauses {
  private readonly insert;
  private readonly select;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[string, string, string | null, string | null, number | null]>(
      'INSERT OR REPLACE INTO flow_run_pauses (flow_run_id, pause_id, reason, input_schema, timeout_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.select = db.prepare<[string, string], { reason: string | null; input_schema: string | null; timeout_at: number | null }>(
      'SELECT reason, input_schema, timeout_at FROM flow_run_pauses WHERE flow_run_id = ? AND pause_id = ?',
    );
  }

  /** Keeps what a pause that began at `pausedAt` waits for; called inside the transition's write. */
  record(flowRunId: string, pauseId: string, pause: PauseRequest, pausedAt: number): void {
    const timeoutAt = pause.timeoutSeconds === undefined ? null : Math.round(pausedAt + pause.timeoutSeconds * 1000);
    this.insert.run(flowRunId, pauseId, pause.reason ?? null, pause.inputSchema ? JSON.stringify(pause.inputSchema) : null, timeoutAt);
  }

  /** What the pause waits for, or null when it said nothing (or there is no such pause). */
  of(flowRunId: string, pauseId: string): FlowRunPause | null {
    const row = this.select.get(flowRunId, pauseId);
    if (!row) return null;
    return {
      pauseId,
      reason: row.reason,
      inputSchema: row.input_schema === null ? null : (JSON.parse(row.input_schema) as Record<string, unknown>),
      timeoutAt: row.timeout_at,
    };
  }
}
