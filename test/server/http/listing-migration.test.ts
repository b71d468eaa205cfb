import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../app/server/store/index.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

let temp: ReturnType<typeof makeTempHome>;
beforeEach(() => (temp = makeTempHome()));
afterEach(() => temp.cleanup());

it('a database from before the listing indexes gets them, with the tags of its runs', async () => {
  // A database as the first schema version left it, with one tagged run.
  const old = new Database(temp.dbPath);
  old.exec(MIGRATIONS[0].sql);
  old.pragma('user_version = 1');
  const stateId = old
    .prepare(`INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt) VALUES ('run-1', 'flow', 'COMPLETED', 'Completed', 5, 1)`)
    .run().lastInsertRowid;
  old
    .prepare(
      `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters, tags, retry_policy, created_at)
       VALUES ('run-1', 'f', 'etl', 'old-run', 'COMPLETED', 'Completed', ?, '{}', '["nightly","prod"]', '{"retries":0,"retryDelaySeconds":[0]}', 5)`,
    )
    .run(stateId);
  old.close();

  const store = await openTestStore({ path: temp.dbPath, sweepOnOpen: false });
  try {
    // The schema version is SQLite's: the migrations ran on the file.
    expect(sqliteOf(store).database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect((await store.listFlowRunPage({ tags: ['prod'], limit: 10 })).items.map((run) => run.name)).toEqual(['old-run']);
    expect((await store.listFlowRunPage({ tags: ['prod', 'nightly'], flowName: 'etl', limit: 10 })).items).toHaveLength(1);
    expect((await store.listFlowRunPage({ tags: ['weekly'], limit: 10 })).items).toEqual([]);
  } finally {
    await store.close();
  }
});
