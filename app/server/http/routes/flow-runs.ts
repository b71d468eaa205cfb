import type { FastifyInstance } from 'fastify';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { notFound } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function flowRunRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  function requireFlowRun(id: string): void {
    if (!store.hasFlowRun(id)) throw notFound('flow run', id);
  }

  addRoute(api, 'listFlowRuns', ({ query }) => {
    const page = store.listFlowRunPage({
      flowName: query.flowName,
      stateTypes: query.stateTypes,
      tags: query.tags,
      createdAfter: query.createdAfter,
      createdBefore: query.createdBefore,
      parentFlowRunId: query.parentFlowRunId,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit,
    });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  addRoute(api, 'getFlowRun', ({ params }) => {
    const run = store.getFlowRun(params.id);
    if (!run) throw notFound('flow run', params.id);
    return run;
  });

  addRoute(api, 'listFlowRunTaskRuns', ({ params }) => {
    requireFlowRun(params.id);
    return store.listTaskRuns(params.id);
  });

  addRoute(api, 'listFlowRunLogs', ({ params, query }) => {
    requireFlowRun(params.id);
    return store.listLogs(params.id, query);
  });

  addRoute(api, 'listFlowRunStates', ({ params }) => {
    requireFlowRun(params.id);
    return store.listStates(params.id);
  });

  // The store answers NOT_FOUND for an unknown id, which becomes a 404.
  addRoute(api, 'cancelFlowRun', ({ params }) => store.cancelFlowRun(params.id));
}
