// The desktop app's pages (flowdeck://app) talk to the embedded server across origins; they alone
// get CORS answers, and a key the server requires is still required.
import { describe, expect, it } from 'vitest';
import { call, startTestServer } from './support.js';

const APP = { origin: 'flowdeck://app' };

describe('the desktop app origin', () => {
  it('gets its preflights answered and its answers marked readable', async () => {
    const server = await startTestServer();
    try {
      const preflight = await call(`${server.api}/workspace/file`, {
        method: 'OPTIONS',
        headers: { ...APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type', 'access-control-request-private-network': 'true' },
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
        expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-')), origin).toEqual([]);
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
