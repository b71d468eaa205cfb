// Artifacts in real Chromium against a real server: a run's Artifacts view (markdown drawn from
// its tokens with nothing live in it, tables as tables, links, and a progress bar that moves
// while the run goes on), the Artifacts page of the latest of each key, and a key's history.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Artifact } from '../../app/core/api/artifacts.js';
import { newId } from '../../app/core/index.js';
import { startFileRun, useUiSuite, waitForRunState, WAIT } from './support.js';

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

/** A flow run that stays Pending: artifacts are made for it through the API. */
async function flowRun(): Promise<string> {
  const id = newId();
  const result = await suite.server.store.createFlowRun({
    id,
    flowName: 'reports',
    name: 'quiet-heron',
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
  });
  expect(result.status).toBe('ACCEPT');
  return id;
}

const HOSTILE_MARKDOWN = [
  '# Weekly report',
  '',
  'All **good**. [docs](https://example.com/docs) [click me](javascript:window.pwned=1) <a href="javascript:window.pwned=2">raw</a>',
  '',
  '<script>window.pwned = 3</script>',
  '',
  '<img src="x" onerror="window.pwned=4">',
  '',
  '| name | value |',
  '|------|------:|',
  '| a    | 1     |',
].join('\n');

/** A flow that shows 30% progress, waits for a gate file, then shows 100% and ends. */
const PROGRESS_FLOW = [
  "import { existsSync } from 'node:fs';",
  "import { createProgressArtifact, flow, updateProgressArtifact } from 'flowdeck';",
  '',
  "export default flow({ name: 'slow-load' }, async ({ gate }: { gate: string }) => {",
  "  const bar = await createProgressArtifact(30, { key: 'slow-load-progress' });",
  '  while (!existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 50));',
  '  await updateProgressArtifact(bar, 100);',
  '  return 1;',
  '});',
  '',
].join('\n');

