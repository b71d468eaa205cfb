import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CliContext } from '../../app/cli/context.js';
import { example, killStrayProcesses, lastJsonLine, readStore, runCli, showOutput } from '../helpers/cli.js';
import { cli } from './harness.js';
import { cliWithEnv, tableRows, useSettingsHome } from './settings-support.js';

const home = useSettingsHome();

function header(out: string): Record<string, string> {
  const fields = out.split('\n\n')[0].split('\n');
  return Object.fromEntries(fields.map((line) => line.trim().split(/\s{2,}/) as [string, string]));
}

describe('flowdeck config set and unset', () => {
  it('saves values as typed TOML in the profile in effect and says what it set', async () => {
    const set = await cli(
      home.home,
      'config',
      'set',
      'FLOWDECK_API_URL=http://127.0.0.1:4300/api/',
      'FLOWDECK_HEARTBEAT_SECONDS=2',
      'FLOWDECK_LOGGING_LEVEL=warn',
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out.trimEnd().split('\n')).toEqual([
      "Set FLOWDECK_API_URL to 'http://127.0.0.1:4300/api' in profile 'local'.",
      "Set FLOWDECK_HEARTBEAT_SECONDS to '2' in profile 'local'.",
      "Set FLOWDECK_LOGGING_LEVEL to 'WARNING' in profile 'local'.",
    ]);
    expect(home.profilesText()).toBe(
      'active = "local"\n\n[profiles.local]\nFLOWDECK_API_URL = "http://127.0.0.1:4300/api"\nFLOWDECK_HEARTBEAT_SECONDS = 2\nFLOWDECK_LOGGING_LEVEL = "WARNING"\n',
    );

    const again = await cli(home.home, 'config', 'set', 'FLOWDECK_HEARTBEAT_SECONDS=4');
    expect(again.code).toBe(0);
    expect(home.profilesText()).toContain('FLOWDECK_HEARTBEAT_SECONDS = 4\n');

    const unset = await cli(home.home, 'config', 'unset', 'FLOWDECK_API_URL', 'FLOWDECK_CANCEL_GRACE_SECONDS');
    expect(unset.code, unset.err).toBe(0);
    expect(unset.out).toContain("Unset FLOWDECK_API_URL in profile 'local'.");
    expect(unset.out).toContain("FLOWDECK_CANCEL_GRACE_SECONDS was not set in profile 'local'.");
    expect(home.profilesText()).toBe('active = "local"\n\n[profiles.local]\nFLOWDECK_HEARTBEAT_SECONDS = 4\nFLOWDECK_LOGGING_LEVEL = "WARNING"\n');
  });

  it('rejects bad values naming the key, and changes nothing when any one is wrong', async () => {
    await cli(home.home, 'profile', 'create', 'prod');
    await cli(home.home, 'config', 'set', 'FLOWDECK_HEARTBEAT_SECONDS=2');
    const before = readFileSync(home.profilesPath);
    const refused = await cli(
      home.home,
      'config',
      'set',
      'FLOWDECK_LOGGING_LEVEL=DEBUG',
      'FLOWDECK_API_URL=127.0.0.1:4300',
      'FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS=-5',
      'FLOWDECK_API_KEY=has space',
      'FLOWDECK_HOME=/elsewhere',
      'FLOWDECK_NOPE=1',
      'justtext',
    );
    expect(refused.code).toBe(2);
    expect(refused.out).toBe('');
    const lines = refused.err.trimEnd().split('\n');
    expect(lines[0]).toBe('error: nothing was changed:');
    expect(lines.slice(1)).toEqual([
      "  FLOWDECK_API_URL must be an http(s) URL such as http://127.0.0.1:4300/api, got '127.0.0.1:4300'",
      "  FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS must be a number of seconds greater than 0, got '-5'",
      '  FLOWDECK_API_KEY must not contain spaces, line breaks or control characters',
      '  FLOWDECK_HOME is not a profile setting: it says where profiles.toml lives, so set it in the environment',
      expect.stringMatching(/^ {2}unknown setting 'FLOWDECK_NOPE'; known settings: FLOWDECK_API_URL, /),
      "  'justtext' is not KEY=VALUE",
    ]);
    expect(readFileSync(home.profilesPath).equals(before)).toBe(true);

    const missingApi = await cli(home.home, 'config', 'set', 'FLOWDECK_API_URL=http://127.0.0.1:4300');
    expect(missingApi.code).toBe(2);
    expect(missingApi.err).toContain("FLOWDECK_API_URL must be the server's API base, ending in /api (e.g. http://127.0.0.1:4300/api)");

    const unknownUnset = await cli(home.home, 'config', 'unset', 'FLOWDECK_HEARTBEAT_SECONDS', 'flowdeck_api_url');
    expect(unknownUnset.code).toBe(2);
    expect(unknownUnset.err).toContain("unknown setting 'flowdeck_api_url'; did you mean FLOWDECK_API_URL?");
    expect(readFileSync(home.profilesPath).equals(before)).toBe(true);
  });

  it('masks secrets in what it prints and notes when the environment wins', async () => {
    const set = await cliWithEnv(home.home, { FLOWDECK_API_KEY: 'env-secret-9' }, 'config', 'set', 'FLOWDECK_API_KEY=fd-secret-1');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe("Set FLOWDECK_API_KEY to '********' in profile 'local'.\n");
    expect(set.err).toBe('FLOWDECK_API_KEY is also set in the environment, which takes precedence over the profile.\n');
    // The profile keeps the key itself: the file is readable by its owner only.
    expect(home.profilesText()).toContain('FLOWDECK_API_KEY = "fd-secret-1"\n');
  });
});

