import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWDECK_VERSION } from '../../app/core/api/index.js';
import { homePage, resolveInside } from '../../app/server/http/home-page.js';
import { startUiServer, type UiServer } from './support.js';

/** A GET with the path sent exactly as written: fetch would tidy `..` away before sending. */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: UiServer;
beforeAll(async () => {
  server = await startUiServer({ apiKey: 'ui-key' });
});
afterAll(() => server?.close());

describe('the web UI at /', () => {
  it('serves index.html, always revalidated, naming the server for those without JavaScript', async () => {
    const answer = await fetch(server.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    const html = await answer.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain(`Flowdeck server ${FLOWDECK_VERSION}`);
    expect(html).toContain('href="/api/openapi.json"');
    expect(html).toContain('Content-Security-Policy');
  });

  it('serves the hashed assets cached for good, answers revalidation with 304, and HEAD without a body', async () => {
    const html = await (await fetch(server.url)).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const answer = await fetch(`${server.url}${script}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = answer.headers.get('etag')!;
    expect(Number(answer.headers.get('content-length'))).toBeGreaterThan(1000);
    await answer.arrayBuffer();
    const again = await fetch(`${server.url}${script}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await fetch(`${server.url}${script}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never serves a file outside the UI folder, however the path is spelled', async () => {
    for (const path of [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%252e%252e/package.json',
      '/assets/..\\..\\package.json',
      '/assets/%00index.html',
      '/assets/',
      '/assets/no-such-file.js',
      '/package.json',
      '/index.html/../package.json',
    ]) {
      const answer = await rawGet(server.url, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain('"name": "flowdeck"');
    }
  });

  it('leaves the page open while every /api route keeps requiring the key', async () => {
    expect((await fetch(server.url)).status).toBe(200);
    expect((await fetch(`${server.api}/health`)).status).toBe(401);
    expect((await fetch(`${server.api}/no-such-route`)).status).toBe(401);
    expect((await fetch(`${server.api}/health`, { headers: { authorization: 'Bearer ui-key' } })).status).toBe(200);
  });

  it('lets the server close at once after serving the UI', async () => {
    const own = await startUiServer();
    const html = await (await fetch(own.url)).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    await (await fetch(`${own.url}${script}`)).arrayBuffer();
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says how to build the UI when it has not been built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'flowdeck-no-ui-'));
    const app = Fastify();
    await app.register(homePage, { uiDir: empty });
    try {
      const answer = await app.inject({ method: 'GET', url: '/' });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain('The web UI has not been built');
      expect(answer.body).toContain('npm run build');
      expect(answer.body).toContain('href="/api/openapi.json"');
      expect((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('resolving a path inside the UI folder', () => {
  it('keeps paths inside, refusing dot segments, backslashes, NUL and bad escapes', () => {
    expect(resolveInside('/ui/assets', 'a/b.js')).toBe('/ui/assets/a/b.js');
    expect(resolveInside('/ui/assets', 'a%20b.js')).toBe('/ui/assets/a b.js');
    for (const bad of ['../x', 'a/../../x', '%2e%2e/x', 'a\\..\\x', 'a%00', '%E0%A4%A', '', '.']) {
      expect(resolveInside('/ui/assets', bad), bad).toBeNull();
    }
  });
});
