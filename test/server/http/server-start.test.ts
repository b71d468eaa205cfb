// `flowdeck server start` as people run it: the real CLI in a child process.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, runCli, showOutput, spawnCli, useCliHome, type CliProcess } from '../../helpers/cli.js';
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

  it('serves FLOWDECK_HOME/workspace, seeded with the examples on the first start only, and says so', async () => {
    const examples = readdirSync(EXAMPLES_DIR)
      .filter((name) => name.endsWith('.ts'))
      .sort();
    const folder = join(home.home, 'workspace');
    const first = spawnCli(['server', 'start', '--port', '0'], { home: home.home });
    const url = await started(first);
    expect(first.stdout).toContain(`workspace: ${folder} (new, with ${examples.length} example flows)`);
    expect(first.stdout).toContain('open another folder from the Open dialog of the builder');
    const files = await call(`${url}/api/workspace/files`);
    expect(files.json.root).toBe(folder);
    expect(files.json.files.map((f: { path: string }) => f.path)).toEqual(examples);
    expect((await call(`${url}/api/workspace`)).json).toMatchObject({ root: folder, defaultRoot: folder, changeable: true, fixedBecause: null });
    const edited = "// my own hello\nimport { flow } from 'flowdeck';\nexport default flow({ name: 'mine' }, async () => 1);\n";
    expect((await call(`${url}/api/workspace/file`, { method: 'PUT', body: { path: 'hello.ts', content: edited } })).status).toBe(200);
    first.kill('SIGTERM');
    expect((await first.wait()).code).toBe(0);

    const second = spawnCli(['server', 'start', '--port', '0'], { home: home.home });
    const again = await started(second);
    expect(second.stdout).toContain(`workspace: ${folder} (the default)`);
    expect((await call(`${again}/api/workspace/file?path=hello.ts`)).json.content).toBe(edited);
    expect(readFileSync(join(folder, 'hello.ts'), 'utf8')).toBe(edited);
    second.kill('SIGTERM');
    expect((await second.wait()).code).toBe(0);
  });

  it('starts on the folder last opened from the web UI, and on --workspace or FLOWDECK_WORKSPACE when given', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'flowdeck-opened-'));
    const flows = join(elsewhere, 'flows');
    try {
      const first = spawnCli(['server', 'start', '--port', '0'], { home: home.home });
      const url = await started(first);
      const missing = await call(`${url}/api/workspace`, { method: 'PUT', body: { root: flows } });
      expect(missing.status).toBe(400);
      mkdirSync(flows);
      const opened = await call(`${url}/api/workspace`, { method: 'PUT', body: { root: flows } });
      expect(opened.status, opened.text).toBe(200);
      first.kill('SIGTERM');
      expect((await first.wait()).code).toBe(0);

      const second = spawnCli(['server', 'start', '--port', '0'], { home: home.home });
      const again = await started(second);
      expect(second.stdout).toContain(`workspace: ${flows} (the folder last opened)`);
      expect((await call(`${again}/api/workspace/files`)).json.root).toBe(flows);
      second.kill('SIGTERM');
      expect((await second.wait()).code).toBe(0);

      const given = spawnCli(['server', 'start', '--port', '0', '--workspace', elsewhere], { home: home.home, env: { FLOWDECK_WORKSPACE: flows } });
      await started(given);
      expect(given.stdout).toContain(`workspace: ${elsewhere} (given with --workspace)`);
      given.kill('SIGTERM');
      expect((await given.wait()).code).toBe(0);

      const set = spawnCli(['server', 'start', '--port', '0'], { home: home.home, env: { FLOWDECK_WORKSPACE: elsewhere } });
      await started(set);
      expect(set.stdout).toContain(`workspace: ${elsewhere} (FLOWDECK_WORKSPACE)`);
      set.kill('SIGTERM');
      expect((await set.wait()).code).toBe(0);

      const bad = await runCli(['server', 'start', '--port', '0', '--workspace', 'no-such-folder'], { home: home.home, cwd: elsewhere });
      expect(bad.code, showOutput(bad)).toBe(2);
      expect(bad.stderr).toContain(`--workspace ${join(elsewhere, 'no-such-folder')} is not a folder`);
      const relative = await runCli(['server', 'start', '--port', '0'], { home: home.home, env: { FLOWDECK_WORKSPACE: 'flows' } });
      expect(relative.code, showOutput(relative)).toBe(2);
      expect(relative.stderr).toContain('FLOWDECK_WORKSPACE');
      expect(relative.stderr).toContain('whole path of a folder');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('keeps the workspace of a server with a key fixed unless started with --allow-workspace-change', async () => {
    const keyed = spawnCli(['server', 'start', '--port', '0'], { home: home.home, env: { FLOWDECK_SERVER_API_KEY: 's3cret' } });
    const url = await started(keyed);
    expect(keyed.stdout).toContain('fixed: the web UI cannot change it');
    const auth = { authorization: 'Bearer s3cret' };
    const info = await call(`${url}/api/workspace`, { headers: auth });
    expect(info.json).toMatchObject({
      changeable: false,
      fixedBecause: 'this server requires an API key, so it may be shared; start it with --allow-workspace-change to allow it',
    });
    const refused = await call(`${url}/api/workspace`, { method: 'PUT', body: { root: home.home }, headers: auth });
    expect(refused.status).toBe(403);
    keyed.kill('SIGTERM');
    expect((await keyed.wait()).code).toBe(0);

    const allowed = spawnCli(['server', 'start', '--port', '0', '--allow-workspace-change'], {
      home: home.home,
      env: { FLOWDECK_SERVER_API_KEY: 's3cret' },
    });
    const allowedUrl = await started(allowed);
    expect((await call(`${allowedUrl}/api/workspace`, { headers: auth })).json.changeable).toBe(true);
    allowed.kill('SIGTERM');
    expect((await allowed.wait()).code).toBe(0);
  });
});
