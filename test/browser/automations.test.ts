// The Automations page in real Chromium against a real server: one made with its form (a refusal
// shown as the server says it), fired by a failed run to a webhook receiver on loopback, paused and resumed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Automation } from '../../app/core/automations/index.js';
import { runEndingIn, startReceiver, type Receiver } from '../server/automations/support.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${suite.server.api}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

describe('the Automations page', () => {
  it('says how to make one while there is none', async () => {
    const ui = await suite.open(`${suite.server.url}#/automations`);
    await expect.poll(() => ui.page.getByTestId('automations-empty').innerText(), WAIT).toContain('No automations yet');
    expect(ui.errors).toEqual([]);
  });

  it('makes an automation with its form, shows its firing and how its notification went, and pauses and resumes it', async () => {
    await api('POST', '/blocks', { type: 'webhook', name: 'ops', data: { url: `${receiver.url}/hook` } });
    const ui = await suite.open(`${suite.server.url}#/automations`);
    const { page } = ui;
    const form = page.getByTestId('new-automation');
    await expect.poll(() => form.locator('select[name=block] option').allInnerTexts(), WAIT).toEqual(['webhook/ops']);
    await form.locator('input[name=name]').fill('page-ops');
    await form.locator('input[name=states]').fill('FAILED, Exploded');
    await form.locator('input[name=tags]').fill('nightly');
    await form.locator('textarea[name=body]').fill('{{ flowRun.name }} is {{ flowRun.state.name }}');
    await form.getByRole('button', { name: 'Create automation' }).click();
    await expect.poll(() => page.getByTestId('new-automation-problem').innerText(), WAIT).toContain("unknown state 'Exploded'");

    await form.locator('input[name=states]').fill('FAILED');
    await form.getByRole('button', { name: 'Create automation' }).click();
    const row = page.locator('[data-testid=automation-row][data-name=page-ops]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1, 5)).toEqual(['Enabled', 'flow run enters FAILED (tags nightly)', 'send-notification via webhook/ops', 'not fired yet']);

    await runEndingIn(suite.server.store, { type: 'FAILED', name: 'Failed' }, { name: 'night-owl', tags: ['nightly'] });
    await expect.poll(() => row.getByTestId('automation-firing-deliveries').allInnerTexts(), WAIT).toEqual(['send-notification: done']);
    expect(receiver.accepted.map((call) => (call.body as { body: string }).body)).toEqual(['night-owl is Failed']);

    await row.getByTestId('automation-pause').click();
    await expect.poll(() => row.getByTestId('automation-status').innerText(), WAIT).toBe('Paused');
    expect((await api<Automation>('GET', '/automations/page-ops')).enabled).toBe(false);
    await row.getByTestId('automation-resume').click();
    await expect.poll(() => row.getByTestId('automation-status').innerText(), WAIT).toBe('Enabled');
    expect((await api<Automation>('GET', '/automations/page-ops')).enabled).toBe(true);
    // The browser logs the refused create, and nothing else.
    expect(ui.errors).toEqual([expect.stringContaining('status of 400')]);
  });
});
