import type { FastifyInstance } from 'fastify';
import { deployDeployments } from '../../deployments/deploy.js';
import { runDeployment } from '../../deployments/run-deployment.js';
import { claimWithWait } from '../../work-pools/claim-with-wait.js';
import { HttpError, notFound } from '../errors.js';
import { addRoute } from '../route.js';
import { untilClientGoneOr } from './client-gone.js';
import type { RouteDeps } from './deps.js';

export async function deploymentRoutes(api: FastifyInstance, { store, bundles, schedulesChanged, closing }: RouteDeps): Promise<void> {
  addRoute(api, 'listDeployments', ({ query }) => store.listDeployments(query));

  addRoute(api, 'deploy', async ({ body }) => {
    const [deployment] = await deployDeployments(store, bundles, [body]);
    schedulesChanged();
    return deployment;
  });

  addRoute(api, 'deployMany', async ({ body }) => {
    const deployments = await deployDeployments(store, bundles, body.deployments);
    schedulesChanged();
    return deployments;
  });

  addRoute(api, 'getDeployment', async ({ params }) => {
    const deployment = await store.getDeployment(params.id);
    if (!deployment) throw notFound('deployment', params.id);
    return deployment;
  });

  addRoute(api, 'getDeploymentByName', async ({ params }) => {
    const deployment = await store.findDeployment(params.flow, params.name);
    if (!deployment) throw new HttpError(404, `no deployment named '${params.flow}/${params.name}'`);
    return deployment;
  });

  addRoute(api, 'runDeployment', ({ params, body }) => runDeployment(store, params.id, body));

  addRoute(api, 'pauseDeployment', async ({ params }) => {
    const deployment = await store.setDeploymentPaused(params.id, true);
    if (!deployment) throw notFound('deployment', params.id);
    return deployment;
  });

  addRoute(api, 'resumeDeployment', async ({ params }) => {
    const deployment = await store.setDeploymentPaused(params.id, false);
    if (!deployment) throw notFound('deployment', params.id);
    schedulesChanged();
    return deployment;
  });

  addRoute(api, 'deleteDeployment', async ({ params }) => {
    if (!(await store.deleteDeployment(params.id))) throw notFound('deployment', params.id);
    return undefined;
  });

  addRoute(
    api,
    'claimDeploymentRuns',
    async ({ params, body }, reply) => {
      if (!(await store.getDeployment(params.id))) throw notFound('deployment', params.id);
      const wait = untilClientGoneOr(reply, closing);
      try {
        const runs = await claimWithWait(
          store,
          { deploymentId: params.id },
          { worker: body.worker, queues: [], limit: body.limit },
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
}
