import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cliWithEnv, useSettingsHome } from './settings-support.js';

const env = useSettingsHome();

it('refuses to read or write the local database while FLOWDECK_API_URL names a server', async () => {
  const result = await cliWithEnv(env.home, { FLOWDECK_API_URL: 'http://127.0.0.1:4300/api' }, 'flow-run', 'ls');
  expect(result.code).toBe(2);
  expect(result.err).toContain('http://127.0.0.1:4300/api');
  expect(result.err).toContain('config unset FLOWDECK_API_URL');
  expect(existsSync(env.dbPath)).toBe(false);
});

it('uses the local database once the profile in effect names no server', async () => {
  await cliWithEnv(env.home, {}, 'profile', 'create', 'remote');
  await cliWithEnv(env.home, { FLOWDECK_PROFILE: 'remote' }, 'config', 'set', 'FLOWDECK_API_URL=http://127.0.0.1:4300/api');
  const remote = await cliWithEnv(env.home, { FLOWDECK_PROFILE: 'remote' }, 'flow-run', 'ls');
  expect(remote.code).toBe(2);
  const local = await cliWithEnv(env.home, {}, 'flow-run', 'ls');
  expect(local.code).toBe(0);
  expect(local.out).toContain('No flow runs yet');
});
