import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RESULT_CONTENT_TYPE, RESULT_KEY_RULE, ResultKeyParamsSchema } from '../../../core/api/results.js';
import { HttpError } from '../errors.js';
import type { BytesRouteConfig } from '../request-guard.js';
import type { RouteDeps } from './deps.js';

/**
 * Stored results as raw bytes (V8's serialization, as the engine writes them), so a result is
 * never copied into JSON. Not in the JSON route table: the typed client speaks JSON only.
 */
export async function resultRoutes(api: FastifyInstance, { results, resultMaxBytes }: RouteDeps): Promise<void> {
  // Only these routes take raw bytes; every other route still refuses anything but JSON.
  api.addContentTypeParser(RESULT_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit: resultMaxBytes }, (_request, body, done) => done(null, body));

  api.route({
    method: 'PUT',
    url: '/results/:key',
    bodyLimit: resultMaxBytes,
    config: { takesBytes: true } satisfies BytesRouteConfig,
    schema: {
      operationId: 'putResult',
      summary: `Store a result or cache entry under its key, replacing any there; the body is its bytes (${RESULT_CONTENT_TYPE}). Keys ${RESULT_KEY_RULE}; 413 above the size limit`,
      tags: ['results'],
      params: ResultKeyParamsSchema,
      consumes: [RESULT_CONTENT_TYPE],
    },
    handler: async (request, reply) => {
      const { key } = request.params as z.infer<typeof ResultKeyParamsSchema>;
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new HttpError(415, `send the result's bytes with content-type ${RESULT_CONTENT_TYPE}`);
      await results.put(key, body);
      return reply.code(204).send();
    },
  });

  api.route({
    method: 'GET',
    url: '/results/:key',
    schema: {
      operationId: 'getResult',
      summary: `A stored result's bytes (${RESULT_CONTENT_TYPE}); 404 naming the key when there is none`,
      tags: ['results'],
      params: ResultKeyParamsSchema,
      produces: [RESULT_CONTENT_TYPE],
    },
    handler: async (request, reply) => {
      const { key } = request.params as z.infer<typeof ResultKeyParamsSchema>;
      const data = await results.get(key);
      if (!data) throw new HttpError(404, `no stored result with key '${key}'`);
      return reply.code(200).type(RESULT_CONTENT_TYPE).send(data);
    },
  });
}
