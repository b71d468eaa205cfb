// The embedded server as the desktop app starts it, under plain Node: the real store in a temp
// FLOWDECK_HOME, the real HTTP server, the workspace folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOWDECK_VERSION } from '../../app/core/api/index.js';
import { appInfo } from '../../app/main/app-info.js';
import { desktopPaths } from '../../app/main/desktop-paths.js';
import { startLocalServer } from '../../app/main/local-server.js';
import { REPO_ROOT } from '../helpers/cli.js';

describe('the embedded local server', () => {
  it('serves the API and the workspace on a free loopback port over FLOWDECK_HOME/flowdeck.db, until closed', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flowdeck-local-server-'));
    const home = join(base, 'home');
    const workspace = join(base, 'Documents', 'Flowdeck');
    const server = await startLocalServer({ home, workspace });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.apiUrl).toBe(`${server.url}/api`);
      expect(await (await fetch(`${server.apiUrl}/health`)).json()).toEqual({ status: 'ok', version: FLOWDECK_VERSION, problems: [] });
      const files = await (await fetch(`${server.apiUrl}/workspace/files`)).json();
      expect(files).toEqual({ root: workspace, files: [], truncated: false });
      expect(existsSync(join(home, 'flowdeck.db'))).toBe(true);
    } finally {
      await server.close();
      rmSync(base, { recursive: true, force: true });
    }
    await expect(fetch(`${server.apiUrl}/health`)).rejects.toThrow();
  });
});

describe('desktop paths and app info', () => {
  it('finds the built parts in the package and the person files in FLOWDECK_HOME and the documents folder', () => {
    const paths = desktopPaths({ FLOWDECK_HOME: '/data/fd' }, '/home/ada/Documents', REPO_ROOT.replace(/\/$/, ''));
    expect(paths).toEqual({
      renderer: join(REPO_ROOT, 'dist', 'renderer'),
      preload: join(REPO_ROOT, 'dist', 'app', 'preload', 'preload.cjs'),
      icon: join(REPO_ROOT, 'resources', 'icons', 'png', '512x512.png'),
      home: '/data/fd',
      workspace: '/home/ada/Documents/Flowdeck',
    });
    expect(existsSync(paths.icon)).toBe(true);
    expect(desktopPaths({ FLOWDECK_WORKSPACE: '/srv/flows' }, '/home/ada/Documents').workspace).toBe('/srv/flows');
  });

  it('says what the window may know', () => {
    const server = { apiUrl: 'http://127.0.0.1:5/api', apiKey: null, local: true };
    const info = appInfo({ home: '/h', workspace: '/w', localServerUrl: 'http://127.0.0.1:5', profile: 'local', server, versions: { electron: '41.7.1', chrome: '146.0', node: '24.0.0' } });
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
