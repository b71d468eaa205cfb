import type { FastifyInstance } from 'fastify';
import { retryMessage, retryMessageWith } from '../../../core/reuse.js';
import { rerunSource } from '../../flow-files/rerun-source.js';
import { retryFlowRun } from '../../runs/retry-flow-run.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { HttpError, notFound } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function flowRunRoutes(api: FastifyInstance, { store, workspace }: RouteDeps): Promise<void> {
  async function requireFlowRun(id: string): Promise<void> {
    if (!(await store.hasFlowRun(id))) throw notFound('flow run', id);
  }

  addRoute(api, 'listFlowRuns', async ({ query }) => {
    const page = await store.listFlowRunPage({
      flowName: query.flowName,
      stateTypes: query.stateTypes,
      stateNames: query.stateNames,
      deploymentId: query.deploymentId,
      workPool: query.workPool,
      workQueue: query.workQueue,
      tags: query.tags,
      createdAfter: query.createdAfter,
      createdBefore: query.createdBefore,
      parentFlowRunId: query.parentFlowRunId,
      text: query.q,
      sort: query.sort,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort),
      limit: query.limit,
    });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next, query.sort) : null };
  });

  addRoute(api, 'getFlowRun', async ({ params }) => {
    const run = await store.getFlowRun(params.id);
    if (!run) throw notFound('flow run', params.id);
    const source = rerunSource(run, workspace);
    return { ...run, rerun: source.possible ? { possible: true as const, path: source.path, flowName: source.flowName } : source };
  });

  addRoute(api, 'listFlowRunTaskRuns', async ({ params }) => {
    await requireFlowRun(params.id);
    return store.listTaskRuns(params.id);
  });

  addRoute(api, 'listFlowRunLogs', async ({ params, query }) => {
    await requireFlowRun(params.id);
    return store.listLogs(params.id, query);
  });

  addRoute(api, 'listFlowRunStates', async ({ params }) => {
    await requireFlowRun(params.id);
    return store.listStates(params.id);
  });

  addRoute(api, 'listFlowRunTaskRunStates', async ({ params }) => {
    await requireFlowRun(params.id);
    return store.listTaskRunHistories(params.id);
  });

  // The store answers NOT_FOUND for an unknown id, which becomes a 404.
  addRoute(api, 'cancelFlowRun', ({ params }) => store.cancelFlowRun(params.id));

  addRoute(api, 'resumeFlowRun', async ({ params, body }) => {
    const outcome = await store.resumeFlowRun(params.id, body.input);
    if (outcome.ok) return outcome.run;
    if (outcome.reason === 'INVALID_INPUT') throw new HttpError(422, outcome.message, outcome.issues);
    throw new HttpError(outcome.reason === 'NOT_FOUND' ? 404 : 409, outcome.message);
  });

  addRoute(api, 'getResumeInput', async ({ params, query }) => {
    await requireFlowRun(params.id);
    const record = await store.resumeRecord(params.id, query.pauseId);
    if (!record) throw new HttpError(404, `pause '${query.pauseId}' of flow run '${params.id}' has not been resumed`);
    return record;
  });

  addRoute(api, 'getRecordedRuns', async ({ params }) => {
    const recorded = await store.recordedRuns(params.id);
    if (!recorded) throw notFound('flow run', params.id);
    return recorded;
  });

  addRoute(api, 'retryFlowRun', async ({ params, body }) => {
    const all = body.all === true;
    // A deployment's run is run by a worker, which reuses completed tasks unless told otherwise.
    const onWorkers = Boolean((await store.getFlowRun(params.id))?.deploymentId);
    const message =
      body.message !== undefined
        ? retryMessageWith(body.message, all)
        : retryMessage(body.source ?? 'api', all ? 'all' : onWorkers ? 'reuse' : undefined);
    const outcome = await retryFlowRun(store, params.id, message);
    if (outcome.ok) return outcome.run;
    throw new HttpError(outcome.reason === 'NOT_FOUND' ? 404 : 409, outcome.message);
  });
}
