// The app scheme's handler against a real folder of built files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, mimeTypeOf, resolveAppRequest, serveAppRequest } from '../../app/main/app-protocol.js';

let base: string;
let renderer: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-app-protocol-'));
  renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Flowdeck</title>');
  writeFileSync(join(renderer, 'assets', 'main-abc.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'editor.worker-x.js'), 'self.onmessage = () => {}');
  writeFileSync(join(renderer, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'secret');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app URLs to files', () => {
  it('maps paths under the renderer folder, and pages of the app to index.html', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, renderer)).toEqual({
      kind: 'file',
      path: join(renderer, 'index.html'),
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('flowdeck://app/', renderer)).toMatchObject({ path: join(renderer, 'index.html') });
    expect(resolveAppRequest('flowdeck://app/runs/0198?tab=logs', renderer)).toMatchObject({ path: join(renderer, 'index.html') });
    expect(resolveAppRequest('flowdeck://app/assets/main-abc.js', renderer)).toEqual({
      kind: 'file',
      path: join(renderer, 'assets', 'main-abc.js'),
      mimeType: 'text/javascript; charset=utf-8',
    });
  });

  it('refuses every spelling of a way out, and other origins', () => {
    for (const url of [
      'flowdeck://app/../secret.txt',
      'flowdeck://app/assets/%2e%2e/%2e%2e/secret.txt',
      'flowdeck://app/%2e%2e%2fsecret.txt',
      'flowdeck://app/assets/..%5c..%5csecret.txt',
      'flowdeck://app/assets/%00.js',
      'flowdeck://app/%E0%A4%A',
      'flowdeck://other/index.html',
      'https://app/index.html',
      'file:///etc/passwd',
    ]) {
      const answer = resolveAppRequest(url, renderer);
      if (answer.kind === 'file') expect(answer.path.startsWith(`${renderer}/`), url).toBe(true);
      else expect(answer.kind, url).toBe('not-found');
    }
    expect(resolveAppRequest('flowdeck://app/%2e%2e%2fsecret.txt', renderer).kind).toBe('not-found');
  });

  it('knows the types a built renderer has', () => {
    expect(mimeTypeOf('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('a.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('a.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('a.unknown')).toBe('application/octet-stream');
  });
});

describe('serving app requests', () => {
  it('answers files with their type and the security policy, and 404 for anything else', async () => {
    const page = await serveAppRequest(APP_ENTRY_URL, renderer, "default-src 'self'");
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Flowdeck</title>');

    const worker = await serveAppRequest('flowdeck://app/assets/editor.worker-x.js', renderer, '');
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    for (const url of ['flowdeck://app/assets/missing.js', 'flowdeck://app/../secret.txt', 'flowdeck://app/assets/%2e%2e/%2e%2e/secret.txt']) {
      const answer = await serveAppRequest(url, renderer, '');
      expect(answer.status, url).toBe(404);
      expect(await answer.text()).not.toContain('secret');
    }
  });
});
