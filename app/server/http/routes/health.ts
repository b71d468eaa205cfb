import type { FastifyInstance } from 'fastify';
import { FLOWDECK_VERSION } from '../../../core/api/index.js';
import { addRoute } from '../route.js';

export async function healthRoutes(api: FastifyInstance): Promise<void> {
  addRoute(api, 'health', () => ({ status: 'ok', version: FLOWDECK_VERSION }));
}
