import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

function noVariable(name: string): HttpError {
  return new HttpError(404, `no variable named '${name}'`);
}

export async function variableRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'listVariables', ({ query }) => store.listVariables({ tags: query.tag, nameContains: query.nameContains }));

  addRoute(api, 'getVariable', async ({ params }) => {
    const variable = await store.getVariable(params.name);
    if (!variable) throw noVariable(params.name);
    return variable;
  });

  addRoute(api, 'setVariable', ({ params, body }) => store.setVariable(params.name, body));

  addRoute(api, 'deleteVariable', async ({ params }) => {
    if (!(await store.deleteVariable(params.name))) throw noVariable(params.name);
    return undefined;
  });
}
