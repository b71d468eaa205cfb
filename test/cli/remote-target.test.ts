import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { cliWithEnv, useSettingsHome } from './settings-support.js';

const env = useSettingsHome();

/** The API base of a loopback port nothing listens on. */
async function deadApiUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/api`;
}

it('asks the server FLOWDECK_API_URL names, never the local database', async () => {
  const apiUrl = await deadApiUrl();
  const result = await cliWithEnv(env.home, { FLOWDECK_API_URL: apiUrl }, 'flow-run', 'ls');
  expect(result.code).toBe(3);
  expect(result.err).toContain(`cannot reach the Flowdeck server at ${apiUrl}`);
  expect(existsSync(env.dbPath)).toBe(false);
});

it('uses the local database once the profile in effect names no server', async () => {
  const apiUrl = await deadApiUrl();
  await cliWithEnv(env.home, {}, 'profile', 'create', 'remote');
  await cliWithEnv(env.home, { FLOWDECK_PROFILE: 'remote' }, 'config', 'set', `FLOWDECK_API_URL=${apiUrl}`);
  const remote = await cliWithEnv(env.home, { FLOWDECK_PROFILE: 'remote' }, 'flow-run', 'ls');
  expect(remote.code).toBe(3);
  expect(remote.err).toContain(apiUrl);
  const local = await cliWithEnv(env.home, {}, 'flow-run', 'ls');
  expect(local.code).toBe(0);
  expect(local.out).toContain('No flow runs yet');
});
