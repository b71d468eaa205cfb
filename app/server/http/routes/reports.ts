import type { FastifyInstance } from 'fastify';
import { applyReport } from '../../reports/apply-report.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function reportRoutes(api: FastifyInstance, { store, onUnexpectedError }: RouteDeps): Promise<void> {
  addRoute(api, 'report', async ({ body }) => ({ results: await applyReport(store, body, onUnexpectedError) }), { plainJson: true });
}
