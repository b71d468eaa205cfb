import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import {
  API_ROUTES,
  ApiErrorBodySchema,
  type ApiRoutes,
  type RouteName,
  type RouteOutput,
  type RouteRequest,
  type RouteSpec,
} from '../../core/api/index.js';

type RouteHandler<K extends RouteName> = (
  request: RouteRequest<ApiRoutes[K]>,
  reply: FastifyReply,
) => Promise<RouteOutput<ApiRoutes[K]>> | RouteOutput<ApiRoutes[K]>;

/**
 * Registers the handler of one entry of the route table: the table gives method, path and the
 * schemas that validate the request, shape the answer and describe both in the API document.
 */
interface RouteOptions {
  /**
   * Writes the answer without checking it against the response schema, for answers the store
   * made itself and that are sent often enough for the check to show (reports).
   */
  plainJson?: boolean;
}

export function addRoute<K extends RouteName>(app: FastifyInstance, name: K, handler: RouteHandler<K>, options: RouteOptions = {}): void {
  const route: RouteSpec = API_ROUTES[name];
  const schema: FastifySchema & Record<string, unknown> = {
    operationId: name,
    summary: route.summary,
    tags: [route.resource],
    response: { [route.status]: route.response, '4xx': ApiErrorBodySchema, '5xx': ApiErrorBodySchema },
  };
  if (route.params) schema.params = route.params;
  if (route.query) schema.querystring = route.query;
  if (route.body) schema.body = route.body;
  app.route({
    method: route.method,
    url: route.path,
    schema,
    ...(route.bodyLimitBytes ? { bodyLimit: route.bodyLimitBytes } : {}),
    handler: async (request, reply) => {
      const parts = { params: request.params, query: request.query, body: request.body } as RouteRequest<ApiRoutes[K]>;
      const result = await handler(parts, reply);
      if (route.status === 204) return reply.code(204).send();
      if (options.plainJson) return reply.code(route.status).type('application/json').serializer(JSON.stringify).send(result);
      return reply.code(route.status).send(result);
    },
  });
}
