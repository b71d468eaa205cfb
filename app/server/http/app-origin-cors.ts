import type { FastifyInstance } from 'fastify';

/**
 * The one origin other than the server's own that may read its answers: the desktop app's pages
 * (`flowdeck://app`). Only the app's own windows can carry that origin, so no web page gains
 * anything; every other origin still gets no CORS headers at all.
 */
export const DESKTOP_APP_ORIGIN = 'flowdeck://app';

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, accept';

/** Answers the app's preflights before any auth (they carry no key) and marks its answers readable. */
export function allowDesktopAppOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.origin !== DESKTOP_APP_ORIGIN) return;
    reply.header('access-control-allow-origin', DESKTOP_APP_ORIGIN).header('vary', 'Origin');
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return;
    reply
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600');
    // The app's page may count as a public context asking for a loopback address.
    if (request.headers['access-control-request-private-network'] === 'true') reply.header('access-control-allow-private-network', 'true');
    return reply.code(204).send();
  });
}
