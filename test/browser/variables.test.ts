// The Variables page in real Chromium against a real server: the empty state, creating one, an
// edit whose bad value is shown before anything is saved, filtering, and deleting with confirmation.
import { describe, expect, it, vi } from 'vitest';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

describe('the Variables page', () => {
  it('says how to make a variable while there is none, then creates, edits, filters and deletes them', async () => {
    const ui = await suite.open(`${suite.server.url}#/variables`);
    const { page } = ui;
    const empty = page.getByTestId('variables-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('No variables yet');
    expect(await empty.innerText()).toContain('flowdeck variable set db-host');
    expect(await page.getByRole('link', { name: 'Variables' }).getAttribute('aria-current')).toBe('page');

    // Create: a bad name and bad JSON are said beside their fields, and Create sends nothing.
    await page.getByTestId('variable-new').click();
    await page.getByTestId('variable-name').fill('db host');
    await page.getByTestId('variable-value').fill('{"port": 5432');
    await expect.poll(() => page.getByTestId('variable-name-error').innerText(), WAIT).toContain('may hold only letters, digits');
    expect(await page.getByTestId('variable-value-error').innerText()).toMatch(/^Not valid JSON/);
    await page.getByTestId('variable-name').fill('db.settings');
    await page.getByTestId('variable-value').fill('{"host": "db", "port": 5432}');
    await page.getByTestId('variable-tags').fill('prod, db');
    expect(await page.getByTestId('variable-name-error').count()).toBe(0);
    await page.getByTestId('variable-save').click();

    const row = page.locator('[data-testid=variable-row][data-name="db.settings"]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    expect((await row.locator('td').allInnerTexts()).slice(0, 3)).toEqual(['db.settings', '{"host":"db","port":5432}', 'prod, db']);
    expect(await suite.server.store.getVariable('db.settings')).toMatchObject({ value: { host: 'db', port: 5432 }, tags: ['prod', 'db'] });

    // Set elsewhere (the CLI, a flow): the page reads it again.
    await suite.server.store.setVariable('retries', { value: 3, tags: ['etl'], overwrite: false });
    await expect.poll(() => page.getByTestId('variable-row').count(), WAIT).toBe(2);

    // Edit with a value over the limit: said before saving, and the stored value stays.
    await row.getByTestId('variable-edit').click();
    expect(await page.getByTestId('variable-name').isEditable()).toBe(false);
    await page.getByTestId('variable-value').fill(JSON.stringify('x'.repeat(5_310)));
    await expect
      .poll(() => page.getByTestId('variable-value-error').innerText(), WAIT)
      .toBe('The value is 5,312 characters when serialised; at most 5,000.');
    expect(await page.getByTestId('variable-save').isDisabled()).toBe(true);
    expect(await suite.server.store.getVariable('db.settings')).toMatchObject({ value: { host: 'db', port: 5432 } });
    await page.getByTestId('variable-value').fill('"moved"');
    await page.getByTestId('variable-save').click();
    await expect.poll(() => row.getByTestId('variable-row-value').innerText(), WAIT).toBe('"moved"');
    expect(await suite.server.store.getVariable('db.settings')).toMatchObject({ value: 'moved', tags: ['prod', 'db'] });

    // The filter matches names and tags.
    await page.getByTestId('variables-filter').fill('ETL');
    await expect.poll(() => page.getByTestId('variable-row').count(), WAIT).toBe(1);
    expect(await page.getByTestId('variable-row').getAttribute('data-name')).toBe('retries');
    await page.getByTestId('variables-filter').fill('');
    await expect.poll(() => page.getByTestId('variable-row').count(), WAIT).toBe(2);

    // Delete asks first; Cancel keeps it.
    await page.locator('[data-testid=variable-row][data-name=retries]').getByTestId('variable-delete').click();
    const dialog = page.getByRole('dialog', { name: 'Delete variable retries?' });
    await expect.poll(() => dialog.count(), WAIT).toBe(1);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await suite.server.store.getVariable('retries')).not.toBeNull();
    await page.locator('[data-testid=variable-row][data-name=retries]').getByTestId('variable-delete').click();
    await page.getByTestId('variable-delete-confirm').click();
    await expect.poll(() => page.getByTestId('variable-row').count(), WAIT).toBe(1);
    expect(await suite.server.store.getVariable('retries')).toBeNull();

    // Creating a name that exists is refused by the server and said in the dialog.
    await page.getByTestId('variable-new').click();
    await page.getByTestId('variable-name').fill('db.settings');
    await page.getByTestId('variable-value').fill('1');
    await page.getByTestId('variable-save').click();
    await expect.poll(() => page.getByTestId('variable-problem').innerText(), WAIT).toContain('A variable named db.settings already exists');
    expect(await suite.server.store.getVariable('db.settings')).toMatchObject({ value: 'moved' });
    // Chromium logs the refused request itself; nothing else went wrong on the page.
    expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 409 (Conflict)']);
  });
});
