import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

/** Full and short run ids, so clients can accept and show ids as people paste them. */
export async function runIdRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'resolveRunId', ({ query }) => {
    const id = store.resolveRunId(query.kind, query.prefix);
    if (id === null) throw new HttpError(404, `no ${query.kind} run with id '${query.prefix}' or a unique id starting with it`);
    return { kind: query.kind, id };
  });

  addRoute(api, 'runIdPrefixes', ({ body }) => {
    const prefixes = store.uniqueIdPrefixes(body.kind, body.ids);
    return body.ids.map((id) => ({ id, prefix: prefixes.get(id)! }));
  });
}
