// `flowdeck server start` as people run it: the real CLI in a child process.
import { request } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, showOutput, spawnCli, useCliHome, type CliProcess } from '../../helpers/cli.js';
import { call } from './support.js';

const home = useCliHome();

async function started(proc: CliProcess): Promise<string> {
  await proc.waitForOutput('Stop with Ctrl+C.');
  return /listening on (http:\/\/\S+)/.exec(proc.stdout)![1];
}

describe('flowdeck server start', () => {
  it('serves the API on the port it prints until SIGTERM, then exits 0', async () => {
    const proc = spawnCli(['server', 'start', '--port', '0'], { home: home.home });
    const url = await started(proc);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proc.stdout).toContain(home.dbPath);

    const health = await call(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok', version: '0.1.0', problems: [] });
    expect((await call(`${url}/api/flow-runs`)).json).toEqual({ items: [], nextCursor: null });

    proc.kill('SIGTERM');
    const result = await proc.wait();
    expect(result.code, showOutput(result)).toBe(0);
    expect(result.stderr).toContain('Flowdeck server stopped.');
  });

  it('requires the key in FLOWDECK_SERVER_API_KEY and stops on SIGINT too', async () => {
    const proc = spawnCli(['server', 'start', '--port', '0', '--database', `${home.home}/other.db`], {
      home: home.home,
      env: { FLOWDECK_SERVER_API_KEY: 's3cret' },
    });
    const url = await started(proc);
    expect(proc.stdout).toContain(`${home.home}/other.db`);
    expect((await call(`${url}/api/health`)).status).toBe(401);
    expect((await call(`${url}/api/health`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    proc.kill('SIGINT');
    const result = await proc.wait();
    expect(result.code, showOutput(result)).toBe(0);
  });

  it('lets the web UIs named in FLOWDECK_SERVER_CORS_ORIGINS call it from a browser, and no others', async () => {
    const proc = spawnCli(['server', 'start', '--port', '0'], {
      home: home.home,
      env: { FLOWDECK_SERVER_API_KEY: 's3cret', FLOWDECK_SERVER_CORS_ORIGINS: 'http://127.0.0.1:4300' },
    });
    const url = await started(proc);
    expect(proc.stdout).toContain('pages from http://127.0.0.1:4300 may use it too');
    const preflight = await call(`${url}/api/flow-runs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:4300', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4300');
    const other = await call(`${url}/api/health`, { headers: { origin: 'http://127.0.0.1:4301', authorization: 'Bearer s3cret' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    proc.kill('SIGTERM');
    const result = await proc.wait();
    expect(result.code, showOutput(result)).toBe(0);

    const bad = await runCli(['server', 'start', '--port', '0'], { home: home.home, env: { FLOWDECK_SERVER_CORS_ORIGINS: 'http://ui.example/app' } });
    expect(bad.code, showOutput(bad)).toBe(2);
    expect(bad.stderr).toContain('FLOWDECK_SERVER_CORS_ORIGINS');
    expect(bad.stderr).toContain('more than an origin');
  });

  it('answers the host names of --allowed-host and FLOWDECK_SERVER_ALLOWED_HOSTS, and refuses others', async () => {
    const proc = spawnCli(['server', 'start', '--port', '0', '--allowed-host', 'flowdeck.example.com'], {
      home: home.home,
      env: { FLOWDECK_SERVER_ALLOWED_HOSTS: 'ops.example.com' },
    });
    const url = await started(proc);
    expect(proc.stdout).toContain('host names: ops.example.com, flowdeck.example.com besides loopback');
    const port = new URL(url).port;
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/health', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await statusFor(`flowdeck.example.com:${port}`)).toBe(200);
    expect(await statusFor('ops.example.com')).toBe(200);
    expect(await statusFor(`127.0.0.1:${port}`)).toBe(200);
    expect(await statusFor(`attacker.example:${port}`)).toBe(403);
    proc.kill('SIGTERM');
    expect((await proc.wait()).code).toBe(0);

    for (const bad of ['https://flowdeck.example.com', 'flowdeck.example.com:443', 'not a name']) {
      const refused = await runCli(['server', 'start', '--port', '0', '--allowed-host', bad], { home: home.home });
      expect(refused.code, showOutput(refused)).toBe(2);
      expect(refused.stderr).toContain('--allowed-host');
    }
  });

  it('refuses a bad port, a PostgreSQL URL and a port in use with exit 2 and one line', async () => {
    for (const port of ['abc', '70000', '-1', '80.5']) {
      const result = await runCli(['server', 'start', `--port=${port}`], { home: home.home });
      expect(result.code, showOutput(result)).toBe(2);
      expect(result.stderr).toContain(`--port must be a whole number from 0 to 65535, got '${port}'`);
    }

    const postgres = await runCli(['server', 'start', '--database', 'postgres://flowdeck@db/flowdeck'], { home: home.home });
    expect(postgres.code, showOutput(postgres)).toBe(2);
    expect(postgres.stderr).toContain('PostgreSQL support is not available yet');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const inUse = await runCli(['server', 'start', '--port', String(port)], { home: home.home });
      expect(inUse.code, showOutput(inUse)).toBe(2);
      expect(inUse.stderr.trim()).toBe(`error: port ${port} on 127.0.0.1 is already in use; pick another with --port`);
    } finally {
      blocker.close();
    }
  });
});
