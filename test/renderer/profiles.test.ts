// The web UI's own profiles, kept in this browser's storage (a Map here), and the desktop app's
// through the main process's answers to its bridge: what each lists, what a switch changes, and what bad input is told.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS, type ProfileSummary } from '../../app/core/desktop-bridge.js';
import { ipcHandlers } from '../../app/main/ipc-handlers.js';
import {
  BROWSER_PROFILES_KEY,
  browserProfileBook,
  browserServerTarget,
  desktopProfileBook,
  readBrowserProfiles,
  SAME_ORIGIN_KEY,
} from '../../app/renderer/app/profiles.js';
import { makeTempHome } from '../helpers/temp-home.js';

class MapStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const PAGE = 'http://127.0.0.1:4300/#/runs';

describe('profiles kept in the browser', () => {
  it('start with local, the server of the page, and its key for this tab', async () => {
    const local = new MapStorage();
    const session = new MapStorage();
    const book = browserProfileBook(local, session);
    expect(book.editable).toBe(true);
    expect(await book.list()).toEqual([{ name: 'local', apiUrl: null, active: true }]);
    expect(browserServerTarget(PAGE, local, session)).toEqual({ baseUrl: 'http://127.0.0.1:4300/api', profile: 'local' });
    await book.setKey('local', ' tab-key ');
    expect(session.getItem(SAME_ORIGIN_KEY)).toBe('tab-key');
    expect(local.items.size).toBe(0);
    expect(browserServerTarget(PAGE, local, session)).toEqual({ baseUrl: 'http://127.0.0.1:4300/api', apiKey: 'tab-key', profile: 'local' });
  });

  it('add a server, switch to it and back, and change its key', async () => {
    const local = new MapStorage();
    const session = new MapStorage();
    const book = browserProfileBook(local, session);
    await book.save({ name: 'team', apiUrl: 'https://flowdeck.example/api/', apiKey: 'k1' });
    expect(await book.list()).toEqual([
      { name: 'local', apiUrl: null, active: true },
      { name: 'team', apiUrl: 'https://flowdeck.example/api', active: false },
    ]);
    await book.use('team');
    expect(browserServerTarget(PAGE, local, session)).toEqual({ baseUrl: 'https://flowdeck.example/api', apiKey: 'k1', profile: 'team' });
    await book.setKey('team', 'k2');
    expect(browserServerTarget(PAGE, local, session).apiKey).toBe('k2');
    // Saving it again without a key leaves it keyless.
    await book.save({ name: 'team', apiUrl: 'https://flowdeck.example/api', apiKey: '' });
    expect(browserServerTarget(PAGE, local, session)).toEqual({ baseUrl: 'https://flowdeck.example/api', profile: 'team' });
    await book.use('local');
    expect(browserServerTarget(PAGE, local, session).profile).toBe('local');
    // Stored in the shape of profiles.toml.
    expect(JSON.parse(local.getItem(BROWSER_PROFILES_KEY)!)).toEqual({
      active: 'local',
      profiles: { local: {}, team: { FLOWDECK_API_URL: 'https://flowdeck.example/api' } },
    });
  });

  it('forget a server, going back to local when it was in use; local stays', async () => {
    const local = new MapStorage();
    const book = browserProfileBook(local, new MapStorage());
    await book.save({ name: 'a', apiUrl: 'http://127.0.0.1:1/api', apiKey: '' });
    await book.save({ name: 'b', apiUrl: 'http://127.0.0.1:2/api', apiKey: '' });
    await book.use('b');
    await book.forget('b');
    expect((await book.list()).map((p) => [p.name, p.active])).toEqual([
      ['local', true],
      ['a', false],
    ]);
    await expect(book.forget('local')).rejects.toThrow(/cannot be forgotten/);
    await expect(book.forget('zzz')).rejects.toThrow(/no profile named 'zzz' \(profiles: local, a\)/);
  });

  it('say which field is wrong and keep nothing of a refused server', async () => {
    const local = new MapStorage();
    const book = browserProfileBook(local, new MapStorage());
    await expect(book.save({ name: 'team', apiUrl: 'http://127.0.0.1:4300', apiKey: '' })).rejects.toThrow(
      /^API URL must be the server's API base, ending in \/api/,
    );
    await expect(book.save({ name: 'team', apiUrl: 'ftp://x/api', apiKey: '' })).rejects.toThrow(/^API URL must be an http:\/\/ or https:\/\/ URL/);
    await expect(book.save({ name: 'team', apiUrl: 'http://x/api', apiKey: 'two words' })).rejects.toThrow(/^API key must not contain spaces/);
    await expect(book.save({ name: 'my team', apiUrl: 'http://x/api', apiKey: '' })).rejects.toThrow(
      /profile names use only letters, digits, - and _/,
    );
    await expect(book.save({ name: 'local', apiUrl: 'http://x/api', apiKey: '' })).rejects.toThrow(/'local' is the server this page came from/);
    await expect(book.use('nowhere')).rejects.toThrow(/no profile named 'nowhere'/);
    await expect(book.setKey('local', '')).rejects.toThrow(/^API key must not be empty/);
    expect(local.items.size).toBe(0);
  });

  it('that cannot be read are left as they are, the app uses local, and only "start again" clears them', async () => {
    for (const stored of [
      '{not json',
      '[]',
      JSON.stringify({ active: 'team', profiles: { local: {} } }),
      JSON.stringify({ profiles: { team: { FLOWDECK_API_URL: 'nope' } } }),
    ]) {
      const local = new MapStorage();
      local.setItem(BROWSER_PROFILES_KEY, stored);
      const book = browserProfileBook(local, new MapStorage());
      expect(book.problem, stored).toMatch(/^The profiles saved in this browser could not be read \(.+\), so the app uses local\.$/);
      expect(browserServerTarget(PAGE, local, undefined), stored).toEqual({ baseUrl: 'http://127.0.0.1:4300/api', profile: 'local' });
      await expect(book.save({ name: 'x', apiUrl: 'http://x/api', apiKey: '' })).rejects.toThrow(/Start again to clear them/);
      expect(local.getItem(BROWSER_PROFILES_KEY)).toBe(stored);
      await book.startAgain();
      expect(readBrowserProfiles(local)).toEqual({ doc: { active: 'local', profiles: new Map([['local', {}]]) }, problem: null });
    }
  });

  it('say so when the browser keeps nothing', async () => {
    const book = browserProfileBook(undefined, undefined);
    expect(await book.list()).toEqual([{ name: 'local', apiUrl: null, active: true }]);
    await expect(book.save({ name: 'team', apiUrl: 'http://x/api', apiKey: '' })).rejects.toThrow(/storage is off/);
  });
});

