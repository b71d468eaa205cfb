import type { FastifyInstance } from 'fastify';
import { FLOWDECK_VERSION, type Health } from '../../../core/api/index.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

/** Up, and whether it can store what it is sent: a database it cannot write makes it `degraded`, still answering 200. */
export async function healthRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  addRoute(api, 'health', (): Health => {
    const problem = store.writeProblem;
    if (!problem) return { status: 'ok', version: FLOWDECK_VERSION, problems: [] };
    return { status: 'degraded', version: FLOWDECK_VERSION, problems: [{ component: 'database', message: problem.message, since: problem.since }] };
  });
}
