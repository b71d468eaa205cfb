// Switching profiles in the web UI, in real Chromium: the page's own server is `local`, another
// real server on loopback (with an API key, letting the page's origin in) is added as a profile,
// and what the app reads follows the switch both ways. A refused key and a server that is gone
// each get a clear state with a way back.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { newId, type StateType } from '../../app/core/index.js';
import type { RunStore } from '../../app/server/index.js';
import { startUiServer, useUiSuite, WAIT, type UiServer } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
let remote: UiServer;
let closedToPages: UiServer;
let remoteRunId: string;

async function seedRun(store: RunStore, flowName: string, name: string, type: StateType): Promise<string> {
  const id = newId();
  await store.createFlowRun({
    id,
    flowName,
    name,
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  });
  await store.setState({ kind: 'flow', runId: id, transitionId: newId(), state: { type, name: type.charAt(0) + type.slice(1).toLowerCase() } });
  return id;
}

function runNames(page: Page): Promise<string[]> {
  return page.getByTestId('runs-row-name').allInnerTexts();
}

async function openMenu(page: Page) {
  await page.getByTestId('server-status').click();
  const menu = page.getByTestId('profile-menu');
  await menu.waitFor();
  return menu;
}

/** Adds a server through the menu's dialog and switches to it. */
async function addServer(page: Page, name: string, apiUrl: string, apiKey = ''): Promise<void> {
  const menu = await openMenu(page);
  await menu.getByRole('menuitem', { name: 'Add a server…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.locator('#fd-profile-name').fill(name);
  await dialog.locator('#fd-profile-url').fill(apiUrl);
  await dialog.locator('#fd-profile-key').fill(apiKey);
  await dialog.getByRole('button', { name: 'Save and switch' }).click();
}

function hostOf(url: string): string {
  return new URL(url).host;
}

beforeAll(async () => {
  const origin = new URL(suite.server.url).origin;
  [remote, closedToPages] = await Promise.all([startUiServer({ apiKey: 'remote-key', corsOrigins: [origin] }), startUiServer()]);
  await seedRun(suite.server.store, 'on-local', 'local-run', 'COMPLETED');
  remoteRunId = await seedRun(remote.store, 'on-remote', 'remote-run', 'RUNNING');
});

afterAll(async () => {
  await remote?.close();
  await closedToPages?.close();
});

it('switching profile changes the server the app reads, and back', async () => {
  const ui = await suite.open(`${suite.server.url}#/runs`);
  const { page } = ui;
  await expect.poll(() => runNames(page), WAIT).toEqual(['local-run']);
  expect(await page.getByTestId('server-status').innerText()).toContain(`local · ${hostOf(suite.server.url)}`);

  let menu = await openMenu(page);
  expect(await menu.getByRole('menuitemradio', { checked: true }).innerText()).toContain('local');
  await menu.getByRole('menuitem', { name: 'Add a server…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.locator('#fd-profile-name').fill('team');
  // A URL without /api is refused with the reason, and nothing is kept.
  await dialog.locator('#fd-profile-url').fill(remote.url);
  await dialog.getByRole('button', { name: 'Save and switch' }).click();
  expect(await dialog.getByRole('alert').innerText()).toMatch(/API URL must be the server's API base, ending in \/api/);
  expect(
    await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('flowdeck.profiles'),
    ),
  ).toBeNull();

  // A wrong key: the app says the server refuses it, and the page is still there.
  await dialog.locator('#fd-profile-url').fill(remote.api);
  await dialog.locator('#fd-profile-key').fill('not-the-key');
  await dialog.getByRole('button', { name: 'Save and switch' }).click();
  const refused = page.getByRole('dialog', { name: 'The server of profile team refuses its API key' });
  await refused.waitFor();
  expect(await page.getByTestId('server-status').innerText()).toContain(`team · ${hostOf(remote.url)}`);
  expect(await page.getByTestId('server-status').innerText()).toContain('needs a key');
  await page.getByTestId('runs-page').waitFor();

  // The right key: the app now reads the remote server, its live stream included.
  await refused.locator('#fd-api-key').fill('remote-key');
  await refused.getByRole('button', { name: 'Connect' }).click();
  await expect.poll(() => runNames(page), WAIT).toEqual(['remote-run']);
  await expect.poll(() => page.getByTestId('server-status').innerText(), WAIT).toMatch(/v\d+\.\d+\.\d+/);
  await remote.store.setState({ kind: 'flow', runId: remoteRunId, transitionId: newId(), state: { type: 'COMPLETED', name: 'Completed' } });
  await expect.poll(() => page.getByTestId('runs-row').first().getAttribute('data-state'), WAIT).toBe('COMPLETED');

  // The choice outlives a reload.
  await page.reload();
  await expect.poll(() => runNames(page), WAIT).toEqual(['remote-run']);
  expect(await page.getByTestId('server-status').innerText()).toContain('team ·');

  // And back to local, from the menu, with the keyboard.
  menu = await openMenu(page);
  await expect.poll(() => menu.getByRole('menuitemradio', { checked: true }).innerText()).toContain('team');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(
    await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '',
    ),
  ).toContain('local');
  await page.keyboard.press('Enter');
  await expect.poll(() => runNames(page), WAIT).toEqual(['local-run']);
  expect(await page.getByTestId('server-status').innerText()).toContain('local ·');
  // Only the refused key's requests and live stream failed.
  expect(ui.errors.filter((e) => !/status of 401|HTTP Authentication failed/.test(e))).toEqual([]);
});

it('says when a remote does not let the page in or is gone, and offers the way back to local', async () => {
  const ui = await suite.open(`${suite.server.url}#/runs`);
  const { page } = ui;
  await expect.poll(() => runNames(page), WAIT).toEqual(['local-run']);

  // A server that does not list this page's origin looks unreachable from the page; the banner says why it may be.
  await addServer(page, 'closed', closedToPages.api);
  const banner = page.getByTestId('server-down');
  await banner.waitFor({ timeout: 60_000 });
  const said = await banner.innerText();
  expect(said).toContain(hostOf(closedToPages.url));
  expect(said).toContain('profile closed');
  expect(said).toContain(`FLOWDECK_SERVER_CORS_ORIGINS=${new URL(suite.server.url).origin}`);
  await page.getByTestId('runs-page').waitFor();
  await banner.getByRole('button', { name: 'Switch to local' }).click();
  await expect.poll(() => runNames(page), WAIT).toEqual(['local-run']);

  // A remote that works goes away while it is in use.
  await addServer(page, 'team', remote.api, 'remote-key');
  await expect.poll(() => runNames(page), WAIT).toEqual(['remote-run']);
  await remote.close();
  await banner.waitFor({ timeout: 60_000 });
  expect(await banner.innerText()).toContain(hostOf(remote.url));
  await page.getByTestId('runs-page').waitFor();
  await banner.getByRole('button', { name: 'Switch to local' }).click();
  await expect.poll(() => runNames(page), WAIT).toEqual(['local-run']);

  // Forgetting a profile takes it off the list; local stays.
  const menu = await openMenu(page);
  await menu.getByRole('button', { name: 'Forget closed' }).click();
  await expect
    .poll(() => menu.getByRole('menuitemradio').allInnerTexts())
    .toEqual([expect.stringContaining('local'), expect.stringContaining('team')]);
  expect(await menu.getByRole('button', { name: 'Forget local' }).count()).toBe(0);
});
