import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { API_SCHEMA_NAMES, FLOWDECK_VERSION } from '../../core/api/index.js';

/** Collects every route registered after it into an OpenAPI 3.1 document built from the zod schemas. */
export async function registerOpenApi(app: FastifyInstance, options: { apiKey: boolean }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flowdeck API',
        version: FLOWDECK_VERSION,
        description: 'Flows, runs, states and logs of a Flowdeck server. JSON in camelCase; times in milliseconds since the epoch.',
      },
      servers: [{ url: '/' }],
      components: options.apiKey ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'FLOWDECK_API_KEY' } } } : {},
      security: options.apiKey ? [{ bearer: [] }] : [],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: API_SCHEMA_NAMES }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: API_SCHEMA_NAMES }),
  });
}

/** Serves the document; registered inside the API scope so it sits behind the same key. */
export async function openApiDocument(api: FastifyInstance): Promise<void> {
  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());
}
