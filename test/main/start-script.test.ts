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
    const plan = launchPlan({ electron: '/opt/electron/electron', root: '/app', workspace: '/home/ada/flows' });
    expect(plan).toEqual({ command: '/opt/electron/electron', args: ['/app/dist/app/main/main.js'], note: null });
  });

  it('knows Electron is missing here', async () => {
    const { findElectron } = await startScript();
    expect(findElectron()).toBeNull();
    const fakeRequire = () => '/nonexistent/electron';
    expect(findElectron(fakeRequire)).toBeNull();
  });

  it('otherwise serves the web UI with the folder it was started in as the workspace, saying where', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flowdeck-start-'));
    const workspace = join(base, 'flows');
    mkdirSync(workspace);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FLOWDECK_')) env[key] = value;
    const child = spawn(process.execPath, [START, '--port', String(port)], {
      cwd: REPO_ROOT,
      env: { ...env, FLOWDECK_HOME: join(base, 'home'), INIT_CWD: workspace, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await waitUntil(() => stdout.includes('Stop with Ctrl+C.') || child.exitCode !== null, { what: `the server to listen\n${stdout}\n${stderr}` });
      const lines = stdout.split('\n');
      expect(lines[0]).toBe(`Electron is not installed, so Flowdeck runs as a web app: open http://127.0.0.1:${port}/ in your browser (Ctrl+C stops it).`);
      expect(stdout).toContain(`workspace: ${workspace}`);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const files = (await (await fetch(`http://127.0.0.1:${port}/api/workspace/files`)).json()) as { root: string };
      expect(files.root).toBe(workspace);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(base, { recursive: true, force: true });
      expect(code, stderr).toBe(0);
    }
  });
});
