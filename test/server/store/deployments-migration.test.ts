// A database made before deployments existed: opened, it gains their tables and columns, its runs
// read as runs started by hand, and deployments and claims work on it.
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { MIGRATIONS } from '../../../app/server/store/index.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const DEPLOYMENTS_MIGRATION = MIGRATIONS.findIndex((m) => m.name.startsWith('deployments,'));

it('a database from before deployments gets their tables, and its runs read as runs started by hand', async () => {
  expect(DEPLOYMENTS_MIGRATION).toBeGreaterThan(0);
  const temp = makeTempHome();
  try {
    const old = new Database(temp.dbPath);
    for (const migration of MIGRATIONS.slice(0, DEPLOYMENTS_MIGRATION)) old.exec(migration.sql);
    old.pragma(`user_version = ${DEPLOYMENTS_MIGRATION}`);
    const state = old
      .prepare(`INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt) VALUES ('flow-1', 'flow', 'COMPLETED', 'Completed', 5, 1)`)
      .run();
    old
      .prepare(
        `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters, tags, retry_policy, created_at, run_count)
         VALUES ('flow-1', 'f', 'etl', 'old-run', 'COMPLETED', 'Completed', ?, '{}', '[]', '{"retries":0,"retryDelaySeconds":[0]}', 5, 1)`,
      )
      .run(state.lastInsertRowid);
    old.close();

    const store = await openTestStore({ path: temp.dbPath, sweepOnOpen: false });
    try {
      expect(sqliteOf(store).database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const run = (await store.getFlowRun('flow-1'))!;
      expect(run.name).toBe('old-run');
      expect(run).not.toHaveProperty('deploymentId');
      expect((await store.listFlowRunPage({ limit: 10 })).items[0]).not.toHaveProperty('workPool');
      await store.createWorkPool({ name: 'main', type: 'process' });
      const [deployment] = await store.deploy([{ name: 'nightly', flowName: 'etl', entrypoint: 'etl.ts', workPool: 'main' }]);
      const made = await store.createDeploymentRun(deployment.id, { parameters: {}, scheduledTime: Date.now() - 1 });
      const claimed = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: [], limit: 5 });
      expect(claimed.map((c) => c.flowRun.id)).toEqual([made.id]);
      expect((await store.listFlowRuns({ deploymentId: deployment.id })).map((r) => r.id)).toEqual([made.id]);
    } finally {
      await store.close();
    }
  } finally {
    temp.cleanup();
  }
});
