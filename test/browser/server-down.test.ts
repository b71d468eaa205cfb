import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createServer, type FlowdeckServer, type RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { ensureUiBuilt, launchChromium, openUi, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

let browser: Browser;
let home: string;
let store: RunStore;
const servers: FlowdeckServer[] = [];

async function serve(port: number): Promise<string> {
  const workspace = join(home, 'workspace');
  const server = await createServer({ store, host: '127.0.0.1', port, workspace, home, crashSweepIntervalMs: 0 });
  servers.push(server);
  return server.listen();
}

beforeAll(async () => {
  ensureUiBuilt();
  home = mkdtempSync(join(tmpdir(), 'flowdeck-down-'));
  mkdirSync(join(home, 'workspace'));
  store = await openTestStore({ path: join(home, 'flowdeck.db') });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await server.close().catch(() => undefined);
  await store?.close();
  rmSync(home, { recursive: true, force: true });
});

it('says plainly when its server stops answering, keeps the page, and carries on once it is back', async () => {
  const base = await serve(0);
  const port = Number(new URL(base).port);
  const ui = await openUi(browser, `${base}/#/dashboard`);
  const { page } = ui;
  await page.getByTestId('dashboard').waitFor();
  expect(await page.getByTestId('server-down').count()).toBe(0);

  await servers[0].close();
  const banner = page.getByTestId('server-down');
  await banner.waitFor({ timeout: 60_000 });
  expect(await banner.innerText()).toContain(`127.0.0.1:${port}`);
  expect(await page.getByTestId('server-status').innerText()).toContain('unreachable');
  // The page is still there, not blank.
  expect(await page.getByTestId('dashboard').isVisible()).toBe(true);

  await serve(port);
  await banner.getByRole('button', { name: 'Try again now' }).click();
  await expect.poll(() => banner.count(), WAIT).toBe(0);
  await expect.poll(() => page.getByTestId('server-status').innerText(), WAIT).toMatch(/v\d+\.\d+\.\d+/);
  // Requests the page made while the server was closing (503) or away failed; nothing else did.
  expect(ui.errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to fetch|WebSocket|status of 503/i.test(e))).toEqual([]);
  await ui.close();
});
