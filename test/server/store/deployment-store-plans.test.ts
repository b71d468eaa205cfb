// Claims, beats and the scheduler run every few seconds against a flow_runs table that keeps
// every run ever made: none of their statements may read it other than through an index.
import { expect, it } from 'vitest';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

/**
 * Whether a step of a plan reads flow runs other than by a bounded seek: a scan, or an index
 * search that does not narrow to one run or to runs in one state (which would read every run a
 * pool, worker or deployment ever had). A deployment's latest runs walk its runs newest first and
 * stop after a few (LIMIT): that walk is bounded.
 */
function readsTooMuch(detail: string): boolean {
  if (/^SCAN (r|a|flow_runs)\b/.test(detail)) return true;
  if (!/^SEARCH (r|a|flow_runs)\b/.test(detail)) return false;
  if (/\b(state_type|id|idempotency_key)=/.test(detail)) return false;
  return !detail.includes('INDEX ix_flow_runs_deployment (deployment_id=?)');
}

/** The statements each part of the deployment store prepared, by part and name. */
function preparedStatements(parts: object): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [partName, part] of Object.entries(parts)) {
    const statements = (part as { stmt?: Record<string, { source?: unknown }> } | null)?.stmt;
    if (!statements) continue;
    for (const [name, statement] of Object.entries(statements)) {
      if (typeof statement.source === 'string') sources.set(`${partName}.${name}`, statement.source);
    }
  }
  return sources;
}

it('reads flow runs by bounded index seeks in every statement of deployments, pools, workers, claims and schedules', async () => {
  const temp = makeTempHome();
  const store = await openTestStore({ path: temp.dbPath });
  try {
    const sqlite = sqliteOf(store);
    const statements = preparedStatements(sqlite.deployments);
    expect(statements.size).toBeGreaterThan(40);
    const scans: string[] = [];
    for (const [name, sql] of statements) {
      const named = [...new Set(sql.match(/@\w+/g) ?? [])].map((p) => p.slice(1));
      const args =
        named.length > 0
          ? [Object.fromEntries(named.map((p) => [p, p === 'queues' || p === 'held' ? '[]' : 1]))]
          : (sql.match(/\?/g) ?? []).map(() => 1);
      const plan = sqlite.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
      for (const { detail } of plan) if (readsTooMuch(detail)) scans.push(`${name}: ${detail}`);
    }
    expect(scans).toEqual([]);
  } finally {
    await store.close();
    temp.cleanup();
  }
});
