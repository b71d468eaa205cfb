import type { FastifyInstance } from 'fastify';
import { runIdProblemMessage } from '../../../core/api/index.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

/** Full and short run ids, so clients can accept and show ids as people paste them. */
export async function runIdRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'resolveRunId', async ({ query }) => {
    const found = await store.findRunId(query.kind, query.prefix);
    if ('problem' in found)
      throw new HttpError(found.problem === 'ambiguous' ? 409 : 404, runIdProblemMessage(query.kind, query.prefix, found.problem));
    return { kind: query.kind, id: found.id };
  });

  addRoute(api, 'runIdPrefixes', async ({ body }) => {
    const prefixes = await store.uniqueIdPrefixes(body.kind, body.ids);
    return body.ids.map((id) => ({ id, prefix: prefixes.get(id)! }));
  });
}
