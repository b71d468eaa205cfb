import { describe, expect, it } from 'vitest';
import { deployRequest, useDeploymentServer } from './deployment-support.js';
import { call } from './support.js';

const live = useDeploymentServer({ schedulerIntervalMs: 0 });

describe('GET /flow-runs by work pool', () => {
  it("lists a pool's runs, of one of its queues, in given states; an unknown pool lists none", async () => {
    const { client } = live.current;
    await client.createWorkPool({ body: { name: 'other' } });
    await client.createWorkQueue({ params: { pool: 'main' }, body: { name: 'fast' } });
    const slow = await client.deploy({ body: deployRequest({ name: 'slow' }) });
    const fast = await client.deploy({ body: deployRequest({ name: 'fast', workQueue: 'fast' }) });
    const elsewhere = await client.deploy({ body: deployRequest({ name: 'elsewhere', workPool: 'other' }) });
    const slowRun = await client.runDeployment({ params: { id: slow.id }, body: {} });
    const fastRun = await client.runDeployment({ params: { id: fast.id }, body: {} });
    const otherRun = await client.runDeployment({ params: { id: elsewhere.id }, body: {} });

    const ids = async (query: Record<string, unknown>) => (await client.listFlowRuns({ query })).items.map((run) => run.id).sort();
    expect(await ids({ workPool: 'main' })).toEqual([slowRun.id, fastRun.id].sort());
    expect(await ids({ workPool: 'main', workQueue: 'fast' })).toEqual([fastRun.id]);
    expect(await ids({ workPool: 'main', stateNames: ['Scheduled', 'Late', 'Pending', 'AwaitingRetry'] })).toEqual([slowRun.id, fastRun.id].sort());
    expect(await ids({ workPool: 'main', stateTypes: ['RUNNING'] })).toEqual([]);
    expect(await ids({ workPool: 'other' })).toEqual([otherRun.id]);
    expect(await ids({ workPool: 'nowhere' })).toEqual([]);
    const page = await client.listFlowRuns({ query: { workPool: 'main', workQueue: 'fast' } });
    expect(page.items[0]).toMatchObject({ workPool: 'main', workQueue: 'fast', deploymentName: 'etl/fast' });
  });

  it('refuses a malformed pool or queue name, and a queue without its pool, with a 400 naming the field', async () => {
    const { server } = live.current;
    const cases: [string, RegExp][] = [
      ['workPool=', /^query\.workPool: /],
      ['workPool=%20main', /^query\.workPool: must start with a letter or digit/],
      ['workPool=a%2Fb', /^query\.workPool: must start with a letter or digit/],
      [`workPool=${'p'.repeat(129)}`, /^query\.workPool: /],
      ['workPool=main&workQueue=..%2Fx', /^query\.workQueue: must start with a letter or digit/],
      ['workQueue=fast', /^query\.workQueue: needs workPool too: a queue is named within its pool/],
      ['workPool=main&workPool=other', /^query\.workPool: /],
    ];
    for (const [query, message] of cases) {
      const answer = await call(`${server.api}/flow-runs?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json.message, query).toMatch(message);
    }
  });

  it('describes workPool and workQueue in the OpenAPI document', async () => {
    const { server } = live.current;
    const doc = (await call(`${server.api}/openapi.json`)).json as {
      paths: Record<string, { get: { parameters: { name: string; in: string; schema: { pattern?: string } }[] } }>;
    };
    const parameters = doc.paths['/api/flow-runs'].get.parameters;
    for (const name of ['workPool', 'workQueue']) {
      const parameter = parameters.find((p) => p.name === name);
      expect(parameter, name).toMatchObject({ in: 'query', schema: { pattern: expect.any(String) } });
    }
  });
});
