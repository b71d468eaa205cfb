// The builder's file list in real Chromium: the folder it lists, changing it on a local server,
// and what an empty workspace offers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { editorText, launchChromium, openUi, startUiServer, WAIT, type UiServer } from './support.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const FLOW = "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'elsewhere' }, async () => 1);\n";

let browser: Browser;
let local: UiServer;
let fixed: UiServer;
let elsewhere: string;
beforeAll(async () => {
  [browser, local, fixed] = await Promise.all([launchChromium(), startUiServer({ workspaceChange: { allowed: true } }), startUiServer()]);
  elsewhere = mkdtempSync(join(tmpdir(), 'flowdeck-elsewhere-'));
  mkdirSync(join(elsewhere, 'flows'));
  writeFileSync(join(elsewhere, 'flows', 'etl.ts'), FLOW);
});
afterAll(async () => {
  await browser?.close();
  await local?.close();
  await fixed?.close();
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('the file list of the builder', () => {
  it('shows an empty workspace with New flow and the templates, which start a flow', async () => {
    const ui = await openUi(browser, local.url);
    const { page } = ui;
    try {
      await page.getByRole('button', { name: 'Open…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open a flow file' });
      await expect.poll(() => dialog.getByTestId('workspace-root').innerText(), WAIT).toBe(local.workspace);
      const empty = dialog.getByTestId('empty-workspace');
      await expect.poll(() => empty.innerText(), WAIT).toContain('No flows here yet');
      expect(await empty.getByRole('button', { name: 'New flow' }).isVisible()).toBe(true);
      await empty.getByRole('button', { name: /^hello/ }).click();
      await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toContain('hello.ts');
      await expect.poll(() => editorText(page), WAIT).toContain("name: 'hello'");
      expect(await dialog.count()).toBe(0);
      expect(ui.errors).toEqual([]);
    } finally {
      await ui.close();
    }
  });

  it('opens another folder by path on a local server, and says why one is refused', async () => {
    const ui = await openUi(browser, local.url);
    const { page } = ui;
    try {
      await page.getByRole('button', { name: 'Open…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open a flow file' });
      await dialog.getByRole('button', { name: 'Change folder…' }).click();
      const path = dialog.locator('#fd-workspace-path');
      expect(await path.inputValue()).toBe(local.workspace);

      await path.fill('/');
      await dialog.getByRole('button', { name: 'Open folder', exact: true }).click();
      await expect.poll(() => dialog.getByRole('alert').innerText(), WAIT).toContain("folder '/' is too near the root of the disk");

      await path.fill(join(elsewhere, 'flows'));
      await dialog.getByRole('button', { name: 'Open folder', exact: true }).click();
      await expect.poll(() => dialog.getByTestId('workspace-root').innerText(), WAIT).toBe(join(elsewhere, 'flows'));
      await dialog.locator('.fd-file[data-path="etl.ts"]').click();
      await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('etl.ts');

      // And back, to the workspace in FLOWDECK_HOME.
      await page.getByRole('button', { name: 'Open…' }).click();
      await dialog.getByRole('button', { name: 'Back to the default workspace' }).click();
      await expect.poll(() => dialog.getByTestId('workspace-root').innerText(), WAIT).toBe(local.workspace);
      // The browser logs the refused folder's answer; nothing else went wrong.
      expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await ui.close();
    }
  });

  it('only shows the folder of a server that keeps it fixed, with the reason', async () => {
    fixed.writeFile('one.ts', FLOW);
    const ui = await openUi(browser, fixed.url);
    const { page } = ui;
    try {
      await page.getByRole('button', { name: 'Open…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open a flow file' });
      await expect.poll(() => dialog.getByTestId('workspace-folder').innerText(), WAIT).toContain('(fixed by the server)');
      expect(await dialog.getByTestId('workspace-root').innerText()).toBe(fixed.workspace);
      expect(await dialog.getByRole('button', { name: 'Change folder…' }).count()).toBe(0);
      // The folder's description and its listing are two answers; the listing may come second.
      await expect.poll(() => dialog.locator('.fd-file[data-path="one.ts"]').count(), WAIT).toBe(1);
      expect(ui.errors).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
