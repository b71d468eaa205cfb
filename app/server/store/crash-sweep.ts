import type Database from 'better-sqlite3';
import type { ProposedState } from '../../core/index.js';
import { newId } from '../../core/ids.js';
import { TERMINAL_STATE_TYPES } from '../../core/state-model.js';
import { sqlList } from './sql-list.js';
import type { TransitionWriter } from './transition-writer.js';

/** Whether a process with this id exists on this host (one owned by another user counts). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a sweep needs: the store's database and writer, the time, and what counts as gone. */
export interface CrashSweep {
  db: Database.Database;
  writer: TransitionWriter;
  now: number;
  /** Silence longer than this marks a run's process gone, wherever it ran. */
  heartbeatTimeoutMs: number;
  /** This machine: a run started here is gone as soon as its process is. */
  hostname: string;
  /** Silence before this time is not counted. */
  silentSince?: number;
}

/**
 * Marks Crashed every run whose owning process is gone: dead on this host, or silent for longer
 * than the heartbeat timeout. Their unfinished task runs crash with them. Returns how many flow
 * runs it marked.
 */
export function sweepCrashedRuns({ db, writer, now, heartbeatTimeoutMs, hostname, silentSince = 0 }: CrashSweep): number {
  const candidates = db
    .prepare<[], { id: string; pid: number; hostname: string | null; heartbeat_at: number | null; created_at: number }>(
      `SELECT id, pid, hostname, heartbeat_at, created_at FROM flow_runs
         WHERE state_type NOT IN ${sqlList(TERMINAL_STATE_TYPES)} AND pid IS NOT NULL`,
    )
    .all();
  const gone = candidates.filter((run) => {
    const lastSign = Math.max(run.heartbeat_at ?? run.created_at, silentSince);
    if (now - lastSign > heartbeatTimeoutMs) return true;
    return run.hostname === hostname && run.pid !== process.pid && !processIsAlive(run.pid);
  });
  if (gone.length === 0) return 0;
  let marked = 0;
  writer.writeBatch(() => {
    for (const run of gone) {
      const message = 'the flow process stopped without reporting a final state';
      const state: ProposedState = { type: 'CRASHED', name: 'Crashed', message };
      // The writer crashes the run's unfinished task runs with it.
      const result = writer.applySetState({ kind: 'flow', runId: run.id, transitionId: newId(), state });
      if (result.status === 'ACCEPT') marked++;
    }
  });
  return marked;
}
