import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function flowRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'listFlows', () => store.listFlows());
}
