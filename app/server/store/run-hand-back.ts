import type Database from 'better-sqlite3';
import { newId } from '../../core/ids.js';
import { SCHEDULED_NAME } from './deployment-run-states.js';
import type { TransitionWriter } from './transition-writer.js';

/** A claimed run going back to wait for a worker: its id and the time it was due. */
export interface HandedBackRun {
  id: string;
  expected_start_time: number | null;
}

/**
 * Puts claimed runs back to Scheduled for another worker, inside the current write transaction:
 * a recorded transition that says why, the task runs of a running one cancelled, then the run
 * belongs to no worker and no process (so the crash sweep does not take the process that gave it
 * back for one that died). Answers the ids moved; a run the rules refuse to move (it ended
 * meanwhile) stays as it is.
 */
export function handBackRuns(db: Database.Database, writer: TransitionWriter, runs: readonly HandedBackRun[], message: string): string[] {
  const unclaim = db.prepare('UPDATE flow_runs SET worker_name = NULL, pid = NULL, hostname = NULL WHERE id = ?');
  const moved: string[] = [];
  for (const run of runs) {
    const result = writer.applySetState({
      kind: 'flow',
      runId: run.id,
      transitionId: newId(),
      state: {
        type: 'SCHEDULED',
        name: SCHEDULED_NAME,
        message,
        ...(run.expected_start_time !== null ? { scheduledTime: run.expected_start_time } : {}),
      },
    });
    if (result.status !== 'ACCEPT') continue;
    // The attempt that was running is over: its task runs that had not ended never will.
    writer.endUnfinishedTaskRuns(run.id, {
      type: 'CANCELLED',
      name: 'Cancelled',
      message: `its flow run was Scheduled again before this task run ended (${message})`,
    });
    unclaim.run(run.id);
    moved.push(run.id);
  }
  return moved;
}
