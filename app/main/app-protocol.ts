import { readFile } from 'node:fs/promises';
import { contentTypeOf } from '../server/http/content-types.js';
import { extname, resolve, sep } from 'node:path';

/** The renderer is served from `flowdeck://app/`, a standard secure origin of its own, never file://. */
export const APP_SCHEME = 'flowdeck';
export const APP_HOST = 'app';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function mimeTypeOf(path: string): string {
  return contentTypeOf(path);
}

type AppRequest = { kind: 'file'; path: string; mimeType: string } | { kind: 'not-found'; reason: string };

/**
 * The file under the built renderer that an app URL names. Anything that is not the app's own
 * origin, or whose path could step outside the folder in any spelling, is not found. A path
 * without an extension is a page of the single-page app: index.html.
 */
export function resolveAppRequest(url: string, rendererDir: string): AppRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'not-found', reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { kind: 'not-found', reason: `not on ${APP_ORIGIN}` };
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'not-found', reason: 'badly encoded path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'not-found', reason: 'odd characters in the path' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { kind: 'not-found', reason: 'dot segments' };
  const last = segments[segments.length - 1];
  const wanted = segments.length === 0 || extname(last) === '' ? ['index.html'] : segments;
  const root = resolve(rendererDir);
  const path = resolve(root, ...wanted);
  if (!path.startsWith(root + sep)) return { kind: 'not-found', reason: 'outside the renderer folder' };
  return { kind: 'file', path, mimeType: mimeTypeOf(path) };
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** The answer to a request on the app scheme: the file with its type and the page's security policy, or 404. */
export async function serveAppRequest(url: string, rendererDir: string, contentSecurityPolicy: string): Promise<Response> {
  const target = resolveAppRequest(url, rendererDir);
  if (target.kind === 'not-found') return notFound();
  let body: Buffer;
  try {
    body = await readFile(target.path);
  } catch {
    return notFound();
  }
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': target.mimeType,
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  });
}