describe('flowdeck config view', () => {
  it('shows the local database as the server when no API URL is set', async () => {
    const view = await cli(home.home, 'config', 'view');
    expect(view.code, view.err).toBe(0);
    expect(header(view.out)).toEqual({
      server: `local database ${home.dbPath}`,
      profile: 'local (active)',
      'profiles file': home.profilesPath,
      home: home.home,
    });
    expect(view.out).toContain('Every setting has its default value; --show-defaults lists them.');
  });

  it('takes each value from the environment, then the profile, then the default, and names the source', async () => {
    await cli(
      home.home,
      'config',
      'set',
      'FLOWDECK_API_URL=http://127.0.0.1:4300/api',
      'FLOWDECK_HEARTBEAT_SECONDS=2',
      'FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS=45',
      'FLOWDECK_API_KEY=fd-secret-1',
    );
    const env = { FLOWDECK_HEARTBEAT_SECONDS: '7', FLOWDECK_SERVER_API_KEY: 'srv-secret-2' };

    const view = await cliWithEnv(home.home, env, 'config', 'view');
    expect(view.code, view.err).toBe(0);
    expect(header(view.out).server).toBe('http://127.0.0.1:4300/api (FLOWDECK_API_URL from profile local)');
    expect(tableRows(view.out.split('\n\n')[1])).toEqual([
      ['SETTING', 'VALUE', 'SOURCE'],
      ['FLOWDECK_API_URL', 'http://127.0.0.1:4300/api', 'profile local'],
      ['FLOWDECK_API_KEY', '********', 'profile local'],
      ['FLOWDECK_HEARTBEAT_SECONDS', '7', 'env'],
      ['FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS', '45', 'profile local'],
      ['FLOWDECK_SERVER_API_KEY', '********', 'env'],
    ]);

    const all = await cliWithEnv(home.home, env, 'config', 'view', '--show-defaults');
    expect(tableRows(all.out.split('\n\n')[1])).toEqual([
      ['SETTING', 'VALUE', 'SOURCE'],
      ['FLOWDECK_API_URL', 'http://127.0.0.1:4300/api', 'profile local'],
      ['FLOWDECK_API_KEY', '********', 'profile local'],
      ['FLOWDECK_LOGGING_LEVEL', 'INFO', 'default'],
      ['FLOWDECK_HEARTBEAT_SECONDS', '7', 'env'],
      ['FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS', '45', 'profile local'],
      ['FLOWDECK_CANCEL_GRACE_SECONDS', '10', 'default'],
      ['FLOWDECK_SERVER_API_KEY', '********', 'env'],
      ['FLOWDECK_DEFAULT_RESULT_STORAGE', '-', 'default'],
      ['FLOWDECK_SERVER_ENCRYPTION_KEY', '-', 'default'],
      ['FLOWDECK_SERVER_CORS_ORIGINS', '-', 'default'],
      ['FLOWDECK_SERVER_ALLOWED_HOSTS', '-', 'default'],
      ['FLOWDECK_WORKSPACE', '-', 'default'],
    ]);

    const json = await cliWithEnv(home.home, env, 'config', 'view', '--json', '--show-defaults');
    expect(JSON.parse(json.out)).toEqual({
      profile: 'local',
      profileFrom: 'active',
      profilesFile: home.profilesPath,
      home: home.home,
      server: { kind: 'remote', apiUrl: 'http://127.0.0.1:4300/api' },
      settings: {
        FLOWDECK_API_URL: { value: 'http://127.0.0.1:4300/api', source: 'profile', profile: 'local' },
        FLOWDECK_API_KEY: { value: '********', source: 'profile', profile: 'local' },
        FLOWDECK_LOGGING_LEVEL: { value: 'INFO', source: 'default' },
        FLOWDECK_HEARTBEAT_SECONDS: { value: 7, source: 'env' },
        FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: { value: 45, source: 'profile', profile: 'local' },
        FLOWDECK_CANCEL_GRACE_SECONDS: { value: 10, source: 'default' },
        FLOWDECK_SERVER_API_KEY: { value: '********', source: 'env' },
        FLOWDECK_DEFAULT_RESULT_STORAGE: { value: null, source: 'default' },
        FLOWDECK_SERVER_ENCRYPTION_KEY: { value: null, source: 'default' },
        FLOWDECK_SERVER_CORS_ORIGINS: { value: null, source: 'default' },
        FLOWDECK_SERVER_ALLOWED_HOSTS: { value: null, source: 'default' },
        FLOWDECK_WORKSPACE: { value: null, source: 'default' },
      },
    });
    for (const output of [view.out, all.out, json.out]) {
      expect(output).not.toContain('fd-secret-1');
      expect(output).not.toContain('srv-secret-2');
    }
  });

  it('shows the server from the environment and the profile FLOWDECK_PROFILE picks', async () => {
    await cli(home.home, 'profile', 'create', 'prod');
    await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'prod' }, 'config', 'set', 'FLOWDECK_API_URL=https://prod.example/api');
    const prod = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'prod' }, 'config', 'view', '--json');
    expect(JSON.parse(prod.out)).toMatchObject({
      profile: 'prod',
      profileFrom: 'FLOWDECK_PROFILE',
      server: { kind: 'remote', apiUrl: 'https://prod.example/api' },
    });

    const overridden = await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'prod', FLOWDECK_API_URL: 'http://10.0.0.5:4300/api' }, 'config', 'view');
    expect(header(overridden.out)).toMatchObject({
      server: 'http://10.0.0.5:4300/api (FLOWDECK_API_URL from env)',
      profile: 'prod (picked by FLOWDECK_PROFILE)',
    });
    // The file still names local as active, whose server is the local database.
    expect(header((await cli(home.home, 'config', 'view')).out).server).toBe(`local database ${home.dbPath}`);
  });

  it('refuses a bad setting in the environment with exit 2, naming it', async () => {
    for (const [key, value] of [
      ['FLOWDECK_API_URL', 'not-a-url'],
      ['FLOWDECK_HEARTBEAT_SECONDS', '-1'],
    ]) {
      const result = await cliWithEnv(home.home, { [key]: value }, 'config', 'view');
      expect(result.code).toBe(2);
      expect(result.err).toContain(`error: ${key} in the environment must be`);
      // Commands that only need the local store read the same settings.
      expect((await cliWithEnv(home.home, { [key]: value }, 'flow-run', 'ls')).code).toBe(2);
    }
  });
});

