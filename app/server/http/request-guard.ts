import { networkInterfaces } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANY_ORIGIN, DESKTOP_APP_ORIGIN } from './browser-origins.js';
import { errorBody } from './errors.js';

/** Methods that only read; every other one must carry a JSON body. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

interface RequestGuardOptions {
  /** The address the server listens on, as given (`127.0.0.1`, `0.0.0.0`, a name...). */
  listenHost: string;
  /** Further names clients reach the server by (FLOWDECK_SERVER_ALLOWED_HOSTS), e.g. a reverse proxy's. */
  allowedHosts?: readonly string[];
  /** Origins of other web UIs that may call the server (FLOWDECK_SERVER_CORS_ORIGINS); `*` for any. */
  corsOrigins?: readonly string[];
}

/** The name a Host header gives, without its port, lower-cased; IPv6 literals keep their brackets. */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** A listen address or host name as a Host header spells it: lower-cased, IPv6 in brackets. */
function asHostName(host: string): string {
  const name = host.trim().toLowerCase();
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

function interfaceNames(): Set<string> {
  const names = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address, family } of addresses ?? []) names.add(family === 'IPv6' ? `[${address.split('%')[0]}]` : address);
  }
  return names;
}

/**
 * Which names a request may be addressed to: loopback names, the address the server listens on
 * (every address of this machine when it listens on all of them), and the names the user added.
 * A page whose own name was made to resolve to this machine (DNS rebinding) sends its own name.
 */
export function hostNameRule(listenHost: string, allowedHosts: readonly string[] = []): (name: string) => boolean {
  const listen = asHostName(listenHost);
  const named = new Set([...allowedHosts.map(asHostName), ...(WILDCARD_HOSTS.has(listen) ? [] : [listen])]);
  const everyAddress = WILDCARD_HOSTS.has(listen);
  let addresses = everyAddress ? interfaceNames() : new Set<string>();
  return (name) => {
    if (isLoopbackName(name) || named.has(name) || addresses.has(name)) return true;
    if (!everyAddress) return false;
    // Addresses come and go (a new lease, a VPN): look again before refusing.
    addresses = interfaceNames();
    return addresses.has(name);
  };
}

/**
 * Whether a browser page of this origin may call the server: the desktop app, the configured web
 * UIs, and pages the server itself served (same scheme-less host and port as the request's Host).
 */
export function originRule(corsOrigins: readonly string[] = []): (origin: string, host: string) => boolean {
  const anyOrigin = corsOrigins.includes(ANY_ORIGIN);
  const allowed = new Set([DESKTOP_APP_ORIGIN, ...corsOrigins]);
  return (origin, host) => {
    if (anyOrigin || allowed.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return url.host === host.trim().toLowerCase();
  };
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * A route that takes raw bytes (stored results) says so in its config; application/octet-stream
 * is not a type a page may send without a CORS preflight, so it is as safe here as JSON.
 */
export interface BytesRouteConfig {
  takesBytes?: boolean;
}

function takesBytes(request: FastifyRequest): boolean {
  if ((request.routeOptions.config as BytesRouteConfig | undefined)?.takesBytes !== true) return false;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/octet-stream';
}

function shown(text: string): string {
  const cut = text.length > 100 ? `${text.slice(0, 100)}...` : text;
  // eslint-disable-next-line no-control-regex -- control characters are what it hides
  return cut.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/**
 * The one defence against web pages, on every request before anything else answers it, key or no
 * key: the Host must be one of the server's own names (DNS rebinding), a browser's Origin must be
 * allowed (cross-site requests, and the WebSocket, which browsers open from any page), and a
 * request that changes anything must carry JSON, which no page can send to another origin without
 * a preflight that this server refuses.
 */
export function guardRequests(app: FastifyInstance, options: RequestGuardOptions): void {
  const hostAllowed = hostNameRule(options.listenHost, options.allowedHosts);
  const originAllowed = originRule(options.corsOrigins);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const host = request.headers.host;
    if (typeof host !== 'string' || host.trim() === '') {
      return reply.code(400).send(errorBody(400, 'the request has no Host header'));
    }
    const name = hostName(host);
    if (!hostAllowed(name)) {
      return reply
        .code(403)
        .send(
          errorBody(
            403,
            `this server does not answer requests addressed to '${shown(name)}'; if that is how clients reach it, add the name to FLOWDECK_SERVER_ALLOWED_HOSTS (or --allowed-host)`,
          ),
        );
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin, host)) {
      return reply
        .code(403)
        .send(
          errorBody(
            403,
            `pages from '${shown(origin)}' may not use this server; if that is a Flowdeck web UI you trust, add it to FLOWDECK_SERVER_CORS_ORIGINS`,
          ),
        );
    }
    if (!SAFE_METHODS.has(request.method) && !isJson(request.headers['content-type']) && !takesBytes(request)) {
      return reply
        .code(415)
        .send(
          errorBody(415, `${request.method} requests must be sent as JSON with content-type application/json (send {} when there is nothing to say)`),
        );
    }
  });
}
