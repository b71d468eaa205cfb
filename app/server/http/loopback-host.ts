import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

/** The name a Host header gives, without its port, lower-cased; IPv6 literals keep their brackets. */
export function hostName(header: string | undefined): string {
  const value = (header ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export function isLoopbackHost(host: string): boolean {
  return host === '::1' || isLoopbackName(host);
}

/**
 * An onRequest hook for routes that write and run code on this machine, on a server listening on
 * loopback: a request must be addressed to a loopback name. A web page whose own host name is made
 * to resolve to 127.0.0.1 (DNS rebinding) sends its own name and is turned away.
 */
export async function requireLoopbackHost(request: FastifyRequest, reply: FastifyReply) {
  const name = hostName(request.headers.host);
  if (isLoopbackName(name)) return;
  return reply
    .code(403)
    .send(errorBody(403, `this route only answers requests addressed to 127.0.0.1 or localhost, not to '${name.slice(0, 100)}'`));
}
