// Workers' claims over a real server: answered at once when runs are due, and as soon as one
// comes due or is made while a claim waits.
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../app/core/api/index.js';
import { deployRequest, useDeploymentServer } from './deployment-support.js';
import { call, startTestServer } from './support.js';

const live = useDeploymentServer({ schedulerIntervalMs: 0 });
const WAIT = 30_000;

function claim(api: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${api}/work-pools/main/claim`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ worker: 'w1', limit: 10, ...body }),
    signal,
  });
}

/** The ids of the runs a claim answered with. */
async function claimedIds(answer: Response | Promise<Response>): Promise<string[]> {
  const body = (await (await answer).json()) as { runs: { flowRun: { id: string } }[] };
  return body.runs.map((claimed) => claimed.flowRun.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('claims', () => {
  it('take due runs at once and answer at once with none when none is due and no wait is asked', async () => {
    const { client } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: Date.now() + 3_600_000 } });
    const { runs } = await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w1', limit: 10 } });
    expect(runs.map((claimed) => [claimed.flowRun.id, claimed.flowRun.state.type, claimed.flowRun.workerName, claimed.deployment.id])).toEqual([
      [run.id, 'PENDING', 'w1', deployment.id],
    ]);
    expect(runs[0].jobTemplate).toEqual({ env: {}, workingDir: null, command: null, runsPerProcess: 1 });
    expect((await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w1', limit: 10 } })).runs).toEqual([]);
  });

  it('waiting, are answered when a run comes due, not before its time', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const dueAt = Date.now() + 800;
    const run = await client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: dueAt } });
    const asked = Date.now();
    const ids = await claimedIds(claim(server.api, { waitMs: WAIT }));
    const answeredAt = Date.now();
    expect(ids).toEqual([run.id]);
    expect(answeredAt).toBeGreaterThanOrEqual(dueAt);
    // Answered because the run came due, not because the wait ran out.
    expect(answeredAt).toBeLessThan(asked + WAIT);
  });

  it('waiting, are answered when a run is made on demand', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const asked = Date.now();
    const waiting = claim(server.api, { waitMs: WAIT });
    await sleep(200);
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    expect(await claimedIds(waiting)).toEqual([run.id]);
    expect(Date.now()).toBeLessThan(asked + WAIT);
  });

  it('waiting, answer with none when the wait runs out', async () => {
    const { server } = live.current;
    const asked = Date.now();
    const answer = await claim(server.api, { waitMs: 300 });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ runs: [] });
    expect(Date.now()).toBeGreaterThanOrEqual(asked + 300);
  });

  it('stop waiting when the client goes away, and claim nothing for it', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const gone = new AbortController();
    const waiting = claim(server.api, { waitMs: WAIT }, gone.signal).catch((error: unknown) => error);
    await sleep(200);
    gone.abort();
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    await sleep(200);
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    await sleep(200);
    expect((await client.getFlowRun({ params: { id: run.id } })).state.type).toBe('SCHEDULED');
    const { runs } = await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w2', limit: 10 } });
    expect(runs.map((claimed) => [claimed.flowRun.id, claimed.flowRun.workerName])).toEqual([[run.id, 'w2']]);
  });

  it('give each run to one worker only, however many claim at once', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const dueAt = Date.now() + 500;
    const made = await Promise.all(
      Array.from({ length: 40 }, () => client.runDeployment({ params: { id: deployment.id }, body: { scheduledTime: dueAt } })),
    );
    const workers = ['w1', 'w2', 'w3', 'w4'];
    const claimed: string[] = [];
    // Each worker claims until all its answers are empty, as a worker would.
    await Promise.all(
      workers.map(async (worker) => {
        for (;;) {
          const ids = await claimedIds(claim(server.api, { worker, limit: 3, waitMs: 2_000 }));
          if (ids.length === 0) return;
          claimed.push(...ids);
        }
      }),
    );
    expect(claimed.sort()).toEqual(made.map((run) => run.id).sort());
  });

  it("of a deployment's own runs (a serve process) wait and answer as a pool's do", async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest({ name: 'served', workPool: null }) });
    const waiting = fetch(`${server.api}/deployments/${deployment.id}/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ worker: 'serve-1', limit: 1, waitMs: WAIT }),
    });
    await sleep(200);
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    expect(await claimedIds(waiting)).toEqual([run.id]);
    const unknown = await call(`${server.api}/deployments/nope/claim`, { method: 'POST', body: { worker: 'w', limit: 1 } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("no deployment with id 'nope'");
  });

  it('given back are Scheduled again for another worker', async () => {
    const { client } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w1', limit: 1 } });
    expect(await client.releaseRuns({ params: { pool: 'main' }, body: { worker: 'w2', flowRunIds: [run.id] } })).toEqual({ released: [] });
    expect(await client.releaseRuns({ params: { pool: 'main' }, body: { worker: 'w1', flowRunIds: [run.id] } })).toEqual({ released: [run.id] });
    const { runs } = await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w2', limit: 1 } });
    expect(runs.map((claimed) => claimed.flowRun.id)).toEqual([run.id]);
  });
});

describe('a claim waiting when the server closes', () => {
  it('is answered with none, and does not hold the close up', async () => {
    const server = await startTestServer({ schedulerIntervalMs: 0 });
    try {
      await createApiClient({ baseUrl: server.api }).createWorkPool({ body: { name: 'main' } });
      const waiting = claim(server.api, { waitMs: WAIT });
      await sleep(200);
      const closingAt = Date.now();
      await server.close();
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ runs: [] });
      expect(Date.now()).toBeLessThan(closingAt + WAIT);
    } finally {
      await server.close();
    }
  });
});