describe('artifacts in the web UI', () => {
  it('the Artifacts page says how to make one while there is none', async () => {
    const ui = await suite.open(`${suite.server.url}#/artifacts`);
    const empty = ui.page.getByTestId('artifacts-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('No artifacts yet');
    expect(await empty.innerText()).toContain("createMarkdownArtifact('# Done', { key: 'daily-report' })");
    expect(await ui.page.getByRole('link', { name: 'Artifacts' }).getAttribute('aria-current')).toBe('page');
    expect(ui.errors).toEqual([]);
  });

  it("a run's Artifacts view draws markdown safely, tables as tables and links as links, and says when there are none", async () => {
    const run = await flowRun();
    await api('POST', '/artifacts', { type: 'markdown', data: HOSTILE_MARKDOWN, key: 'weekly-report', flowRunId: run });
    await api('POST', '/artifacts', {
      type: 'table',
      data: { city: ['Oslo', 'Lima'], temp: [3, 19] },
      key: 'weather',
      description: 'Noon temperatures',
      flowRunId: run,
    });
    await api('POST', '/artifacts', { type: 'link', data: { link: 'https://example.com/data.csv', linkText: 'the data' }, flowRunId: run });
    await api('POST', '/artifacts', { type: 'link', data: { link: 'javascript:window.pwned=5', linkText: 'bad link' }, flowRunId: run });

    const ui = await suite.open(`${suite.server.url}#/runs/${run}`);
    const { page } = ui;
    await page.getByRole('tab', { name: 'Artifacts' }).click();
    await expect.poll(() => page.url(), WAIT).toContain('?view=artifacts');
    const cards = page.getByTestId('artifact');
    await expect.poll(() => cards.count(), WAIT).toBe(4);
    // Oldest first, as the run made them.
    expect(await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-type')))).toEqual(['markdown', 'table', 'link', 'link']);

    const markdown = cards.nth(0).locator('.fd-markdown');
    expect(await markdown.locator('h1').innerText()).toBe('Weekly report');
    expect(await markdown.locator('strong').innerText()).toBe('good');
    expect(await markdown.locator('a').evaluateAll((els) => els.map((el) => el.getAttribute('href')))).toEqual(['https://example.com/docs']);
    // The markdown's own table is a table too.
    expect(await markdown.locator('td').allInnerTexts()).toEqual(['a', '1']);
    // Raw HTML is shown as its text: no script, image, or handler reached the page.
    expect(await markdown.innerText()).toContain('<script>window.pwned = 3</script>');
    expect(await markdown.locator('script, img, iframe, [onerror]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);

    const table = cards.nth(1).getByTestId('artifact-table');
    expect(await table.locator('th').allInnerTexts()).toEqual(['city', 'temp']);
    expect(
      await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { innerText: string }).innerText.split('\t'))),
    ).toEqual([
      ['Oslo', '3'],
      ['Lima', '19'],
    ]);
    expect(await cards.nth(1).innerText()).toContain('Noon temperatures');
    const good = cards.nth(2).getByTestId('artifact-link');
    expect(await good.innerText()).toBe('the data');
    expect(await good.getAttribute('href')).toBe('https://example.com/data.csv');
    const bad = cards.nth(3).getByTestId('artifact-link');
    expect(await bad.innerText()).toBe('bad link');
    expect(await bad.getAttribute('href')).toBeNull();

    // Clicking what was left of the hostile links ran nothing.
    await markdown.getByText('click me').click();
    await bad.click();
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();

    const other = await flowRun();
    await page.goto(`${suite.server.url}#/runs/${other}?view=artifacts`);
    await expect.poll(() => page.getByTestId('run-artifacts-empty').count(), WAIT).toBe(1);
    expect(await page.getByTestId('run-artifacts-empty').innerText()).toContain('This run made none');
    expect(ui.errors).toEqual([]);
  });

  it("a running flow's progress bar moves on the run page as the flow updates it", async () => {
    suite.server.writeFile('slow-load.ts', PROGRESS_FLOW);
    const gate = join(suite.server.home, `gate-${newId()}`);
    const run = await startFileRun(suite.server, 'slow-load.ts', { gate });
    const ui = await suite.open(`${suite.server.url}#/runs/${run}?view=artifacts`);
    const bar = ui.page.getByTestId('artifact-progress');
    await expect.poll(() => bar.count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(() => bar.getAttribute('value'), WAIT).toBe('30');
    writeFileSync(gate, '');
    await expect.poll(() => bar.getAttribute('value'), { timeout: 90_000 }).toBe('100');
    await waitForRunState(ui, suite.server, 'Completed');
    expect(ui.errors).toEqual([]);
  });

  it("the Artifacts page lists the latest of each key, and a key's page shows its history", async () => {
    const first = await flowRun();
    const second = await flowRun();
    await api('POST', '/artifacts', { type: 'markdown', data: '# Day one', key: 'daily-summary', flowRunId: first });
    const latest = await api<Artifact>('POST', '/artifacts', {
      type: 'markdown',
      data: '# Day two',
      key: 'daily-summary',
      description: 'What happened',
      flowRunId: second,
    });
    const ui = await suite.open(`${suite.server.url}#/artifacts`);
    const { page } = ui;
    const row = page.locator('[data-testid=artifact-row][data-key=daily-summary]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toContain('daily-summary');
    expect(cells[0]).toContain('What happened');
    expect(cells.slice(1, 4)).toEqual(['markdown', '# Day two', latest.flowRunId.slice(0, 8)]);
    // Each key once, however many versions it has.
    const keys = await page.getByTestId('artifact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(new Set(keys).size).toBe(keys.length);

    await row.getByRole('link', { name: 'daily-summary' }).click();
    await expect.poll(() => page.url(), WAIT).toContain('#/artifacts/daily-summary');
    const versions = page.getByTestId('artifact-version');
    await expect.poll(() => versions.count(), WAIT).toBe(2);
    expect(await page.getByTestId('artifact-key-page').locator('.fd-markdown h1').first().innerText()).toBe('Day two');
    await versions.nth(1).locator('summary').click();
    await expect.poll(() => versions.nth(1).locator('.fd-markdown h1').innerText(), WAIT).toBe('Day one');
    expect(await page.getByRole('link', { name: 'Artifacts' }).first().getAttribute('aria-current')).toBe('page');

    await page.goto(`${suite.server.url}#/artifacts/no-such-key`);
    await expect.poll(() => page.getByTestId('artifact-key-empty').count(), WAIT).toBe(1);
    expect(ui.errors).toEqual([]);
  });
});
