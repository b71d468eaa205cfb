import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Also take the key from a `token` query parameter. Only for the WebSocket: browsers cannot set
     * headers on a WebSocket, and a query parameter is the one place they can put it.
     */
    acceptsTokenQuery?: boolean;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * An onRequest hook that lets through only requests bearing the key. Digests of equal length are
 * compared in constant time, so neither the key's content nor its length leaks through timing.
 */
export function requireBearerKey(apiKey: string) {
  const expected = digest(apiKey);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(.+)$/i.exec(header.trim()) : null;
    const token = match?.[1] ?? queryToken(request);
    if (token === undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody(401, "this server requires an API key: send 'Authorization: Bearer <key>' (FLOWDECK_API_KEY on clients)"));
    }
    if (!timingSafeEqual(digest(token), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .send(errorBody(401, 'the API key is not valid for this server; check FLOWDECK_API_KEY'));
    }
  };
}

function queryToken(request: FastifyRequest): string | undefined {
  if (request.routeOptions.config?.acceptsTokenQuery !== true) return undefined;
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}
