import { describe, expect, it } from 'vitest';
import {
  createProfile,
  defaultProfilesDocument,
  deleteProfile,
  originList,
  parseSetting,
  ProfilesDataError,
  profilesFromData,
  resolveSettings,
  SETTINGS,
  SettingsError,
  shownSettingValue,
} from '../../app/core/index.js';

describe('resolveSettings', () => {
  it('takes each value from the environment, then the profile, then the default, and says which', () => {
    const resolved = resolveSettings({
      env: { FLOWDECK_HEARTBEAT_SECONDS: '5', FLOWDECK_API_URL: 'http://env.example:4300/api' },
      profile: {
        name: 'prod',
        values: { FLOWDECK_HEARTBEAT_SECONDS: 2, FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: 60, FLOWDECK_API_URL: 'http://prod.example/api' },
      },
    });
    expect(resolved.values).toEqual({
      FLOWDECK_API_URL: 'http://env.example:4300/api',
      FLOWDECK_API_KEY: null,
      FLOWDECK_LOGGING_LEVEL: 'INFO',
      FLOWDECK_HEARTBEAT_SECONDS: 5,
      FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: 60,
      FLOWDECK_CANCEL_GRACE_SECONDS: 10,
      FLOWDECK_SERVER_API_KEY: null,
      FLOWDECK_DEFAULT_RESULT_STORAGE: null,
      FLOWDECK_SERVER_ENCRYPTION_KEY: null,
      FLOWDECK_SERVER_CORS_ORIGINS: null,
      FLOWDECK_SERVER_ALLOWED_HOSTS: null,
      FLOWDECK_WORKSPACE: null,
    });
    expect(resolved.sources.FLOWDECK_API_URL).toEqual({ kind: 'env' });
    expect(resolved.sources.FLOWDECK_HEARTBEAT_SECONDS).toEqual({ kind: 'env' });
    expect(resolved.sources.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS).toEqual({ kind: 'profile', profile: 'prod' });
    expect(resolved.sources.FLOWDECK_CANCEL_GRACE_SECONDS).toEqual({ kind: 'default' });
  });

  it('treats an empty environment variable as unset and ignores variables that are not settings', () => {
    const resolved = resolveSettings({
      env: { FLOWDECK_HEARTBEAT_SECONDS: ' ', FLOWDECK_HOME: '/somewhere', FLOWDECK_PROFILE: 'x', PATH: '/bin' },
      profile: { name: 'local', values: { FLOWDECK_HEARTBEAT_SECONDS: 3 } },
    });
    expect(resolved.values.FLOWDECK_HEARTBEAT_SECONDS).toBe(3);
    expect(resolved.sources.FLOWDECK_HEARTBEAT_SECONDS).toEqual({ kind: 'profile', profile: 'local' });
  });

  it('uses defaults when there is no profile', () => {
    const resolved = resolveSettings({ env: {}, profile: null });
    expect(resolved.values.FLOWDECK_API_URL).toBeNull();
    expect(Object.values(resolved.sources).every((s) => s.kind === 'default')).toBe(true);
  });

  it('refuses a bad value in the environment, naming the variable and never echoing a secret', () => {
    expect(() => resolveSettings({ env: { FLOWDECK_HEARTBEAT_SECONDS: '-1' }, profile: null })).toThrow(
      /FLOWDECK_HEARTBEAT_SECONDS in the environment must be a number of seconds greater than 0, got '-1'/,
    );
    expect(() => resolveSettings({ env: { FLOWDECK_API_KEY: 'abc def' }, profile: null })).toThrow(SettingsError);
    try {
      resolveSettings({ env: { FLOWDECK_API_KEY: 'abc def' }, profile: null });
    } catch (error) {
      expect((error as Error).message).toContain('FLOWDECK_API_KEY');
      expect((error as Error).message).not.toContain('abc def');
    }
  });
});

