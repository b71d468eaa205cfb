import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function taskRunRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'getTaskRun', async ({ params }) => {
    const run = await store.getTaskRun(params.id);
    if (!run) throw notFound('task run', params.id);
    return run;
  });

  addRoute(api, 'listTaskRunStates', async ({ params }) => {
    // The store's history query takes flow and task run ids alike: check the kind first.
    if (!(await store.hasTaskRun(params.id))) throw notFound('task run', params.id);
    return store.listStates(params.id);
  });
}
