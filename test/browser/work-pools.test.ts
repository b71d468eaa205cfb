// The Work pools pages in real Chromium against a real server: a pool made through the API, its
// queues, and a worker that beats through the API as `flowdeck worker start` does.
import { describe, expect, it, vi } from 'vitest';
import type { WorkPoolRead } from '../../app/core/api/work-pools.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${suite.server.api}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

describe('the Work pools page', () => {
  it('says how to create a pool and start a worker while there is none', async () => {
    const ui = await suite.open(`${suite.server.url}#/work-pools`);
    const empty = ui.page.getByTestId('work-pools-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('No work pools yet');
    expect(await empty.innerText()).toMatch(/flowdeck work-pool create local --type process\s+flowdeck worker start --pool local/);
    expect(ui.errors).toEqual([]);
  });

  it('says a pool that does not exist could not be read, and reads it again on try again once it does', async () => {
    const ui = await suite.open(`${suite.server.url}#/work-pools/later`);
    const notice = ui.page.getByRole('alert');
    await expect.poll(() => notice.innerText(), WAIT).toContain('Could not read the work pool later:');
    await api('POST', '/work-pools', { name: 'later' });
    await notice.getByRole('button', { name: 'try again' }).click();
    await expect.poll(() => ui.page.getByTestId('work-queue-row').count(), WAIT).toBe(1);
    expect(await ui.page.getByRole('alert').count()).toBe(0);
  });

  it('lists a pool with its workers and counts; its page shows its queues and a beating worker ONLINE, and pauses and resumes it', async () => {
    await api('POST', '/work-pools', { name: 'local', description: 'this machine', concurrencyLimit: 4 });
    await api('POST', '/work-pools/local/queues', { name: 'fast', priority: 2, concurrencyLimit: 3 });
    await api('POST', '/work-pools/local/workers/heartbeat', { name: 'box-1', queues: ['fast'], limit: 2, hostname: 'box', pid: 4242 });

    const ui = await suite.open(`${suite.server.url}#/work-pools`);
    const { page } = ui;
    const row = page.locator('[data-testid=work-pool-row][data-name=local]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1)).toEqual(['process', 'Active', '4', '1 online of 1', '0', '0', '0']);
    expect(cells[0]).toContain('this machine');

    await row.getByRole('link', { name: 'local' }).click();
    await expect.poll(() => page.url(), WAIT).toContain('#/work-pools/local');
    const queues = page.getByTestId('work-queue-row');
    await expect.poll(() => queues.count(), WAIT).toBe(2);
    // By priority: the default queue (1) first.
    expect(await queues.nth(0).locator('td').allInnerTexts()).toEqual(['default', '1', 'no limit', 'Active']);
    expect(await queues.nth(1).locator('td').allInnerTexts()).toEqual(['fast', '2', '3', 'Active']);

    const worker = page.locator('[data-testid=worker-row][data-name=box-1]');
    await expect.poll(() => worker.count(), WAIT).toBe(1);
    expect(await worker.getByTestId('worker-status').innerText()).toBe('ONLINE');
    const workerCells = await worker.locator('td').allInnerTexts();
    expect(workerCells[2]).toMatch(/^(just now|\d+ s ago)$/);
    expect(workerCells.slice(3)).toEqual(['fast', '0 of 2', 'box (pid 4242)']);
    // A worker that says it stops is OFFLINE at once, and the page follows without a reload.
    await api('DELETE', '/work-pools/local/workers/box-1', {});
    await expect.poll(() => worker.getByTestId('worker-status').innerText(), WAIT).toBe('OFFLINE');

    await page.getByTestId('work-pool-pause').click();
    await expect.poll(() => page.getByTestId('work-pool-paused').count(), WAIT).toBe(1);
    expect((await api<WorkPoolRead>('GET', '/work-pools/local')).paused).toBe(true);
    await page.getByTestId('work-pool-resume').click();
    await expect.poll(() => page.getByTestId('work-pool-paused').count(), WAIT).toBe(0);
    expect((await api<WorkPoolRead>('GET', '/work-pools/local')).paused).toBe(false);
    expect(ui.errors).toEqual([]);
  });
});
