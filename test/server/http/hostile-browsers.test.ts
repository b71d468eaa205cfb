// What a web page can make a browser send to a Flowdeck server on this machine: requests addressed
// to the page's own name (DNS rebinding), requests from the page's origin, simple requests that
// need no preflight, and WebSockets, which browsers open from any page. Sent raw, with the
// headers a browser would put on them, to real servers on loopback, with and without a key.
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_ROUTES, EVENTS_PATH } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { hostNameRule, originRule } from '../../../app/server/http/request-guard.js';
import { call, flowRunRequest, startTestServer, useTestServer } from './support.js';
import { useWorkspaceServer } from './workspace-support.js';

interface RawAnswer {
  status: number;
  body: string;
}

/** One request with exactly these headers, Host included, as fetch will not send a Host of our choosing. */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A request with no Host header at all, as only HTTP/1.0 may send; the answer's status line. */
function withoutHost(base: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end('GET /api/health HTTP/1.0\r\n\r\n'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

const ROUTE_PATHS = Object.values(API_ROUTES).map((route) => ({
  method: route.method,
  path: `/api${route.path.replace(/:\w+/g, '01a1ffff-0000-7000-8000-000000000000')}`,
}));

/** Whether a WebSocket to the event stream opens with these headers, or the status it was refused with. */
function openSocket(base: string, headers: Record<string, string>, query = ''): Promise<number | 'open'> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api${EVENTS_PATH}${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      // Handled here, so the request is ours to end.
      req.destroy();
    });
    ws.once('error', reject);
  });
}