describe("the desktop app's profiles", () => {
  it("are profiles.toml's, listed and switched by the main process, and changed with the CLI", async () => {
    const temp = makeTempHome();
    try {
      writeFileSync(
        join(temp.home, 'profiles.toml'),
        'active = "local"\n\n[profiles.local]\n\n[profiles.team]\nFLOWDECK_API_URL = "https://flowdeck.example/api"\n',
      );
      const handlers = ipcHandlers({
        home: temp.home,
        env: {},
        appInfo: () => {
          throw new Error('not asked here');
        },
        dialogs: { chooseFileToOpen: async () => null, chooseFileToSave: async () => null, chooseFolder: async () => null },
        openFolder: () => {
          throw new Error('not asked here');
        },
      });
      // The main process's answers, as the preload script hands them to the page.
      const book = desktopProfileBook({
        listProfiles: () => handlers[DESKTOP_CHANNELS.listProfiles]([]) as Promise<ProfileSummary[]>,
        useProfile: (name) => handlers[DESKTOP_CHANNELS.useProfile]([name]) as Promise<ProfileSummary[]>,
      });
      expect(book.editable).toBe(false);
      expect(await book.list()).toEqual([
        { name: 'local', apiUrl: null, active: true },
        { name: 'team', apiUrl: 'https://flowdeck.example/api', active: false },
      ]);
      await book.use('team');
      expect(readFileSync(join(temp.home, 'profiles.toml'), 'utf8')).toMatch(/^active = "team"/);
      expect((await book.list()).find((p) => p.active)?.name).toBe('team');
      await expect(book.use('nowhere')).rejects.toThrow(/no profile named 'nowhere'/);
      await expect(book.save({ name: 'x', apiUrl: 'http://x/api', apiKey: '' })).rejects.toThrow(/flowdeck profile create NAME/);
    } finally {
      temp.cleanup();
    }
  });
});
