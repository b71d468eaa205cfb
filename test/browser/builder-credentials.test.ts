// The builder's inspector in real Chromium against a real server: a field that can take a
// credential offers the server's secrets and blocks of fitting types, and the code loads the one
// picked by name.
import { describe, expect, it, vi } from 'vitest';
import { dragKindOntoCanvas, editorText, node, useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
const SECRET_VALUE = 'sqlite:never-in-the-page-4c1d.db';

describe('picking a secret for a node field', () => {
  it("loads the SQL node's connection from the secret picked, and says where to make blocks when none fits", async () => {
    const made = await fetch(`${suite.server.api}/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'secret', name: 'db-url', data: { value: SECRET_VALUE } }),
    });
    expect(made.ok, await made.text()).toBe(true);

    const ui = await suite.open();
    const { page } = ui;
    await dragKindOntoCanvas(page, 'sqlQuery', { x: 160, y: 80 });
    await node(page, 'runQuery').waitFor();
    await node(page, 'runQuery').click();

    const connection = page.locator('[data-credential-field="connection"]');
    await connection.getByLabel('Connection from').selectOption('reference');
    const picker = page.getByTestId('credential-connection');
    await expect.poll(() => picker.locator('option').allInnerTexts(), WAIT).toContain('Secret: db-url');
    await picker.selectOption('secret:db-url');

    await expect.poll(() => editorText(page), WAIT).toContain("connection: (await Secret.load('db-url')).get()");
    const code = await editorText(page);
    expect(code).toContain("import { flow, Secret } from 'flowdeck';");
    expect(code).not.toContain(SECRET_VALUE);
    // Read back from the code, the field still shows the reference.
    await expect.poll(() => picker.inputValue(), WAIT).toBe('secret:db-url');
    await expect.poll(() => page.locator('.fd-inputs [data-input="connection"]').innerText(), WAIT).toContain('secret db-url');

    // An HTTP node's auth takes http-auth blocks, and the server has none.
    await dragKindOntoCanvas(page, 'httpRequest', { x: 160, y: 300 });
    await node(page, 'fetchData').waitFor();
    await node(page, 'fetchData').click();
    await page.locator('[data-credential-field="auth"]').getByLabel('Authentication from').selectOption('reference');
    const empty = page.getByTestId('credential-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('The server has no http-auth blocks yet');
    expect(await empty.getByRole('link').getAttribute('href')).toBe('#/blocks');
    expect(await page.content()).not.toContain(SECRET_VALUE);
    expect(ui.errors).toEqual([]);
  });
});
