import type { FastifyInstance } from 'fastify';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function dashboardRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'getDashboard', ({ query }) => store.dashboard(query));
}
