import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';
import { cliWithEnv, tableRows, useSettingsHome } from './settings-support.js';

const home = useSettingsHome();

const DEFAULT_FILE = 'active = "local"\n\n[profiles.local]\n';

describe('profiles.toml', () => {
  it('is created with a local profile, on the local database, by the first profile command', async () => {
    expect(existsSync(home.profilesPath)).toBe(false);
    const listed = await cli(home.home, 'profile', 'ls');
    expect(listed.code, listed.err).toBe(0);
    expect(home.profilesText()).toBe(DEFAULT_FILE);
    expect(tableRows(listed.out)).toEqual([
      ['NAME', 'SERVER'],
      ['*', 'local', `local database ${home.dbPath}`],
    ]);
    if (process.platform !== 'win32') expect(statSync(home.profilesPath).mode & 0o777).toBe(0o600);
  });

  it('is only read, never written, by commands that are not about profiles', async () => {
    expect((await cli(home.home, 'flow-run', 'ls')).code).toBe(0);
    expect(existsSync(home.profilesPath)).toBe(false);
  });
});

describe('flowdeck profile', () => {
  it('creates, uses, inspects and deletes profiles, keeping the others intact', async () => {
    const created = await cli(home.home, 'profile', 'create', 'prod');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain("Created profile 'prod'.");
    expect(created.out).toContain('Switch to it with: flowdeck profile use prod');
    expect(home.profilesText()).toBe(`${DEFAULT_FILE}\n[profiles.prod]\n`);

    expect(await cli(home.home, 'config', 'set', 'FLOWDECK_HEARTBEAT_SECONDS=3')).toMatchObject({ code: 0 });
    const used = await cli(home.home, 'profile', 'use', 'prod');
    expect(used.code, used.err).toBe(0);
    expect(used.out).toContain("Switched to profile 'prod'.");
    expect(used.out).toContain(`Server: local database ${home.dbPath}`);
    expect(home.profilesText()).toBe('active = "prod"\n\n[profiles.local]\nFLOWDECK_HEARTBEAT_SECONDS = 3\n\n[profiles.prod]\n');
    expect(tableRows((await cli(home.home, 'profile', 'ls')).out).slice(1)).toEqual([
      ['local', `local database ${home.dbPath}`],
      ['*', 'prod', `local database ${home.dbPath}`],
    ]);
    const json = JSON.parse((await cli(home.home, 'profile', 'ls', '--json')).out);
    expect(json).toEqual([
      { name: 'local', active: false, apiUrl: null },
      { name: 'prod', active: true, apiUrl: null },
    ]);

    const inspected = await cli(home.home, 'profile', 'inspect', 'local');
    expect(inspected.code).toBe(0);
    expect(inspected.out).toMatch(/^Profile local\n/);
    expect(inspected.out).toMatch(/Settings \(1\)\n {2}FLOWDECK_HEARTBEAT_SECONDS {2}3\n/);
    const inspectedActive = await cli(home.home, 'profile', 'inspect');
    expect(inspectedActive.out).toMatch(/^Profile prod \(active\)\n/);
    expect(inspectedActive.out).toContain('None: every setting comes from the environment or its default.');

    const before = home.profilesText();
    const refused = await cli(home.home, 'profile', 'delete', 'prod');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("cannot delete profile 'prod': it is the active profile. Switch to another first: flowdeck profile use NAME");
    expect(home.profilesText()).toBe(before);

    expect((await cli(home.home, 'profile', 'use', 'local')).code).toBe(0);
    const deleted = await cli(home.home, 'profile', 'delete', 'prod');
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toContain("Deleted profile 'prod'.");
    expect(home.profilesText()).toBe('active = "local"\n\n[profiles.local]\nFLOWDECK_HEARTBEAT_SECONDS = 3\n');
    // Every write went beside the file first and was renamed over it: nothing is left behind.
    expect(readdirSync(home.home)).toEqual(['profiles.toml']);
  });

  it('refuses unknown names, taken names and names with other characters, with exit 2 and the file unchanged', async () => {
    expect((await cli(home.home, 'profile', 'create', 'dev_1-a')).code).toBe(0);
    const before = home.profilesText();
    const cases: [string[], string][] = [
      [['profile', 'use', 'nope'], "no profile named 'nope' (profiles: local, dev_1-a)"],
      [['profile', 'delete', 'nope'], "no profile named 'nope'"],
      [['profile', 'inspect', 'nope'], "no profile named 'nope'"],
      [['profile', 'create', 'dev_1-a'], "a profile named 'dev_1-a' already exists"],
      [['profile', 'create', 'my.prod'], "profile names use only letters, digits, - and _, got 'my.prod'"],
      [['profile', 'create', 'x', '--from', 'nope'], "no profile named 'nope'"],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(home.home, ...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain(message);
      expect(home.profilesText()).toBe(before);
    }
  });

  it('--from copies every setting of the other profile, and the copy changes on its own', async () => {
    const set = await cli(
      home.home,
      'config',
      'set',
      'FLOWDECK_API_URL=http://127.0.0.1:4300/api',
      'FLOWDECK_API_KEY=fd-secret-1',
      'FLOWDECK_CANCEL_GRACE_SECONDS=2.5',
    );
    expect(set.code, set.err).toBe(0);
    const copied = await cli(home.home, 'profile', 'create', 'staging', '--from', 'local');
    expect(copied.code, copied.err).toBe(0);
    expect(copied.out).toContain("Created profile 'staging' with the settings of 'local'.");
    const local = 'FLOWDECK_API_URL = "http://127.0.0.1:4300/api"\nFLOWDECK_API_KEY = "fd-secret-1"\nFLOWDECK_CANCEL_GRACE_SECONDS = 2.5\n';
    expect(home.profilesText()).toBe(`active = "local"\n\n[profiles.local]\n${local}\n[profiles.staging]\n${local}`);

    const changed = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'staging' }, 'config', 'set', 'FLOWDECK_API_URL=https://staging.example/api');
    expect(changed.code, changed.err).toBe(0);
    expect(home.profilesText()).toBe(
      `active = "local"\n\n[profiles.local]\n${local}\n[profiles.staging]\n${local.replace('http://127.0.0.1:4300/api', 'https://staging.example/api')}`,
    );
    const listed = tableRows((await cli(home.home, 'profile', 'ls')).out);
    expect(listed.slice(1)).toEqual([
      ['*', 'local', 'http://127.0.0.1:4300/api'],
      ['staging', 'https://staging.example/api'],
    ]);
  });

  it('inspect masks secrets, in text and in JSON', async () => {
    await cli(
      home.home,
      'config',
      'set',
      'FLOWDECK_API_URL=http://127.0.0.1:4300/api',
      'FLOWDECK_API_KEY=fd-secret-1',
      'FLOWDECK_SERVER_API_KEY=srv-secret-2',
    );
    const text = await cli(home.home, 'profile', 'inspect');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/server {2}http:\/\/127\.0\.0\.1:4300\/api\n/);
    expect(text.out).toMatch(/FLOWDECK_API_KEY {9}\*{8}\n/);
    expect(text.out).toMatch(/FLOWDECK_SERVER_API_KEY {2}\*{8}\n/);
    const json = await cli(home.home, 'profile', 'inspect', 'local', '--json');
    expect(JSON.parse(json.out)).toEqual({
      name: 'local',
      active: true,
      settings: { FLOWDECK_API_URL: 'http://127.0.0.1:4300/api', FLOWDECK_API_KEY: '********', FLOWDECK_SERVER_API_KEY: '********' },
    });
    for (const output of [text.out, text.err, json.out, json.err]) {
      expect(output).not.toContain('fd-secret-1');
      expect(output).not.toContain('srv-secret-2');
    }
  });

  it('FLOWDECK_PROFILE picks a profile for one command without changing the active one', async () => {
    await cli(home.home, 'profile', 'create', 'dev');
    const before = home.profilesText();
    const listed = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'dev' }, 'profile', 'ls');
    expect(listed.code).toBe(0);
    expect(tableRows(listed.out).slice(1)).toEqual([
      ['local', `local database ${home.dbPath}`],
      ['*', 'dev', `local database ${home.dbPath}`],
    ]);
    expect(listed.err).toContain("FLOWDECK_PROFILE picks profile 'dev' for this command; the active profile is 'local'.");

    const set = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'dev' }, 'config', 'set', 'FLOWDECK_LOGGING_LEVEL=debug');
    expect(set.out).toContain("Set FLOWDECK_LOGGING_LEVEL to 'DEBUG' in profile 'dev'.");
    expect(home.profilesText()).toBe(`${before}FLOWDECK_LOGGING_LEVEL = "DEBUG"\n`);
    expect(home.profilesText()).toMatch(/^active = "local"\n/);

    const unknown = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'nope' }, 'config', 'view');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`FLOWDECK_PROFILE names profile 'nope', which ${home.profilesPath} does not have (profiles: local, dev)`);
  });

  it('lets the profile FLOWDECK_PROFILE names be created, and profiles be fixed while the environment is wrong', async () => {
    const listed = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'ci' }, 'profile', 'ls');
    expect(listed.code).toBe(0);
    expect(listed.err).toContain("FLOWDECK_PROFILE names profile 'ci', which does not exist: create it or unset FLOWDECK_PROFILE.");
    expect((await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'ci' }, 'profile', 'create', 'ci')).code).toBe(0);

    const badEnv = { FLOWDECK_PROFILE: 'ci', FLOWDECK_HEARTBEAT_SECONDS: 'often' };
    const set = await cliWithEnv(home.home, badEnv, 'config', 'set', 'FLOWDECK_API_URL=http://127.0.0.1:4300/api');
    expect(set.code, set.err).toBe(0);
    expect(home.profilesText()).toBe(`${DEFAULT_FILE}\n[profiles.ci]\nFLOWDECK_API_URL = "http://127.0.0.1:4300/api"\n`);
    // Commands that need the settings themselves still refuse the bad variable.
    const view = await cliWithEnv(home.home, badEnv, 'config', 'view');
    expect(view.code).toBe(2);
    expect(view.err).toContain("FLOWDECK_HEARTBEAT_SECONDS in the environment must be a number of seconds greater than 0, got 'often'");
  });
});

