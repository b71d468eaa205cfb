import type { FastifyInstance } from 'fastify';
import { FLOWDECK_VERSION } from '../../core/api/index.js';

/** Stands at `/` until the web UI is served there. */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Flowdeck server</title></head>
<body>
<h1>Flowdeck server</h1>
<p>Version ${FLOWDECK_VERSION}. The web UI is not served yet.</p>
<p>The REST API is under <code>/api</code>; its description is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body>
</html>
`;

export async function homePage(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
