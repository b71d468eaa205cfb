import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

function noArtifact(id: string): HttpError {
  return new HttpError(404, `no artifact ${id}`);
}

function noKey(key: string): HttpError {
  return new HttpError(404, `no artifact with key '${key}'`);
}

export async function artifactRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'createArtifact', ({ body }) => store.createArtifact(body));

  addRoute(api, 'listArtifacts', ({ query }) => store.listArtifacts(query));

  addRoute(api, 'listLatestArtifacts', ({ query }) => store.listLatestArtifacts(query));

  addRoute(api, 'listArtifactKeyHistory', async ({ params }) => {
    const versions = await store.listArtifactVersions(params.key);
    if (versions.length === 0) throw noKey(params.key);
    return versions;
  });

  addRoute(api, 'deleteArtifactKey', async ({ params }) => {
    const deleted = await store.deleteArtifactKey(params.key);
    if (deleted === 0) throw noKey(params.key);
    return { deleted };
  });

  addRoute(api, 'getArtifact', async ({ params }) => {
    const artifact = await store.getArtifact(params.id);
    if (!artifact) throw noArtifact(params.id);
    return artifact;
  });

  addRoute(api, 'updateArtifactProgress', async ({ params, body }) => {
    const artifact = await store.updateArtifactProgress(params.id, body.progress);
    if (!artifact) throw noArtifact(params.id);
    return artifact;
  });

  addRoute(api, 'deleteArtifact', async ({ params }) => {
    if (!(await store.deleteArtifact(params.id))) throw noArtifact(params.id);
    return undefined;
  });
}
