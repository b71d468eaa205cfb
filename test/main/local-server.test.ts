// The embedded server as the desktop app starts it, under plain Node: the real store in a temp
// FLOWDECK_HOME, the real HTTP server, the workspace folder, and "Open folder…" behind the bridge.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOWDECK_VERSION } from '../../app/core/api/index.js';
import { DESKTOP_CHANNELS, type AppInfo } from '../../app/core/index.js';
import { appInfo } from '../../app/main/app-info.js';
import { desktopPaths, workspaceArgument } from '../../app/main/desktop-paths.js';
import { encryptionKeySetting, workspaceSetting } from '../../app/main/desktop-profiles.js';
import { ipcHandlers } from '../../app/main/ipc-handlers.js';
import { startLocalServer, type LocalServer } from '../../app/main/local-server.js';
import { EXAMPLES_DIR, REPO_ROOT } from '../helpers/cli.js';

const EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((name) => name.endsWith('.ts'))
  .sort();

let base: string;
let home: string;
const servers: LocalServer[] = [];
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-local-server-'));
  home = join(base, 'home');
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  rmSync(base, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof startLocalServer>[0]> = {}): Promise<LocalServer> {
  const server = await startLocalServer({ home, cwd: base, ...options });
  servers.push(server);
  return server;
}

async function listing(server: LocalServer): Promise<{ root: string; files: { path: string }[] }> {
  return (await (await fetch(`${server.apiUrl}/workspace/files`)).json()) as { root: string; files: { path: string }[] };
}

describe('the embedded local server', () => {
  it('serves the API and FLOWDECK_HOME/workspace, seeded with the examples, on a free loopback port over FLOWDECK_HOME/flowdeck.db, until closed', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiUrl).toBe(`${server.url}/api`);
    expect(await (await fetch(`${server.apiUrl}/health`)).json()).toEqual({ status: 'ok', version: FLOWDECK_VERSION, problems: [] });
    expect(server.chosen).toMatchObject({ folder: join(home, 'workspace'), source: 'default', seeded: EXAMPLES });
    expect(server.workspace).toBe(join(home, 'workspace'));
    const files = await listing(server);
    expect(files.root).toBe(join(home, 'workspace'));
    expect(files.files.map((f) => f.path)).toEqual(EXAMPLES);
    expect(statSync(join(home, 'workspace')).mode & 0o777).toBe(0o700);
    expect(existsSync(join(home, 'flowdeck.db'))).toBe(true);
    await servers.pop()!.close();
    await expect(fetch(`${server.apiUrl}/health`)).rejects.toThrow();
  });

  it('keeps an edited example on the next start, and serves the folder --workspace names', async () => {
    const first = await start();
    writeFileSync(join(first.workspace, 'hello.ts'), '// mine\n');
    await servers.pop()!.close();
    const second = await start();
    expect(second.chosen.seeded).toEqual([]);
    expect(readFileSync(join(second.workspace, 'hello.ts'), 'utf8')).toBe('// mine\n');
    await servers.pop()!.close();

    mkdirSync(join(base, 'flows'));
    const named = await start({ workspace: 'flows' });
    expect(named.chosen).toMatchObject({ folder: join(base, 'flows'), source: 'option' });
  });

  it('opens the folder the person picks through the bridge, serves it at once, and starts on it next time', async () => {
    const server = await start();
    const flows = join(base, 'projects', 'flows');
    mkdirSync(flows, { recursive: true });
    writeFileSync(join(flows, 'etl.ts'), 'export default 1;\n');
    const picks: (string | null)[] = [flows, '/', null];
    const handlers = ipcHandlers({
      home,
      env: {},
      appInfo: () => ({}) as AppInfo,
      dialogs: { chooseFileToOpen: async () => null, chooseFileToSave: async () => null, chooseFolder: async () => picks.shift() ?? null },
      openFolder: (folder) => server.openFolder(folder),
    });
    const openFolder = () => handlers[DESKTOP_CHANNELS.openFolder]([]);

    expect(await openFolder()).toEqual({ path: flows });
    expect(server.workspace).toBe(flows);
    expect((await listing(server)).files.map((f) => f.path)).toEqual(['etl.ts']);
    await expect(openFolder()).rejects.toThrow("folder '/' is too near the root of the disk");
    expect(server.workspace).toBe(flows);
    expect(await openFolder()).toBeNull();

    await servers.pop()!.close();
    const next = await start();
    expect(next.chosen).toMatchObject({ folder: flows, source: 'remembered' });
  });
});