describe('the CLI context', () => {
  async function context(env: Record<string, string>): Promise<CliContext> {
    const ignore = { write: () => {}, isTTY: false };
    const ctx = new CliContext({ FLOWDECK_HOME: home.home, ...env }, ignore, ignore, home.home);
    await ctx.prepare();
    return ctx;
  }

  it('offers the effective settings and the server they point at', async () => {
    await cli(home.home, 'config', 'set', 'FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS=90');
    const local = await context({});
    expect(local.settings.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS).toBe(90);
    expect(local.server).toEqual({ kind: 'local', databasePath: home.dbPath });

    const remote = await context({ FLOWDECK_API_URL: 'https://flowdeck.example/api/' });
    expect(remote.settings.FLOWDECK_API_URL).toBe('https://flowdeck.example/api');
    expect(remote.server).toEqual({ kind: 'remote', apiUrl: 'https://flowdeck.example/api' });
  });
});

describe('settings reach flow runs', () => {
  afterEach(killStrayProcesses);

  it("the logging level of the profile FLOWDECK_PROFILE picks drops a run's INFO lines", async () => {
    await cli(home.home, 'profile', 'create', 'quiet');
    await cliWithEnv(home.home, { FLOWDECK_PROFILE: 'quiet' }, 'config', 'set', 'FLOWDECK_LOGGING_LEVEL=WARNING');
    const run = async (env: Record<string, string>) => {
      const result = await runCli(['run', example('hello'), '--param', 'name=Ada', '--json'], { home: home.home, env });
      expect(result.code, showOutput(result)).toBe(0);
      return readStore(home.dbPath, async (store) => (await store.logs(lastJsonLine(result.stdout).flowRunId)).map((line) => line.message));
    };
    expect(await run({})).toEqual(['Hello, Ada!']);
    expect(await run({ FLOWDECK_PROFILE: 'quiet' })).toEqual([]);
    // The environment still wins over the profile.
    expect(await run({ FLOWDECK_PROFILE: 'quiet', FLOWDECK_LOGGING_LEVEL: 'INFO' })).toEqual(['Hello, Ada!']);
  });
});
