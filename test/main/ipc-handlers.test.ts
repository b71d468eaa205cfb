// The answers behind window.flowdeck, with real files and a real FLOWDECK_HOME; only the native
// dialogs are stood in for, by a list of what the person would pick.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS, type AppInfo } from '../../app/core/index.js';
import { serverConnection } from '../../app/main/desktop-profiles.js';
import { ipcHandlers, suggestedFileName, type IpcHandler } from '../../app/main/ipc-handlers.js';

let base: string;
let home: string;
let picks: (string | null)[];
let suggested: string[];
let handlers: Record<string, IpcHandler>;
let opened: string[];
const info = { name: 'Flowdeck' } as AppInfo;

function invoke(name: keyof typeof DESKTOP_CHANNELS, ...args: unknown[]) {
  return handlers[DESKTOP_CHANNELS[name]](args);
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'flowdeck-ipc-'));
  home = join(base, 'home');
  picks = [];
  suggested = [];
  opened = [];
  handlers = ipcHandlers({
    home,
    env: {},
    appInfo: () => info,
    dialogs: {
      chooseFileToOpen: async () => picks.shift() ?? null,
      chooseFileToSave: async (name) => {
        suggested.push(name);
        return picks.shift() ?? null;
      },
      chooseFolder: async () => picks.shift() ?? null,
    },
    openFolder: (folder) => {
      if (folder === '/') throw new Error("folder '/' is too near the root of the disk");
      opened.push(folder);
      return folder;
    },
  });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('files', () => {
  it('has a handler for every channel of the bridge and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
  });

  it('opens the picked file with its sidecar, and saves back to it in one step', async () => {
    const file = join(base, 'etl.ts');
    writeFileSync(file, 'export default 1;\n');
    writeFileSync(join(base, 'etl.flowdeck.json'), '{"nodes":{}}');
    picks.push(file);
    expect(await invoke('openFile')).toEqual({ path: file, content: 'export default 1;\n', sidecar: '{"nodes":{}}' });

    expect(await invoke('saveFile', file, 'export default 2;\n', '{"nodes":{"a":{}}}')).toEqual({ path: file });
    expect(readFileSync(file, 'utf8')).toBe('export default 2;\n');
    expect(readFileSync(join(base, 'etl.flowdeck.json'), 'utf8')).toBe('{"nodes":{"a":{}}}');
    await invoke('saveFile', file, 'export default 3;\n', null);
    expect(existsSync(join(base, 'etl.flowdeck.json'))).toBe(false);
  });

  it('answers null when the person cancels', async () => {
    expect(await invoke('openFile')).toBeNull();
    expect(await invoke('saveFileAs', 'x')).toBeNull();
  });

  it('saves as wherever the person picks, then lets the page save there again', async () => {
    const target = join(base, 'new-flow.ts');
    picks.push(target);
    expect(await invoke('saveFileAs', 'v1', 'users-etl.ts')).toEqual({ path: target });
    expect(suggested).toEqual(['users-etl.ts']);
    expect(await invoke('saveFile', target, 'v2')).toEqual({ path: target });
    expect(readFileSync(target, 'utf8')).toBe('v2');
  });

  it('suggests a bare .ts file name to the save dialog', () => {
    expect(suggestedFileName('users-etl.ts')).toBe('users-etl.ts');
    expect(suggestedFileName('users etl')).toBe('users etl.ts');
    expect(suggestedFileName('../../.bashrc')).toBe('.bashrc.ts');
    expect(suggestedFileName('C:\\Users\\ada\\x')).toBe('x.ts');
    expect(suggestedFileName('a:b*c')).toBe('a-b-c.ts');
    expect(suggestedFileName(undefined)).toBe('flow.ts');
    expect(suggestedFileName('..')).toBe('flow.ts');
  });

  it('refuses to write any path the person did not pick in a dialog', async () => {
    const elsewhere = join(base, 'bashrc.ts');
    writeFileSync(elsewhere, 'mine');
    await expect(invoke('saveFile', elsewhere, 'evil')).rejects.toThrow(/was not opened or saved through a dialog/);
    await expect(invoke('saveFile', `${base}/x/../bashrc.ts`, 'evil')).rejects.toThrow(/was not opened or saved/);
    expect(readFileSync(elsewhere, 'utf8')).toBe('mine');
  });

  it('checks the arguments that arrive', async () => {
    await expect(invoke('saveFile', 42, 'x')).rejects.toThrow(/^saveFile: argument 0 /);
    await expect(invoke('saveFileAs', 'x'.repeat(3 * 1024 * 1024))).rejects.toThrow(/^saveFileAs: argument 0 /);
    await expect(invoke('useProfile')).rejects.toThrow(/^useProfile: argument/);
    await expect(invoke('openFile', '/etc/passwd')).rejects.toThrow(/^openFile: /);
  });

  it('will not open something too large to be a flow file', async () => {
    const big = join(base, 'big.ts');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024 + 1, 'x'));
    picks.push(big);
    await expect(invoke('openFile')).rejects.toThrow(/is 2097153 bytes/);
  });
});

