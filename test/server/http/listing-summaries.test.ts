// Listings carry summaries: a page of flow runs stays small however large each run's parameters
// are, and the run's own read still has them whole.
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../app/core/api/index.js';
import { call, flowRunRequest, useTestServer } from './support.js';

describe('GET /api/flow-runs', () => {
  const server = useTestServer();

  it('lists runs without their parameters, which the run itself has', async () => {
    const big = { rows: 'x'.repeat(2 * 1024 * 1024), nested: { list: Array.from({ length: 1000 }, (_, i) => i) } };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const run = flowRunRequest({ name: `big-${i}`, parameters: big });
      await server.current.store.createFlowRun(run);
      ids.push(run.id);
    }
    const page = await call(`${server.current.api}/flow-runs?limit=50`);
    expect(page.status).toBe(200);
    expect(page.json.items.map((run: { id: string }) => run.id).sort()).toEqual([...ids].sort());
    for (const item of page.json.items) {
      expect(item).not.toHaveProperty('parameters');
      expect(item).toMatchObject({ flowName: 'etl', state: { type: 'PENDING' } });
    }
    // Five runs of 2 MB parameters each: the page holds none of it.
    expect(page.text.length).toBeLessThan(20_000);

    const one = await call(`${server.current.api}/flow-runs/${ids[0]}`);
    expect(one.json.parameters).toEqual(big);

    // Every way of reading a page gives summaries: by text, by several states, by tag, through the typed client.
    const client = createApiClient({ baseUrl: server.current.api });
    for (const query of [{ q: 'big' }, { stateTypes: ['PENDING', 'RUNNING'] as const }, { flowName: 'etl' }]) {
      const items = (await client.listFlowRuns({ query: { ...query, stateTypes: query.stateTypes ? [...query.stateTypes] : undefined } })).items;
      expect(items).toHaveLength(5);
      for (const item of items) expect(item).not.toHaveProperty('parameters');
    }
  });
});

describe('GET /api/flow-runs of re-runs', () => {
  const server = useTestServer();

  it('carries the run each one was made from, and null for the others', async () => {
    const original = flowRunRequest({ name: 'original' });
    await server.current.store.createFlowRun(original);
    const rerun = flowRunRequest({ name: 'from-a-task', rerunOf: { flowRunId: original.id, taskRunId: 'task-run-1' } });
    await server.current.store.createFlowRun(rerun);

    const client = createApiClient({ baseUrl: server.current.api });
    const items = (await client.listFlowRuns({ query: { sort: 'oldest' } })).items;
    expect(items.map((run) => [run.name, run.rerunOf])).toEqual([
      ['original', null],
      ['from-a-task', { flowRunId: original.id, taskRunId: 'task-run-1' }],
    ]);
  });
});
