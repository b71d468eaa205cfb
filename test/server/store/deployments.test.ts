import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployRequest } from '../../../app/core/api/index.js';
import type { RunStore } from '../../../app/server/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { makeTempHome } from '../../helpers/temp-home.js';

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return { name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'main', ...overrides };
}

describe('deployments in the store', () => {
  let temp: ReturnType<typeof makeTempHome>;
  let store: RunStore;
  beforeEach(async () => {
    temp = makeTempHome();
    store = await openTestStore({ path: temp.dbPath });
    await store.createWorkPool({ name: 'main', type: 'process' });
  });
  afterEach(async () => {
    await store.close();
    temp.cleanup();
  });

  it('creates a deployment, and replaces it whole under the same flow and name, keeping its id', async () => {
    const [first] = await store.deploy([request({ tags: ['a'], parameters: { n: 1 }, schedules: [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }] })]);
    expect(first).toMatchObject({
      fullName: 'etl/nightly',
      workPool: 'main',
      workQueue: null,
      tags: ['a'],
      parameters: { n: 1 },
      collisionStrategy: 'ENQUEUE',
      catchUp: 'latest',
      paused: false,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    });
    expect(first.schedules).toEqual([
      { id: expect.any(String), schedule: { cron: '0 3 * * *', timezone: 'Asia/Shanghai' }, active: true, description: expect.stringContaining('03:00') },
    ]);
    const [second] = await store.deploy([request({ tags: ['b'], description: 'every night' })]);
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ tags: ['b'], description: 'every night', parameters: {}, schedules: [] });
    expect((await store.listDeployments()).map((d) => d.fullName)).toEqual(['etl/nightly']);
    expect((await store.findDeployment('etl', 'nightly'))?.id).toBe(first.id);
  });
});
