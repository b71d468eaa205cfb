import { existsSync, statSync } from 'node:fs';
import { contentTypeOf } from './content-types.js';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FLOWDECK_VERSION } from '../../core/api/index.js';
import { packageRoot } from '../package-root.js';

/** Where `vite build` puts the web UI, below the package root. */
const UI_DIR = join('dist', 'renderer');

/** Files at the top of the built UI besides index.html; everything else lives under assets/. */
const TOP_LEVEL_FILES = ['favicon.svg'];

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Shown at `/` when the UI has not been built, so a person knows what to do. */
function notBuiltPage(uiDir: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Flowdeck server</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Flowdeck server</h1>
<p>Version ${FLOWDECK_VERSION}. The web UI has not been built: there is no <code>${escapeHtml(join(uiDir, 'index.html'))}</code>.</p>
<p>Build it with <code>npm run build</code> in the Flowdeck folder, then reload this page.</p>
<p>The REST API works meanwhile: it is under <code>/api</code>, described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body>
</html>
`;
}

/**
 * Resolves a request path inside the UI folder, or null when it would leave it or names
 * something odd. Encoded separators and dot segments are refused rather than normalised, so no
 * spelling of a path reaches outside.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) return null;
  const target = resolve(root, ...segments);
  return target.startsWith(root + sep) ? target : null;
}

function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

async function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, cacheControl: string) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    stat = null;
  }
  if (!stat?.isFile()) return reply.callNotFound();
  const etag = etagOf(stat.size, stat.mtimeMs);
  reply
    .header('cache-control', cacheControl)
    .header('etag', etag)
    .header('last-modified', stat.mtime.toUTCString())
    .header('x-content-type-options', 'nosniff')
    .type(contentTypeOf(path));
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.header('content-length', stat.size);
  if (request.method === 'HEAD') return reply.send();
  // Read whole rather than streamed: a streamed answer kept its connection from closing with the
  // server. The largest file (the TypeScript worker) is a few MB and read only on a cache miss.
  return reply.send(await readFile(path));
}

/**
 * Serves the built web UI: index.html at `/` (always revalidated, so a new build shows at the next
 * load) and the hashed files under `/assets/` (cached for good: a new build gives them new names).
 * Only these paths are taken, so everything under `/api` keeps its own auth and not-found answers.
 */
export async function homePage(app: FastifyInstance, options: { uiDir?: string } = {}): Promise<void> {
  const uiDir = resolve(options.uiDir ?? join(packageRoot(), UI_DIR));
  const assetsDir = join(uiDir, 'assets');

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const index = join(uiDir, 'index.html');
    if (!existsSync(index)) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(notBuiltPage(uiDir));
    }
    return sendFile(request, reply, index, 'no-cache');
  });

  app.get('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const path = resolveInside(assetsDir, rest);
    if (path === null) return reply.callNotFound();
    return sendFile(request, reply, path, 'public, max-age=31536000, immutable');
  });

  for (const name of TOP_LEVEL_FILES) {
    app.get(`/${name}`, { schema: { hide: true } }, async (request, reply) => sendFile(request, reply, join(uiDir, name), 'public, max-age=3600'));
  }
}