describe('desktop paths, arguments, settings and app info', () => {
  it('finds the built parts in the package and the person files in FLOWDECK_HOME', () => {
    const paths = desktopPaths({ FLOWDECK_HOME: '/data/fd' }, REPO_ROOT.replace(/\/$/, ''));
    expect(paths).toEqual({
      renderer: join(REPO_ROOT, 'dist', 'renderer'),
      preload: join(REPO_ROOT, 'dist', 'app', 'preload', 'preload.cjs'),
      icon: join(REPO_ROOT, 'resources', 'icons', 'png', '512x512.png'),
      home: '/data/fd',
    });
    expect(existsSync(paths.icon)).toBe(true);
  });

  it('reads --workspace from the command line, in either spelling', () => {
    expect(workspaceArgument(['/opt/electron', '/app/main.js'])).toBeUndefined();
    expect(workspaceArgument(['/opt/electron', '/app/main.js', '--workspace', 'flows'])).toBe('flows');
    expect(workspaceArgument(['/opt/Flowdeck', '--workspace=/srv/flows'])).toBe('/srv/flows');
    expect(workspaceArgument(['/opt/Flowdeck', '--workspace'])).toBe('');
  });

  it('takes FLOWDECK_WORKSPACE from the environment, else the profile in effect', () => {
    mkdirSync(home);
    expect(workspaceSetting(home, {})).toBeNull();
    writeFileSync(join(home, 'profiles.toml'), 'active = "local"\n\n[profiles.local]\nFLOWDECK_WORKSPACE = "/srv/flows"\n');
    expect(workspaceSetting(home, {})).toBe('/srv/flows');
    expect(workspaceSetting(home, { FLOWDECK_WORKSPACE: '/home/ada/flows' })).toBe('/home/ada/flows');
    expect(() => workspaceSetting(home, { FLOWDECK_WORKSPACE: 'flows' })).toThrow(/FLOWDECK_WORKSPACE.*whole path/);
  });

  it('says what the window may know', () => {
    const server = { apiUrl: 'http://127.0.0.1:5/api', apiKey: null, local: true };
    const info = appInfo({
      home: '/h',
      workspace: '/w',
      localServerUrl: 'http://127.0.0.1:5',
      profile: 'local',
      server,
      versions: { electron: '41.7.1', chrome: '146.0', node: '24.0.0' },
    });
    expect(info).toMatchObject({
      name: 'Flowdeck',
      version: FLOWDECK_VERSION,
      versions: { electron: '41.7.1', chrome: '146.0', node: '24.0.0' },
      home: '/h',
      workspace: '/w',
      profile: 'local',
      server,
    });
  });
});

describe('blocks of the embedded server', () => {
  it('are sealed with FLOWDECK_SERVER_ENCRYPTION_KEY as the CLI resolves it, so blocks saved by the local CLI open in the app', async () => {
    const key = 'ab'.repeat(32);
    mkdirSync(home, { recursive: true });
    const setting = encryptionKeySetting(home, { FLOWDECK_SERVER_ENCRYPTION_KEY: key });
    expect(setting).toBe(key);
    const server = await start({ encryptionKey: setting });
    const made = await fetch(`${server.apiUrl}/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'secret', name: 'db', data: { value: 'hidden-value' } }),
    });
    expect(made.status).toBe(200);
    // The key came from the setting: no key file was made.
    expect(existsSync(join(home, 'encryption.key'))).toBe(false);
  });
});