describe('folders', () => {
  it('makes the picked folder the workspace, resolved, and answers null when the person cancels', async () => {
    expect(await invoke('openFolder')).toBeNull();
    picks.push(`${base}/flows/../flows/`);
    expect(await invoke('openFolder')).toEqual({ path: join(base, 'flows') });
    expect(opened).toEqual([join(base, 'flows')]);
    picks.push('/');
    await expect(invoke('openFolder')).rejects.toThrow('too near the root');
    await expect(invoke('openFolder', '/etc')).rejects.toThrow(/^openFolder: argument/);
    expect(opened).toEqual([join(base, 'flows')]);
  });
});

describe('profiles and app info', () => {
  it('lists the profiles, writing the default file first, and switches the active one', async () => {
    expect(await invoke('listProfiles')).toEqual([{ name: 'local', active: true, apiUrl: null }]);
    const path = join(home, 'profiles.toml');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(
      path,
      'active = "local"\n[profiles.local]\n[profiles.prod]\nFLOWDECK_API_URL = "https://flowdeck.example.com/api"\nFLOWDECK_API_KEY = "fd_x"\n',
    );

    expect(await invoke('useProfile', 'prod')).toEqual([
      { name: 'local', active: false, apiUrl: null },
      { name: 'prod', active: true, apiUrl: 'https://flowdeck.example.com/api' },
    ]);
    expect(readFileSync(path, 'utf8')).toMatch(/^active = "prod"/);
    expect(serverConnection(home, {}, 'http://127.0.0.1:1/api')).toEqual({
      profile: 'prod',
      server: { apiUrl: 'https://flowdeck.example.com/api', apiKey: 'fd_x', local: false },
    });
    await expect(invoke('useProfile', 'nope')).rejects.toThrow("no profile named 'nope' (profiles: local, prod)");
  });

  it('connects to the local server for a profile without a server, and lets the environment win', () => {
    expect(serverConnection(home, {}, 'http://127.0.0.1:1/api')).toEqual({
      profile: 'local',
      server: { apiUrl: 'http://127.0.0.1:1/api', apiKey: null, local: true },
    });
    const fromEnv = serverConnection(home, { FLOWDECK_API_URL: 'http://10.0.0.2:4300/api' }, 'http://127.0.0.1:1/api');
    expect(fromEnv.server).toEqual({ apiUrl: 'http://10.0.0.2:4300/api', apiKey: null, local: false });
  });

  it('reports a broken profiles file with its line, leaving it untouched', async () => {
    const path = join(home, 'profiles.toml');
    await invoke('listProfiles');
    writeFileSync(path, 'active = "local"\n[profiles.local]\nNOT_A_SETTING = 1\n');
    await expect(invoke('useProfile', 'local')).rejects.toThrow(/profiles\.toml, line 3: .*NOT_A_SETTING/);
    expect(readFileSync(path, 'utf8')).toContain('NOT_A_SETTING');
  });

  it('answers app info', async () => {
    expect(await invoke('appInfo')).toBe(info);
  });
});
