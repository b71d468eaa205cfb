// `npm start` (scripts/start.mjs): Electron when it is installed, else the web UI from the
// embedded server. Electron cannot be installed here, so the fallback runs for real.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, waitUntil } from '../helpers/cli.js';

const START = join(REPO_ROOT, 'scripts', 'start.mjs');

async function startScript() {
  return import(pathToFileURL(START).href);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('what npm start launches', () => {
  it('runs Electron on the compiled main when Electron is installed', async () => {
    const { launchPlan } = await startScript();
    const plan = launchPlan({ electron: '/opt/electron/electron', root: '/app', cwd: '/home/ada', args: ['--workspace', 'flows'] });
    expect(plan).toEqual({
      command: '/opt/electron/electron',
      args: ['/app/dist/app/main/main.js', '--workspace', 'flows'],
      cwd: '/home/ada',
      note: null,
    });
  });

  it('knows Electron is missing here', async () => {
    const { findElectron } = await startScript();
    expect(findElectron()).toBeNull();
    const fakeRequire = () => '/nonexistent/electron';
    expect(findElectron(fakeRequire)).toBeNull();
  });

  /** `npm start` with these arguments, from the folder npm was started in, until the server listens. */
  async function startFrom(initCwd: string, home: string, args: string[] = []) {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FLOWDECK_')) env[key] = value;
    const child = spawn(process.execPath, [START, '--port', String(port), ...args], {
      cwd: REPO_ROOT,
      env: { ...env, FLOWDECK_HOME: home, INIT_CWD: initCwd, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await waitUntil(() => out.stdout.includes('Stop with Ctrl+C.') || child.exitCode !== null, {
      what: `the server to listen\n${out.stdout}\n${out.stderr}`,
    });
    return {
      port,
      out,
      async stop() {
        child.kill('SIGTERM');
        return exited;
      },
    };
  }

  it('otherwise serves the web UI on the workspace in FLOWDECK_HOME, seeded with the examples, saying where', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flowdeck-start-'));
    const home = join(base, 'home');
    const started = await startFrom(base, home);
    try {
      const lines = started.out.stdout.split('\n');
      expect(lines[0]).toBe(
        `Electron is not installed, so Flowdeck runs as a web app: open http://127.0.0.1:${started.port}/ in your browser (Ctrl+C stops it).`,
      );
      expect(started.out.stdout).toContain(`workspace: ${join(home, 'workspace')} (new, with`);
      const page = await fetch(`http://127.0.0.1:${started.port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const files = (await (await fetch(`http://127.0.0.1:${started.port}/api/workspace/files`)).json()) as {
        root: string;
        files: { path: string }[];
      };
      expect(files.root).toBe(join(home, 'workspace'));
      expect(files.files.map((f) => f.path)).toContain('hello.ts');
    } finally {
      const code = await started.stop();
      rmSync(base, { recursive: true, force: true });
      expect(code, started.out.stderr).toBe(0);
    }
  });

  it('serves the folder `npm start -- --workspace DIR` names, relative to where npm was started', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flowdeck-start-'));
    mkdirSync(join(base, 'flows'));
    const started = await startFrom(base, join(base, 'home'), ['--workspace', 'flows']);
    try {
      expect(started.out.stdout).toContain(`workspace: ${join(base, 'flows')} (given with --workspace)`);
      const files = (await (await fetch(`http://127.0.0.1:${started.port}/api/workspace/files`)).json()) as { root: string };
      expect(files.root).toBe(join(base, 'flows'));
    } finally {
      const code = await started.stop();
      rmSync(base, { recursive: true, force: true });
      expect(code, started.out.stderr).toBe(0);
    }
  });
});
