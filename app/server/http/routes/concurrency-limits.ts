import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

function noLimit(tag: string): HttpError {
  return new HttpError(404, `no concurrency limit for tag '${tag}'`);
}

export async function concurrencyLimitRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'listConcurrencyLimits', () => store.listConcurrencyLimits());

  addRoute(api, 'getConcurrencyLimit', async ({ params }) => {
    const limit = await store.getConcurrencyLimit(params.tag);
    if (!limit) throw noLimit(params.tag);
    return limit;
  });

  addRoute(api, 'setConcurrencyLimit', ({ params, body }) => store.setConcurrencyLimit(params.tag, body.limit));

  addRoute(api, 'deleteConcurrencyLimit', async ({ params }) => {
    if (!(await store.deleteConcurrencyLimit(params.tag))) throw noLimit(params.tag);
    return undefined;
  });
}
