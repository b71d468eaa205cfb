import type { FastifyInstance } from 'fastify';
import { blockTypeInfos } from '../../../core/blocks/index.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

function noBlock(type: string, name: string): HttpError {
  return new HttpError(404, `name: no block ${type}/${name}`);
}

export async function blockRoutes(api: FastifyInstance, { store, blocks }: RouteDeps): Promise<void> {
  const types = blockTypeInfos();
  addRoute(api, 'listBlockTypes', () => types);

  addRoute(api, 'listBlocks', ({ query }) => blocks.list(query.type));

  addRoute(api, 'createBlock', ({ body }) => blocks.create(body.type, body.name, body.data));

  addRoute(api, 'getBlock', async ({ params }) => {
    const block = await blocks.read(params.type, params.name);
    if (!block) throw noBlock(params.type, params.name);
    return block;
  });

  addRoute(api, 'saveBlock', ({ params, body }) => blocks.save(params.type, params.name, body.data));

  addRoute(api, 'deleteBlock', async ({ params }) => {
    if (!(await blocks.delete(params.type, params.name))) throw noBlock(params.type, params.name);
    return undefined;
  });

  // Secrets in the clear go only to a flow process, for a run of it that is Running now: a person
  // browsing the API, or a run that has ended, is refused.
  addRoute(api, 'loadBlock', async ({ params, body }) => {
    const run = await store.getFlowRun(body.flowRunId);
    if (!run) throw new HttpError(404, `flowRunId: no flow run with id '${body.flowRunId}'`);
    if (run.state?.type !== 'RUNNING') {
      throw new HttpError(409, `flowRunId: flow run '${body.flowRunId}' is not Running; blocks are loaded only by running flows`);
    }
    return blocks.load(params.type, params.name, run.id);
  });
}
