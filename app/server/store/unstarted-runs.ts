import type Database from 'better-sqlite3';

/**
 * Deletes Scheduled deployment runs that never started, with their states: a run that never
 * started has no task runs, logs or pauses, and its history is the short chain of its states.
 * `where` is a condition on `flow_runs` (always kept to Scheduled runs here); answers how many.
 */
export function deleteUnstartedRuns(db: Database.Database, where: string, params: readonly unknown[]): number {
  // A run Scheduled again after it ran (a retry) started once: it stays.
  const condition = `state_type = 'SCHEDULED' AND start_time IS NULL AND deployment_id IS NOT NULL AND (${where})`;
  db.prepare(
    `WITH RECURSIVE chain(id) AS (
       SELECT state_id FROM flow_runs WHERE ${condition}
       UNION ALL SELECT states.previous_id FROM states JOIN chain ON states.id = chain.id WHERE states.previous_id IS NOT NULL)
     DELETE FROM states WHERE id IN (SELECT id FROM chain)`,
  ).run(...params);
  return db.prepare(`DELETE FROM flow_runs WHERE ${condition}`).run(...params).changes;
}
