// The runs list filtered by work pool (and queue) reads a pool's runs down an index of its own:
// a pool's page asks for its waiting and running runs every two seconds, however many runs the
// pool and the others have had.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../app/core/index.js';
import { stateTypeOfName } from '../../../app/core/state-model.js';
import type { RunStore } from '../../../app/server/index.js';
import { flowRunPageQuery, type FlowRunPageFilter } from '../../../app/server/store/flow-run-page-query.js';
import { flowRunRequest } from '../http/support.js';
import { openTestStore, sqliteOf } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
/** A pool's waiting runs, as its page asks for them. */
const WAITING = ['Scheduled', 'Late', 'Pending', 'AwaitingRetry'];

describe('flow runs filtered by work pool', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  let clock = T0;

  beforeEach(async () => {
    clock = T0;
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath, now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  async function deployTo(name: string, pool: string, queue: string | null = null): Promise<string> {
    const [deployment] = await store.deploy([{ name, flowName: 'etl', entrypoint: 'etl.ts', workPool: pool, workQueue: queue }]);
    return deployment.id;
  }

  async function page(
    filter: Omit<FlowRunPageFilter, 'limit'>,
  ): Promise<{ id: string; state: string; pool?: string | null; queue?: string | null }[]> {
    const { items } = await store.listFlowRunPage({ ...filter, limit: 100 });
    return items.map((run) => ({ id: run.id, state: run.state.name, pool: run.workPool, queue: run.workQueue }));
  }

  it("lists a pool's runs, of one queue, in given states, and none for an unknown pool", async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    await store.createWorkQueue('main', { name: 'fast' });
    await store.createWorkPool({ name: 'other', type: 'process' });
    const slow = await deployTo('slow', 'main');
    const fast = await deployTo('fast', 'main', 'fast');
    const elsewhere = await deployTo('elsewhere', 'other');
    const made = async (deploymentId: string, scheduledTime: number) => {
      clock += 1000;
      return (await store.createDeploymentRun(deploymentId, { parameters: {}, scheduledTime })).id;
    };
    const late = await made(slow, T0 - 60_000);
    await store.markLateRuns(15_000);
    const due = await made(fast, T0);
    const ahead = await made(slow, T0 + 3_600_000);
    const claimed = await made(fast, T0);
    const otherRun = await made(elsewhere, T0);
    clock += 1000;
    const byHand = flowRunRequest({ flowName: 'etl' });
    await store.createFlowRun(byHand);
    // Only the fast queue's: the late run is in the default queue.
    const claims = await store.claimRuns({ pool: 'main' }, { worker: 'w1', queues: ['fast'], limit: 2 });
    expect(claims.map((c) => c.flowRun.id).sort()).toEqual([due, claimed].sort());
    await store.setState({ kind: 'flow', runId: due, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });

    expect(await page({ workPool: 'main' })).toEqual([
      { id: claimed, state: 'Pending', pool: 'main', queue: 'fast' },
      { id: ahead, state: 'Scheduled', pool: 'main', queue: 'default' },
      { id: due, state: 'Running', pool: 'main', queue: 'fast' },
      { id: late, state: 'Late', pool: 'main', queue: 'default' },
    ]);
    expect((await page({ workPool: 'main', workQueue: 'fast' })).map((run) => run.id)).toEqual([claimed, due]);
    expect((await page({ workPool: 'main', stateNames: WAITING, sort: 'oldest' })).map((run) => run.id)).toEqual([late, ahead, claimed]);
    expect((await page({ workPool: 'main', stateTypes: ['RUNNING'] })).map((run) => run.id)).toEqual([due]);
    expect((await page({ workPool: 'main', workQueue: 'default', stateNames: ['Late'] })).map((run) => run.id)).toEqual([late]);
    expect((await page({ workPool: 'other' })).map((run) => run.id)).toEqual([otherRun]);
    expect(await page({ workPool: 'nowhere' })).toEqual([]);
    expect(await page({ workPool: 'main', workQueue: 'nowhere' })).toEqual([]);
    // Every run, the one started by hand with them.
    expect((await page({})).map((run) => run.id)).toContain(byHand.id);
  });

  it('pages through a pool in order with the cursor', async () => {
    await store.createWorkPool({ name: 'main', type: 'process' });
    const id = await deployTo('d', 'main');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock += i % 3 === 0 ? 1000 : 0;
      ids.push((await store.createDeploymentRun(id, { parameters: {}, scheduledTime: T0 + i })).id);
    }
    const seen: string[] = [];
    let after: FlowRunPageFilter['after'];
    do {
      const next = await store.listFlowRunPage({ workPool: 'main', sort: 'oldest', after, limit: 3 });
      seen.push(...next.items.map((run) => run.id));
      after = next.next ?? undefined;
    } while (after);
    const oldestFirst = (await store.listFlowRunPage({ workPool: 'main', sort: 'oldest', limit: 100 })).items.map((run) => run.id);
    expect(seen).toEqual(oldestFirst);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  describe('query plans', () => {
    const after = { createdAt: T0, id: 'x' };
    const cases: [Omit<FlowRunPageFilter, 'limit'>, string][] = [
      [{ workPool: 'main' }, 'ix_flow_runs_pool'],
      [{ workPool: 'main', sort: 'oldest' }, 'ix_flow_runs_pool'],
      [{ workPool: 'main', workQueue: 'fast' }, 'ix_flow_runs_pool_queue'],
      [{ workPool: 'main', stateTypes: ['RUNNING'] }, 'ix_flow_runs_pool_state'],
      [{ workPool: 'main', stateTypes: ['SCHEDULED', 'PENDING'] }, 'ix_flow_runs_pool_state'],
      [{ workPool: 'main', stateNames: WAITING, sort: 'oldest' }, 'ix_flow_runs_pool_state'],
      [{ workPool: 'main', stateNames: ['Late'] }, 'ix_flow_runs_pool_state'],
      [{ workPool: 'main', flowName: 'etl', stateTypes: ['RUNNING'] }, 'ix_flow_runs_pool_state'],
    ];
    it.each(cases)('%j walks %s, without sorting', async (filter, index) => {
      const query = flowRunPageQuery({ ...filter, after, limit: 50 }, 51);
      const plan = sqliteOf(store)
        .database.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.text}`)
        .all(...query.params)
        .map((row) => row.detail);
      const runSteps = plan.filter((step) => /^(SCAN|SEARCH) r\b/.test(step));
      // One walk per state type asked for, by type or by name.
      const walks = new Set(filter.stateTypes ?? (filter.stateNames ?? []).map(stateTypeOfName)).size || 1;
      expect(runSteps.length, plan.join('\n')).toBe(walks);
      for (const step of runSteps) expect(step, plan.join('\n')).toMatch(new RegExp(`^SEARCH r USING INDEX ${index} \\(work_pool=\\?`));
      // Merged walks sort at most one page from each; a single walk sorts nothing.
      if (runSteps.length === 1) expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    });
  });
});
