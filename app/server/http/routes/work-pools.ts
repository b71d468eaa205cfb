import type { FastifyInstance } from 'fastify';
import { StoreError } from '../../store/store-error.js';
import { claimWithWait } from '../../work-pools/claim-with-wait.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import { untilClientGoneOr } from './client-gone.js';
import type { RouteDeps } from './deps.js';

function noPool(pool: string): HttpError {
  return new HttpError(404, `pool: no work pool named '${pool}'`);
}

function noQueue(pool: string, queue: string): HttpError {
  return new HttpError(404, `queue: work pool '${pool}' has no queue named '${queue}'`);
}

export async function workPoolRoutes(api: FastifyInstance, { store, closing }: RouteDeps): Promise<void> {
  addRoute(api, 'listWorkPools', () => store.listWorkPools());

  addRoute(api, 'createWorkPool', async ({ body }) => {
    try {
      return await store.createWorkPool(body);
    } catch (error) {
      // The one value of a new pool the schema lets through and the store refuses is a type that does not exist (yet).
      if (error instanceof StoreError && error.code === 'INVALID') throw new HttpError(422, error.message);
      throw error;
    }
  });

  addRoute(api, 'getWorkPool', async ({ params }) => {
    const pool = await store.getWorkPool(params.pool);
    if (!pool) throw noPool(params.pool);
    return pool;
  });

  addRoute(api, 'updateWorkPool', async ({ params, body }) => {
    const pool = await store.updateWorkPool(params.pool, body);
    if (!pool) throw noPool(params.pool);
    return pool;
  });

  // A pool that deployments still name is a CONFLICT from the store: 409.
  addRoute(api, 'deleteWorkPool', async ({ params }) => {
    if (!(await store.deleteWorkPool(params.pool))) throw noPool(params.pool);
    return undefined;
  });

  addRoute(api, 'listWorkQueues', async ({ params }) => {
    const queues = await store.listWorkQueues(params.pool);
    if (!queues) throw noPool(params.pool);
    return queues;
  });

  addRoute(api, 'createWorkQueue', ({ params, body }) => store.createWorkQueue(params.pool, body));

  addRoute(api, 'getWorkQueue', async ({ params }) => {
    const queue = await store.getWorkQueue(params.pool, params.queue);
    if (!queue) throw noQueue(params.pool, params.queue);
    return queue;
  });

  addRoute(api, 'updateWorkQueue', async ({ params, body }) => {
    const queue = await store.updateWorkQueue(params.pool, params.queue, body);
    if (!queue) throw noQueue(params.pool, params.queue);
    return queue;
  });

  addRoute(api, 'deleteWorkQueue', async ({ params }) => {
    if (!(await store.deleteWorkQueue(params.pool, params.queue))) throw noQueue(params.pool, params.queue);
    return undefined;
  });

  addRoute(api, 'listWorkers', async ({ params }) => {
    const workers = await store.listWorkers(params.pool);
    if (!workers) throw noPool(params.pool);
    return workers;
  });

  addRoute(api, 'workerHeartbeat', ({ params, body }) => store.workerHeartbeat(params.pool, body));

  addRoute(api, 'deleteWorker', async ({ params }) => {
    if (!(await store.removeWorker(params.pool, params.worker))) {
      throw new HttpError(404, `worker: work pool '${params.pool}' has no worker named '${params.worker}'`);
    }
    return undefined;
  });

  addRoute(
    api,
    'claimRuns',
    async ({ params, body }, reply) => {
      const wait = untilClientGoneOr(reply, closing);
      try {
        const runs = await claimWithWait(
          store,
          { pool: params.pool },
          { worker: body.worker, queues: body.queues, limit: body.limit },
          { waitMs: body.waitMs, signal: wait.signal },
        );
        return { runs };
      } finally {
        wait.done();
      }
    },
    // Made by the store; checking every claimed run again on the way out would slow the push path.
    { plainJson: true },
  );

  addRoute(api, 'releaseRuns', async ({ params, body }) => ({
    released: await store.releaseRuns({ pool: params.pool }, body.worker, body.flowRunIds),
  }));
}
