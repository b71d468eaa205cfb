import type { FastifyInstance } from 'fastify';

/**
 * The desktop app's pages (`flowdeck://app`): always allowed, as only the app's own windows can
 * carry that origin, so no web page gains anything.
 */
export const DESKTOP_APP_ORIGIN = 'flowdeck://app';

/** In FLOWDECK_SERVER_CORS_ORIGINS: every origin may call (each still needs the key when one is set). */
export const ANY_ORIGIN = '*';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, accept';

/**
 * The origins other than the server's own whose pages may read its answers: the desktop app, and
 * the web UIs of other Flowdeck servers named in FLOWDECK_SERVER_CORS_ORIGINS, which switch to
 * this server as a profile. Every other origin gets no CORS headers at all. Keys travel in an
 * Authorization header, never in a cookie, so an allowed origin still reads nothing without one.
 */
export function allowBrowserOrigins(app: FastifyInstance, configured: readonly string[] = []): void {
  const anyOrigin = configured.includes(ANY_ORIGIN);
  const allowed = new Set([DESKTOP_APP_ORIGIN, ...configured]);
  // Preflights are answered before any auth, as they carry no key.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || (!anyOrigin && !allowed.has(origin))) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return;
    reply
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600');
    // The page may count as a public context asking for a loopback address.
    if (request.headers['access-control-request-private-network'] === 'true') reply.header('access-control-allow-private-network', 'true');
    return reply.code(204).send();
  });
}