describe.each([
  ['without a key', undefined],
  ['with a key', 'sekrit'],
])('a server %s', (_name, apiKey) => {
  const server = useTestServer({ apiKey });
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const host = () => new URL(server.current.url).host;

  it('refuses every route, on every method, when the request is addressed to another name (DNS rebinding)', async () => {
    const port = new URL(server.current.url).port;
    for (const name of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`, `localhost.attacker.example:${port}`]) {
      for (const { method, path } of ROUTE_PATHS) {
        // The page is same-origin with itself, so it sends its own origin, and JSON passes no preflight there.
        const answer = await raw(
          server.current.url,
          method,
          path,
          { host: name, origin: `http://${name}`, 'content-type': 'application/json', ...auth },
          method === 'GET' ? undefined : '{}',
        );
        expect(answer.status, `${method} ${path} as ${name}`).toBe(403);
        expect(JSON.parse(answer.body).message).toContain('FLOWDECK_SERVER_ALLOWED_HOSTS');
      }
    }
    // The page and the API document too: nothing answers another name.
    expect((await raw(server.current.url, 'GET', '/', { host: `attacker.example:${port}` })).status).toBe(403);
    expect(server.current.unexpected).toEqual([]);
  });

  it('refuses a forged report through a rebound name, so no run is stored', async () => {
    const run = flowRunRequest({ entrypoint: '/tmp/anything.ts:x' });
    const body = JSON.stringify({ operations: [{ kind: 'createFlowRun', request: run }] });
    const answer = await raw(
      server.current.url,
      'POST',
      '/api/reports',
      { host: 'attacker.example', 'content-type': 'application/json', ...auth },
      body,
    );
    expect(answer.status).toBe(403);
    expect(await server.current.store.hasFlowRun(run.id)).toBe(false);
  });

  it('answers its own names: loopback addresses and localhost, on any port', async () => {
    const port = new URL(server.current.url).port;
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, '127.0.0.1', `127.1.2.3:${port}`]) {
      const answer = await raw(server.current.url, 'GET', '/api/health', { host: name, ...auth });
      expect(answer.status, name).toBe(200);
    }
    // HTTP/1.0 may leave the Host out; the server will not guess it.
    expect(await withoutHost(server.current.url)).toMatch(/^HTTP\/1\.[01] 400/);
  });

  it('refuses requests from pages of other origins on every route, reads included', async () => {
    for (const origin of ['https://evil.example', 'http://evil.example:80', 'null', 'http://127.0.0.1:1', 'file://', 'flowdeck://app.evil']) {
      for (const { method, path } of ROUTE_PATHS) {
        const answer = await raw(
          server.current.url,
          method,
          path,
          { host: host(), origin, 'content-type': 'application/json', ...auth },
          method === 'GET' ? undefined : '{}',
        );
        expect(answer.status, `${method} ${path} from ${origin}`).toBe(403);
        expect(JSON.parse(answer.body).message).toContain('FLOWDECK_SERVER_CORS_ORIGINS');
      }
    }
  });

  it("lets in its own pages, which carry the server's origin, and the desktop app", async () => {
    for (const origin of [server.current.url, 'flowdeck://app']) {
      const answer = await raw(
        server.current.url,
        'POST',
        '/api/run-ids/prefixes',
        { host: host(), origin, 'content-type': 'application/json', ...auth },
        JSON.stringify({ kind: 'flow', ids: [] }),
      );
      expect(answer.status, origin).toBe(200);
    }
  });

  it('takes changes as JSON only: simple requests that need no preflight change nothing', async () => {
    const run = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
    await server.current.store.createFlowRun(run);
    const id = run.id;
    const simple: (Record<string, string> | undefined)[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'text/plain;charset=UTF-8' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      undefined,
    ];
    for (const headers of simple) {
      for (const path of [
        `/api/flow-runs/${id}/cancel`,
        `/api/flow-runs/${id}/retry`,
        `/api/flow-runs/${id}/resume`,
        `/api/flow-runs/${id}/rerun`,
        '/api/concurrency-limits/db',
      ]) {
        for (const body of [undefined, '', '{}']) {
          const answer = await raw(server.current.url, path.endsWith('/db') ? 'DELETE' : 'POST', path, { host: host(), ...headers, ...auth }, body);
          expect(answer.status, `${path} ${JSON.stringify(headers)} ${body}`).toBe(415);
          expect(JSON.parse(answer.body).message).toMatch(/content-type application\/json/);
        }
      }
    }
    expect((await server.current.store.getFlowRun(id))!.state.name).toBe('Running');

    // The same request as JSON goes through, with or without a body.
    for (const body of ['', '{}']) {
      const fresh = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
      await server.current.store.createFlowRun(fresh);
      const cancel = await raw(
        server.current.url,
        'POST',
        `/api/flow-runs/${fresh.id}/cancel`,
        { host: host(), 'content-type': 'application/json', ...auth },
        body,
      );
      expect(cancel.status, cancel.body).toBe(200);
      expect((await server.current.store.getFlowRun(fresh.id))!.state.name).toBe('Cancelling');
    }
  });

  it('opens the event stream only to its own pages and the desktop app, addressed to its own name', async () => {
    const token = apiKey ? `?token=${apiKey}` : '';
    const port = new URL(server.current.url).port;
    expect(await openSocket(server.current.url, { origin: 'https://evil.example' }, token)).toBe(403);
    expect(await openSocket(server.current.url, { origin: 'null' }, token)).toBe(403);
    expect(await openSocket(server.current.url, { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` }, token)).toBe(403);
    expect(await openSocket(server.current.url, { origin: server.current.url }, token)).toBe('open');
    expect(await openSocket(server.current.url, { origin: 'flowdeck://app' }, token)).toBe('open');
    // Programs other than browsers send no origin.
    expect(await openSocket(server.current.url, {}, token)).toBe('open');
    expect(server.current.server.events.subscribers).toBe(0);
  });
});

describe('names and origins a server is told to answer', () => {
  it('answers the host names it was given, and web UIs it was told to let in', async () => {
    const server = await startTestServer({ allowedHosts: ['flowdeck.example.com'], corsOrigins: ['https://ui.example.com'] });
    try {
      const port = new URL(server.url).port;
      expect((await raw(server.url, 'GET', '/api/health', { host: `flowdeck.example.com:${port}` })).status).toBe(200);
      expect((await raw(server.url, 'GET', '/api/health', { host: 'FLOWDECK.example.com' })).status).toBe(200);
      expect((await raw(server.url, 'GET', '/api/health', { host: 'other.example.com' })).status).toBe(403);
      // Its own page behind a proxy that keeps the name: the origin is the name's.
      const proxied = await raw(
        server.url,
        'POST',
        '/api/run-ids/prefixes',
        { host: 'flowdeck.example.com', origin: 'https://flowdeck.example.com', 'content-type': 'application/json' },
        JSON.stringify({ kind: 'flow', ids: [] }),
      );
      expect(proxied.status, proxied.body).toBe(200);
      expect((await raw(server.url, 'GET', '/api/health', { host: `127.0.0.1:${port}`, origin: 'https://ui.example.com' })).status).toBe(200);
      expect((await raw(server.url, 'GET', '/api/health', { host: `127.0.0.1:${port}`, origin: 'https://flowdeck.example.com' })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('on every address of the machine when it listens on all of them, and no other name', () => {
    const everywhere = hostNameRule('0.0.0.0');
    expect(everywhere('127.0.0.1')).toBe(true);
    expect(everywhere('[::1]')).toBe(true);
    expect(everywhere('attacker.example')).toBe(false);
    expect(everywhere('10.255.255.254')).toBe(false);
    const one = hostNameRule('192.0.2.10', ['flowdeck.internal']);
    expect(one('192.0.2.10')).toBe(true);
    expect(one('flowdeck.internal')).toBe(true);
    expect(one('192.0.2.11')).toBe(false);
    expect(hostNameRule('::1')('[::1]')).toBe(true);
  });

  it("takes an origin as the server's own only when it names the same host and port", () => {
    const allowed = originRule([]);
    expect(allowed('http://127.0.0.1:4300', '127.0.0.1:4300')).toBe(true);
    expect(allowed('https://flowdeck.example.com', 'flowdeck.example.com')).toBe(true);
    expect(allowed('http://127.0.0.1:4301', '127.0.0.1:4300')).toBe(false);
    expect(allowed('http://localhost:4300', '127.0.0.1:4300')).toBe(false);
    expect(allowed('ftp://127.0.0.1:4300', '127.0.0.1:4300')).toBe(false);
    expect(allowed('null', '127.0.0.1:4300')).toBe(false);
    expect(originRule(['*'])('https://any.example', '127.0.0.1:4300')).toBe(true);
  });
});

describe('a stored entrypoint that points outside the workspace', () => {
  const server = useWorkspaceServer();

  /** A Failed run reported with this entrypoint, as any key holder (or a forged report) can store. */
  async function failedRunAt(entrypoint: string): Promise<string> {
    const id = newId();
    const report = {
      operations: [
        { kind: 'createFlowRun', request: flowRunRequest({ id, entrypoint, state: { type: 'RUNNING', name: 'Running' } }) },
        { kind: 'setState', request: { kind: 'flow', runId: id, transitionId: newId(), state: { type: 'FAILED', name: 'Failed', message: 'boom' } } },
      ],
    };
    const answer = await call(`${server.current.api}/reports`, { method: 'POST', body: report });
    expect(answer.status, answer.text).toBe(200);
    expect((await server.current.store.getFlowRun(id))!.state.type).toBe('FAILED');
    return id;
  }

  /** A flow file whose top-level code leaves a mark when anything loads it. */
  function trap(path: string): string {
    const mark = `${path}.ran`;
    writeFileSync(
      path,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(mark)}, 'ran');\nimport { flow } from 'flowdeck';\nexport default flow({ name: 'x' }, async () => 1);\n`,
    );
    return mark;
  }

  it('is never run, however it is spelled', async () => {
    const s = server.current;
    const outsideFile = join(s.outside, 'evil.ts');
    const mark = trap(outsideFile);
    s.put('sub/keep.ts', "import { flow } from 'flowdeck';\nexport default flow({ name: 'x' }, async () => 1);\n");
    symlinkSync(outsideFile, join(s.workspace, 'link.ts'));
    symlinkSync(s.outside, join(s.workspace, 'linked-folder'));
    const spellings = [
      `${s.workspace}/../outside/evil.ts:x`,
      `${s.workspace}/sub/../../outside/evil.ts:x`,
      `${s.workspace}/link.ts:x`,
      `${s.workspace}/linked-folder/evil.ts:x`,
      `${s.workspace}-other/evil.ts:x`,
      `${outsideFile}:x`,
      `${s.workspace}/.hidden/evil.ts:x`,
      'sub/keep.ts:x',
      `${s.workspace}/sub/keep.ts`,
    ];
    for (const entrypoint of spellings) {
      const id = await failedRunAt(entrypoint);
      for (const action of ['rerun', 'run-again']) {
        const answer = await call(`${s.api}/flow-runs/${id}/${action}`, { method: 'POST', body: action === 'rerun' ? {} : { parameters: {} } });
        expect(answer.status, `${action} ${entrypoint}: ${answer.text}`).toBe(409);
      }
      expect((await s.store.getFlowRun(id))!.state.type, entrypoint).toBe('FAILED');
    }
    expect(existsSync(mark)).toBe(false);
    expect(s.unexpected).toEqual([]);
  });
});
