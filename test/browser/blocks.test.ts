// The Blocks page in real Chromium against a real server: blocks made and edited through their
// type's form, secret fields typed in password inputs and never sent back to the page, and what
// the server refuses shown beside the field it names.
import { describe, expect, it, vi } from 'vitest';
import { flowRunRequest } from '../server/http/support.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
const PASSWORD = 'ui-pa55word-kept-hidden';
const NEW_PASSWORD = 'ui-pa55word-replaced';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${suite.server.api}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** The block's values as a running flow gets them. */
async function loaded(type: string, name: string): Promise<Record<string, unknown>> {
  const run = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
  await suite.server.store.createFlowRun(run);
  return (await api<{ data: Record<string, unknown> }>('POST', `/blocks/${type}/${name}/load`, { flowRunId: run.id })).data;
}

describe('the Blocks page', () => {
  it('says what blocks are for while there is none', async () => {
    const ui = await suite.open(`${suite.server.url}#/blocks`);
    const empty = ui.page.getByTestId('blocks-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('No blocks yet');
    expect(await empty.innerText()).toContain('flowdeck secret set db-password');
    expect(await ui.page.getByRole('link', { name: 'Blocks' }).getAttribute('aria-current')).toBe('page');
    expect(ui.errors).toEqual([]);
  });

  it('creates a block from its type form, shows its secret masked, keeps it on an edit that leaves it empty, replaces it, and deletes it', async () => {
    const ui = await suite.open(`${suite.server.url}#/blocks`);
    const { page } = ui;
    await page.getByTestId('block-new').click();
    const form = page.getByTestId('block-form');
    await form.getByLabel('Type').selectOption('sql-connection');
    await form.getByLabel('Name').fill('warehouse');
    await form.getByLabel('Url').fill('postgres://ada@db/app');
    const password = form.locator('#fd-block-field-password');
    expect(await password.getAttribute('type')).toBe('password');
    await password.fill(PASSWORD);
    await page.getByTestId('block-save').click();

    const row = page.locator('[data-testid=block-group][data-type=sql-connection] [data-testid=block-row][data-name=warehouse]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    const shown = await row.innerText();
    expect(shown).toContain('postgres://ada@db/app');
    expect(shown).toContain('********');
    expect(await page.content()).not.toContain(PASSWORD);

    // Edit: the password field starts empty (its value is never on the page); left so, it keeps the value.
    await row.getByRole('button', { name: 'Edit' }).click();
    const editPassword = form.locator('#fd-block-field-password');
    expect(await editPassword.inputValue()).toBe('');
    expect(await editPassword.getAttribute('placeholder')).toBe('********');
    expect(await page.content()).not.toContain(PASSWORD);
    await form.getByLabel('Url').fill('postgres://ada@db2/app');
    await page.getByTestId('block-save').click();
    await expect.poll(() => row.innerText(), WAIT).toContain('postgres://ada@db2/app');
    expect(await loaded('sql-connection', 'warehouse')).toEqual({ url: 'postgres://ada@db2/app', password: PASSWORD });

    await row.getByRole('button', { name: 'Edit' }).click();
    await form.locator('#fd-block-field-password').fill(NEW_PASSWORD);
    await page.getByTestId('block-save').click();
    await expect.poll(() => form.count(), WAIT).toBe(0);
    expect(await loaded('sql-connection', 'warehouse')).toEqual({ url: 'postgres://ada@db2/app', password: NEW_PASSWORD });
    expect(await page.content()).not.toContain(NEW_PASSWORD);

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('block-delete-confirm').click();
    await expect.poll(() => page.getByTestId('blocks-empty').count(), WAIT).toBe(1);
    expect(ui.errors).toEqual([]);
  });

  it('shows when a block was last loaded, linked to the flow run that loaded it', async () => {
    await api('POST', '/blocks', { type: 'secret', name: 'api-token', data: { value: PASSWORD } });
    const first = await suite.open(`${suite.server.url}#/blocks`);
    const cell = first.page.locator('[data-testid=block-row][data-name=api-token] [data-testid=block-last-loaded]');
    await expect.poll(() => cell.innerText(), WAIT).toBe('never');

    const run = flowRunRequest({ state: { type: 'RUNNING', name: 'Running' } });
    await suite.server.store.createFlowRun(run);
    await api('POST', '/blocks/secret/api-token/load', { flowRunId: run.id });
    const ui = await suite.open(`${suite.server.url}#/blocks`);
    const loadedCell = ui.page.locator('[data-testid=block-row][data-name=api-token] [data-testid=block-last-loaded]');
    await expect.poll(() => loadedCell.innerText(), WAIT).toMatch(/^(just now|\d+ s ago) by /);
    const link = loadedCell.getByTestId('block-loaded-by');
    expect(await link.getAttribute('href')).toBe(`#/runs/${run.id}`);
    expect(await ui.page.content()).not.toContain(PASSWORD);
    await link.click();
    await expect.poll(() => ui.page.url(), WAIT).toMatch(new RegExp(`#/runs/${run.id}$`));
    await api('DELETE', '/blocks/secret/api-token', {});
    expect(first.errors).toEqual([]);
  });

  it('shows what the server refuses beside the field it names', async () => {
    const ui = await suite.open(`${suite.server.url}#/blocks`);
    const { page } = ui;
    await page.getByTestId('block-new').click();
    const form = page.getByTestId('block-form');
    await form.getByLabel('Type').selectOption('smtp-email');
    await form.getByLabel('Name').fill('mail');
    await form.getByLabel('Host').fill('smtp.example');
    await form.getByLabel('From').fill('not-an-address');
    await form.getByLabel('To').fill('ops@example.com, dev@example.com');
    await page.getByTestId('block-save').click();
    const from = form.locator('[data-field=from] .fd-field-error');
    await expect.poll(() => from.innerText(), WAIT).toContain('must be an email address');
    await form.getByLabel('From').fill('flows@example.com');
    await page.getByTestId('block-save').click();
    const row = page.locator('[data-testid=block-group][data-type=smtp-email] [data-testid=block-row][data-name=mail]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    expect(await row.innerText()).toContain('["ops@example.com","dev@example.com"]');
    await api('DELETE', '/blocks/smtp-email/mail', {});
  });
});