describe('setting values', () => {
  it('accepts http(s) API bases ending in /api and keeps them without a trailing slash', () => {
    expect(parseSetting('FLOWDECK_API_URL', 'http://127.0.0.1:4300/api/')).toBe('http://127.0.0.1:4300/api');
    expect(parseSetting('FLOWDECK_API_URL', 'https://flowdeck.example/team/api')).toBe('https://flowdeck.example/team/api');
    for (const bad of ['localhost:4300/api', 'ftp://x/api', 'not a url', 'http://127.0.0.1:4300', 'http://u:p@x/api', 'http://x/api?k=1']) {
      expect(() => parseSetting('FLOWDECK_API_URL', bad), bad).toThrow(SettingsError);
    }
    expect(() => parseSetting('FLOWDECK_API_URL', 'http://127.0.0.1:4300')).toThrow(/ending in \/api \(e\.g\. http:\/\/127\.0\.0\.1:4300\/api\)/);
  });

  it('takes seconds as digits only, numbers where the setting is numeric, and refuses negatives', () => {
    expect(parseSetting('FLOWDECK_HEARTBEAT_SECONDS', '0.5')).toBe(0.5);
    expect(parseSetting('FLOWDECK_HEARTBEAT_SECONDS', 2)).toBe(2);
    expect(parseSetting('FLOWDECK_CANCEL_GRACE_SECONDS', '0')).toBe(0);
    for (const bad of ['-1', '0', '1e3', 'soon', '', 'Infinity']) {
      expect(() => parseSetting('FLOWDECK_HEARTBEAT_SECONDS', bad), bad).toThrow(SettingsError);
    }
    expect(() => parseSetting('FLOWDECK_HEARTBEAT_SECONDS', -1)).toThrow(/greater than 0/);
    expect(() => parseSetting('FLOWDECK_API_URL', 42)).toThrow(/must be a string/);
  });

  it('takes browser origins for a server as a comma-separated list of bare origins, or *', () => {
    expect(parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', ' http://127.0.0.1:4300/ , https://ui.example ,http://127.0.0.1:4300')).toBe(
      'http://127.0.0.1:4300,https://ui.example',
    );
    expect(parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', '*')).toBe('*');
    expect(originList('http://a.example,*')).toEqual(['http://a.example', '*']);
    expect(originList(null)).toEqual([]);
    expect(() => parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', ' , ')).toThrow(/at least one origin/);
    expect(() => parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', 'http://ui.example/app')).toThrow(
      /more than an origin; give scheme:\/\/host:port only, such as http:\/\/ui\.example/,
    );
    expect(() => parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', 'ui.example')).toThrow(/not an origin/);
    expect(() => parseSetting('FLOWDECK_SERVER_CORS_ORIGINS', 'ftp://ui.example')).toThrow(/not an http/);
  });

  it('takes a workspace folder given whole, and says how to give a relative one', () => {
    expect(parseSetting('FLOWDECK_WORKSPACE', ' /home/ada/flows ')).toBe('/home/ada/flows');
    expect(parseSetting('FLOWDECK_WORKSPACE', 'C:\\Users\\ada\\flows')).toBe('C:\\Users\\ada\\flows');
    expect(() => parseSetting('FLOWDECK_WORKSPACE', 'flows')).toThrow(/whole path of a folder, such as \/home\/ada\/flows, got 'flows'/);
    expect(() => parseSetting('FLOWDECK_WORKSPACE', '~/flows')).toThrow(/write your home folder out instead of '~'/);
  });

  it('normalises logging levels', () => {
    expect(parseSetting('FLOWDECK_LOGGING_LEVEL', 'debug')).toBe('DEBUG');
    expect(parseSetting('FLOWDECK_LOGGING_LEVEL', 'warn')).toBe('WARNING');
    expect(() => parseSetting('FLOWDECK_LOGGING_LEVEL', 'loud')).toThrow(/one of DEBUG, INFO, WARNING, ERROR, CRITICAL/);
  });

  it('masks secrets when shown', () => {
    expect(SETTINGS.FLOWDECK_API_KEY.secret).toBe(true);
    expect(SETTINGS.FLOWDECK_SERVER_API_KEY.secret).toBe(true);
    expect(shownSettingValue('FLOWDECK_API_KEY', 'fd_live_123')).toBe('********');
    expect(shownSettingValue('FLOWDECK_API_KEY', null)).toBeNull();
    expect(shownSettingValue('FLOWDECK_API_URL', 'http://x/api')).toBe('http://x/api');
  });
});

describe('profiles documents', () => {
  function problemOf(data: Record<string, unknown>): ProfilesDataError {
    try {
      profilesFromData(data);
    } catch (error) {
      if (error instanceof ProfilesDataError) return error;
      throw error;
    }
    throw new Error('expected the document to be refused');
  }

  it('reads profiles in order and defaults the active profile to local', () => {
    const doc = profilesFromData({ profiles: { local: {}, prod: { FLOWDECK_API_URL: 'http://prod/api', FLOWDECK_HEARTBEAT_SECONDS: 2 } } });
    expect(doc.active).toBe('local');
    expect([...doc.profiles.keys()]).toEqual(['local', 'prod']);
    expect(doc.profiles.get('prod')).toEqual({ FLOWDECK_API_URL: 'http://prod/api', FLOWDECK_HEARTBEAT_SECONDS: 2 });
  });

  it('says where an unknown key, a bad value or a missing active profile is', () => {
    expect(problemOf({ active: 'local', profiles: { local: { FLOWDECK_API_URLS: 'x' } } }).at).toEqual({
      profile: 'local',
      key: 'FLOWDECK_API_URLS',
    });
    const bad = problemOf({ active: 'local', profiles: { local: { FLOWDECK_HEARTBEAT_SECONDS: -1 } } });
    expect(bad.at).toEqual({ profile: 'local', key: 'FLOWDECK_HEARTBEAT_SECONDS' });
    expect(bad.message).toContain('FLOWDECK_HEARTBEAT_SECONDS must be');
    expect(problemOf({ active: 'local', profiles: { local: { FLOWDECK_HOME: '/x' } } }).message).toMatch(/FLOWDECK_HOME is not a profile setting/);
    expect(problemOf({ active: 'prod', profiles: { local: {} } }).at).toEqual({ key: 'active' });
    expect(problemOf({ active: 'local', local: {} }).message).toMatch(/\[profiles\.local\]/);
    expect(problemOf({ active: 'local', profiles: { 'has space': {} } }).message).toMatch(/letters, digits, - and _/);
  });

  it('copies, refuses duplicates, and will not delete the active profile', () => {
    expect(defaultProfilesDocument()).toEqual({ active: 'local', profiles: new Map([['local', {}]]) });
    const doc = profilesFromData({ active: 'local', profiles: { local: { FLOWDECK_API_KEY: 'k' } } });
    const copied = createProfile(doc, 'staging', 'local');
    expect(copied.profiles.get('staging')).toEqual({ FLOWDECK_API_KEY: 'k' });
    expect(copied.profiles.get('staging')).not.toBe(copied.profiles.get('local'));
    expect(() => createProfile(copied, 'staging')).toThrow(/already exists/);
    expect(() => createProfile(copied, 'x', 'missing')).toThrow(/no profile named 'missing'/);
    expect(() => deleteProfile(copied, 'local')).toThrow(/active profile/);
    expect([...deleteProfile(copied, 'staging').profiles.keys()]).toEqual(['local']);
  });
});
