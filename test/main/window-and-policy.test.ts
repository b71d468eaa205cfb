// The window's options and the pages' content security policy: plain data, checked under Node.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, serverOrigins } from '../../app/main/content-security-policy.js';
import { windowOptions } from '../../app/main/window-options.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('window options', () => {
  it('isolate and sandbox the page, with the preload as the only bridge', () => {
    const options = windowOptions({ preload: '/app/dist/app/preload/preload.cjs', icon: '/app/icon.png' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/app/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.icon).toBe('/app/icon.png');
    expect(options.show).toBe(false);
  });
});

describe('content security policy', () => {
  it('lets code come only from the app and the page talk only to the local and the profile server', () => {
    const csp = contentSecurityPolicy({ localServer: 'http://127.0.0.1:51234', profileServer: 'https://flowdeck.example.com/api' });
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:51234',
      'ws://127.0.0.1:51234',
      'https://flowdeck.example.com',
      'wss://flowdeck.example.com',
    ]);
    expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('names the local server once when the profile is the local one, and ignores what is not http(s)', () => {
    const local = contentSecurityPolicy({ localServer: 'http://127.0.0.1:4300' });
    expect(directives(local).get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:4300', 'ws://127.0.0.1:4300']);
    for (const odd of ['file:///etc/passwd', 'javascript:alert(1)', 'not a url', "http://x' 'unsafe-eval"]) {
      const csp = contentSecurityPolicy({ localServer: 'http://127.0.0.1:4300', profileServer: odd });
      expect(csp, odd).not.toMatch(/file:|javascript:|unsafe-eval/);
    }
    expect(serverOrigins('http://[::1]:8080/api')).toEqual(['http://[::1]:8080', 'ws://[::1]:8080']);
  });
});
