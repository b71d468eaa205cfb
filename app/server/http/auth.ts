import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

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
    if (!match) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody(401, "this server requires an API key: send 'Authorization: Bearer <key>' (FLOWDECK_API_KEY on clients)"));
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .send(errorBody(401, 'the API key is not valid for this server; check FLOWDECK_API_KEY'));
    }
  };
}
