// Pages of other origins that may call the server: the desktop app's (flowdeck://app) always, and
// the web UIs a server names in its CORS origins. Only they get CORS answers, and a key the server
// requires is still required.
import { describe, expect, it } from 'vitest';
import { call, startTestServer } from './support.js';

const APP = { origin: 'flowdeck://app' };

describe('the desktop app origin', () => {
  it('gets its preflights answered and its answers marked readable', async () => {
    const server = await startTestServer();
    try {
      const preflight = await call(`${server.api}/workspace/file`, {
        method: 'OPTIONS',
        headers: {
          ...APP,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
          'access-control-request-private-network': 'true',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('flowdeck://app');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
      expect(preflight.headers.get('access-control-allow-private-network')).toBe('true');

      const health = await call(`${server.api}/health`, { headers: APP });
      expect(health.status).toBe(200);
      expect(health.headers.get('access-control-allow-origin')).toBe('flowdeck://app');
      expect(health.headers.get('vary')).toMatch(/Origin/);

      for (const origin of ['flowdeck://app.evil', 'https://evil.example', 'null', 'flowdeck://other']) {
        const answer = await call(`${server.api}/health`, { headers: { origin } });
        expect(
          [...answer.headers.keys()].filter((name) => name.startsWith('access-control-')),
          origin,
        ).toEqual([]);
      }
      expect(server.unexpected).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('still needs the key for anything but the preflight', async () => {
    const server = await startTestServer({ apiKey: 'sekrit' });
    try {
      const preflight = await call(`${server.api}/flow-runs`, { method: 'OPTIONS', headers: { ...APP, 'access-control-request-method': 'GET' } });
      expect(preflight.status).toBe(204);
      const denied = await call(`${server.api}/flow-runs`, { headers: APP });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe('flowdeck://app');
      const allowed = await call(`${server.api}/flow-runs`, { headers: { ...APP, authorization: 'Bearer sekrit' } });
      expect(allowed.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('origins the server is told to let in', () => {
  it('answers the named web UIs and no other', async () => {
    const server = await startTestServer({ corsOrigins: ['http://127.0.0.1:4300'] });
    try {
      const preflight = await call(`${server.api}/flow-runs`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:4300', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4300');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const runs = await call(`${server.api}/flow-runs`, { headers: { origin: 'http://127.0.0.1:4300' } });
      expect(runs.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4300');
      // The desktop app still may.
      expect((await call(`${server.api}/health`, { headers: APP })).headers.get('access-control-allow-origin')).toBe('flowdeck://app');
      for (const origin of ['http://127.0.0.1:4301', 'https://127.0.0.1:4300', 'http://localhost:4300']) {
        const answer = await call(`${server.api}/health`, { headers: { origin } });
        expect(answer.headers.get('access-control-allow-origin'), origin).toBeNull();
        const refused = await call(`${server.api}/health`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
        expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await server.close();
    }
  });

  it('answers any origin for *, each still needing the key', async () => {
    const server = await startTestServer({ apiKey: 'sekrit', corsOrigins: ['*'] });
    try {
      const origin = { origin: 'https://ui.example' };
      const denied = await call(`${server.api}/flow-runs`, { headers: origin });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe('https://ui.example');
      const allowed = await call(`${server.api}/flow-runs`, { headers: { ...origin, authorization: 'Bearer sekrit' } });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ui.example');
    } finally {
      await server.close();
    }
  });
});