describe('a profiles.toml that cannot be used', () => {
  const EVERY_COMMAND = [
    ['profile', 'ls'],
    ['profile', 'create', 'other'],
    ['profile', 'use', 'local'],
    ['profile', 'delete', 'local'],
    ['profile', 'inspect'],
    ['config', 'set', 'FLOWDECK_HEARTBEAT_SECONDS=2'],
    ['config', 'unset', 'FLOWDECK_API_URL'],
    ['config', 'view'],
    ['flow-run', 'ls'],
  ];

  it('is reported with its path and line by every command, exit 2, and left byte for byte as it was', async () => {
    const broken = 'active = "local"\n\n[profiles.local]\nFLOWDECK_API_URL = "http://127.0.0.1:4300/api\nFLOWDECK_API_KEY = "k"\n';
    writeFileSync(home.profilesPath, broken);
    const bytes = readFileSync(home.profilesPath);
    for (const argv of EVERY_COMMAND) {
      const result = await cli(home.home, ...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain(`${home.profilesPath}, line 4`);
      expect(result.err).toContain('not valid TOML');
      expect(result.err).toContain('Fix the file by hand: Flowdeck does not change it while it is broken.');
      expect(result.err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(readFileSync(home.profilesPath).equals(bytes)).toBe(true);
    }
    expect(readdirSync(home.home)).toEqual(['profiles.toml']);
  });

  it('names the line and key of an unknown key or a bad value', async () => {
    const cases: [string, string][] = [
      [
        'active = "local"\n\n[profiles.local]\nFLOWDECK_HEARTBEAT_SECONDS = 1\nFLOWDECK_API_ULR = "http://x/api"\n',
        "line 5: [profiles.local]: unknown setting 'FLOWDECK_API_ULR'",
      ],
      [
        'active = "local"\n[profiles.local]\n\n[profiles.prod]\nFLOWDECK_API_URL = "prod.example"\n',
        'line 5: [profiles.prod] FLOWDECK_API_URL must be an http(s) URL',
      ],
      [
        'active = "local"\n[profiles.local]\nFLOWDECK_HEARTBEAT_SECONDS = -2\n',
        'line 3: [profiles.local] FLOWDECK_HEARTBEAT_SECONDS must be a number of seconds greater than 0',
      ],
      ['active = "local"\n[profiles.local]\nFLOWDECK_HOME = "/elsewhere"\n', 'line 3: [profiles.local]: FLOWDECK_HOME is not a profile setting'],
      ['active = "staging"\n[profiles.local]\n', "line 1: active profile 'staging' has no [profiles.staging] table; profiles: local"],
      ['active = "local"\n[local]\nFLOWDECK_API_URL = "http://x/api"\n', 'line 2: unknown table [local]; profiles are [profiles.NAME] tables'],
    ];
    for (const [text, message] of cases) {
      writeFileSync(home.profilesPath, text);
      const result = await cli(home.home, 'config', 'view');
      expect(result.code, text).toBe(2);
      expect(result.err, text).toContain(`${home.profilesPath}, ${message}`);
      expect(readFileSync(home.profilesPath, 'utf8')).toBe(text);
    }
  });
});
