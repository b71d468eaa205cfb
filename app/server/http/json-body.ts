import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

/**
 * Where an object in the document carries `__proto__`, or `constructor` with a `prototype`: keys
 * that would reach an object's prototype if the value were ever merged into another object.
 */
function forbiddenKeyPath(value: unknown): string | null {
  const pending: [unknown, string][] = [[value, 'body']];
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      item.forEach((child, index) => pending.push([child, `${path}[${index}]`]));
      continue;
    }
    if (Object.hasOwn(item, '__proto__')) return `${path}.__proto__`;
    const constructor = (item as Record<string, unknown>).constructor;
    if (Object.hasOwn(item, 'constructor') && constructor !== null && typeof constructor === 'object' && Object.hasOwn(constructor, 'prototype')) {
      return `${path}.constructor.prototype`;
    }
    for (const [key, child] of Object.entries(item)) pending.push([child, `${path}.${key}`]);
  }
  return null;
}

function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new HttpError(400, 'body: empty, but the content-type says JSON');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body: malformed JSON (${(error as Error).message})`);
  }
  // Only a document that spells one of the keys can hold it: the walk is skipped for the rest.
  if (text.includes('__proto__') || text.includes('constructor')) {
    const path = forbiddenKeyPath(value);
    if (path !== null) throw new HttpError(400, `${path}: this key is not allowed`);
  }
  return value;
}

/** Replaces Fastify's JSON parser with one whose refusals say what was wrong and where. */
export function useJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      // Requests that change something must say JSON even when the route takes no body.
      if ((body as string).length === 0 && request.routeOptions.schema?.body === undefined) return done(null, undefined);
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
