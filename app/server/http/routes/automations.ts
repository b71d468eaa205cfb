import type { FastifyInstance } from 'fastify';
import { AutomationError } from '../../automations/automation-error.js';
import { Automations } from '../../automations/automations.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

/** An automation's refusal as the API says it: 404 for one that is not there, 422 naming the field for the rest. */
async function answered<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AutomationError) throw new HttpError(error.code === 'NOT_FOUND' ? 404 : 422, error.message);
    throw error;
  }
}

export async function automationRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const automations = new Automations(store);

  addRoute(api, 'listAutomations', () => automations.list());

  addRoute(api, 'createAutomation', ({ body }) => answered(() => automations.create(body)));

  addRoute(api, 'getAutomation', async ({ params, query }) => {
    const automation = await automations.read(params.automation, query.firings);
    if (!automation) throw new HttpError(404, `automation: no automation with id or name '${params.automation}'`);
    return automation;
  });

  addRoute(api, 'updateAutomation', ({ params, body }) => answered(() => automations.update(params.automation, body)));

  addRoute(api, 'deleteAutomation', async ({ params }) => {
    await answered(() => automations.delete(params.automation));
    return undefined;
  });
}
