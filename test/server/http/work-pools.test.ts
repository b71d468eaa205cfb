import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_NAME } from '../../../app/core/api/index.js';
import { deployRequest, useDeploymentServer } from './deployment-support.js';
import { call } from './support.js';

const live = useDeploymentServer({ schedulerIntervalMs: 0 });

describe('work pools', () => {
  it('are created with a default queue, listed, read, changed and deleted', async () => {
    const { client, server } = live.current;
    const made = await client.createWorkPool({
      body: {
        name: 'gpu',
        description: 'big machines',
        concurrencyLimit: 4,
        jobTemplate: { env: { MODE: 'fast' }, workingDir: '/srv/flows', command: null, runsPerProcess: 1 },
      },
    });
    expect(made).toMatchObject({
      name: 'gpu',
      type: 'process',
      description: 'big machines',
      concurrencyLimit: 4,
      paused: false,
      jobTemplate: { env: { MODE: 'fast' }, workingDir: '/srv/flows', command: null, runsPerProcess: 1 },
      workers: [],
      runs: { waiting: 0, late: 0, running: 0 },
    });
    expect(made.queues.map((queue) => queue.name)).toEqual([DEFAULT_QUEUE_NAME]);
    expect((await client.listWorkPools()).map((pool) => pool.name).sort()).toEqual(['gpu', 'main']);
    expect((await client.getWorkPool({ params: { pool: 'gpu' } })).id).toBe(made.id);
    const changed = await client.updateWorkPool({ params: { pool: 'gpu' }, body: { paused: true, concurrencyLimit: null } });
    expect(changed).toMatchObject({ paused: true, concurrencyLimit: null, description: 'big machines' });
    expect((await call(`${server.api}/work-pools/gpu`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`${server.api}/work-pools/gpu`);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("pool: no work pool named 'gpu'");
    for (const [method, path] of [
      ['PUT', '/work-pools/gpu'],
      ['DELETE', '/work-pools/gpu'],
      ['GET', '/work-pools/gpu/queues'],
      ['GET', '/work-pools/gpu/workers'],
    ] as const) {
      const answer = await call(`${server.api}${path}`, { method, body: method === 'PUT' ? {} : undefined });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.json.message, `${method} ${path}`).toMatch(/'gpu'/);
    }
  });

  it('refuse a taken name with 409 and a planned or unknown type with 422, naming the field', async () => {
    const { server } = live.current;
    const taken = await call(`${server.api}/work-pools`, { method: 'POST', body: { name: 'main' } });
    expect(taken.status).toBe(409);
    expect(taken.json.message).toMatch(/^name: .*'main'/);
    const docker = await call(`${server.api}/work-pools`, { method: 'POST', body: { name: 'boxes', type: 'docker' } });
    expect(docker.status).toBe(422);
    expect(docker.json.message).toBe("type: work pools of type 'docker' are planned but not available yet; use 'process'");
    const unknown = await call(`${server.api}/work-pools`, { method: 'POST', body: { name: 'boxes', type: 'lambda' } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.message).toMatch(/^type: unknown type 'lambda'/);
    const badName = await call(`${server.api}/work-pools`, { method: 'POST', body: { name: '-x' } });
    expect(badName.status).toBe(400);
    expect(badName.json.message).toMatch(/name/);
    const sharedCommand = await call(`${server.api}/work-pools`, {
      method: 'POST',
      body: { name: 'boxes', jobTemplate: { command: ['python3'], runsPerProcess: 4 } },
    });
    expect(sharedCommand.status).toBe(400);
    expect(sharedCommand.json.message).toBe('body.jobTemplate.runsPerProcess: must be 1 when the job template has a command of its own');
    expect((await call(`${server.api}/work-pools/boxes`)).status).toBe(404);
  });

  it('in use by a deployment cannot be deleted (409) until it is gone', async () => {
    const { client, server } = live.current;
    const deployment = await client.deploy({ body: deployRequest() });
    const inUse = await call(`${server.api}/work-pools/main`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(inUse.json.message).toMatch(/etl\/nightly/);
    await client.deleteDeployment({ params: { id: deployment.id } });
    expect((await call(`${server.api}/work-pools/main`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('work queues', () => {
  it('are added, listed by priority, read, changed and deleted; the default queue stays', async () => {
    const { client, server } = live.current;
    const urgent = await client.createWorkQueue({ params: { pool: 'main' }, body: { name: 'urgent', priority: 1, concurrencyLimit: 2 } });
    expect(urgent).toMatchObject({ workPool: 'main', name: 'urgent', priority: 1, concurrencyLimit: 2, paused: false });
    expect((await client.listWorkQueues({ params: { pool: 'main' } })).map((queue) => queue.name)).toContain('urgent');
    expect((await client.getWorkQueue({ params: { pool: 'main', queue: 'urgent' } })).id).toBe(urgent.id);
    expect(await client.updateWorkQueue({ params: { pool: 'main', queue: 'urgent' }, body: { paused: true } })).toMatchObject({
      paused: true,
      priority: 1,
    });

    const taken = await call(`${server.api}/work-pools/main/queues`, { method: 'POST', body: { name: 'urgent' } });
    expect(taken.status).toBe(409);
    expect(taken.json.message).toMatch(/'urgent'/);
    const noPool = await call(`${server.api}/work-pools/nowhere/queues`, { method: 'POST', body: { name: 'q' } });
    expect(noPool.status).toBe(404);
    expect(noPool.json.message).toMatch(/'nowhere'/);

    expect((await call(`${server.api}/work-pools/main/queues/urgent`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`${server.api}/work-pools/main/queues/urgent`);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe("queue: work pool 'main' has no queue named 'urgent'");
    expect((await call(`${server.api}/work-pools/main/queues/urgent`, { method: 'PUT', body: {} })).status).toBe(404);
    const keep = await call(`${server.api}/work-pools/main/queues/${DEFAULT_QUEUE_NAME}`, { method: 'DELETE' });
    expect(keep.status).toBe(400);
    expect(keep.json.message).toMatch(/default/);
  });
});

describe('workers', () => {
  it('register with their first beat, are listed ONLINE, and OFFLINE once they say they stop', async () => {
    const { client, server } = live.current;
    const answer = await client.workerHeartbeat({ params: { pool: 'main' }, body: { name: 'w1', limit: 4, hostname: 'box', pid: 123 } });
    expect(answer).toMatchObject({
      worker: { name: 'w1', workPool: 'main', status: 'ONLINE', limit: 4, hostname: 'box', pid: 123, activeRuns: 0 },
      cancelling: [],
    });
    expect((await client.listWorkers({ params: { pool: 'main' } })).map((worker) => [worker.name, worker.status])).toEqual([['w1', 'ONLINE']]);
    expect((await client.getWorkPool({ params: { pool: 'main' } })).workers.map((worker) => worker.name)).toEqual(['w1']);

    const deployment = await client.deploy({ body: deployRequest() });
    const run = await client.runDeployment({ params: { id: deployment.id }, body: {} });
    await client.claimRuns({ params: { pool: 'main' }, body: { worker: 'w1', limit: 1 } });
    expect((await call(`${server.api}/work-pools/main/workers/w1`, { method: 'DELETE' })).status).toBe(204);
    expect((await client.listWorkers({ params: { pool: 'main' } })).map((worker) => [worker.name, worker.status])).toEqual([['w1', 'OFFLINE']]);
    // What it claimed and never started went back for another worker.
    expect((await client.getFlowRun({ params: { id: run.id } })).state.type).toBe('SCHEDULED');

    const unknown = await call(`${server.api}/work-pools/main/workers/w9`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("worker: work pool 'main' has no worker named 'w9'");
    const noPool = await call(`${server.api}/work-pools/nowhere/workers/heartbeat`, { method: 'POST', body: { name: 'w1' } });
    expect(noPool.status).toBe(404);
    expect(noPool.json.message).toMatch(/'nowhere'/);
  });
});
