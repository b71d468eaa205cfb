// The runs page in real Chromium against a real server over a real SQLite file: listing, filters,
// paging by scrolling, keyboard, live updates, and what it says when there is nothing to show.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { newId, type CreateFlowRun, type StateType } from '../../app/core/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';
import { openUi, useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
const RUNS = 500;
const ADJECTIVES = ['amber', 'brisk', 'calm', 'daring', 'eager'];
const ANIMALS = ['otter', 'heron', 'lynx', 'panda'];
const FLOWS = ['ingest', 'report', 'billing'];
const STATES: StateType[] = ['COMPLETED', 'FAILED', 'RUNNING'];

function request(overrides: Partial<CreateFlowRun> = {}): CreateFlowRun {
  return {
    id: newId(),
    flowName: 'ingest',
    name: 'calm-otter',
    retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    transitionId: newId(),
    state: { type: 'PENDING', name: 'Pending' },
    ...overrides,
  };
}

async function moveTo(store: RunStore, runId: string, type: StateType): Promise<void> {
  const name = type.charAt(0) + type.slice(1).toLowerCase();
  await store.setState({ kind: 'flow', runId, transitionId: newId(), state: { type, name } });
}

/** Seeds runs as flow processes report them: created Pending, then Running, then their end. */
async function seed(store: RunStore, count: number): Promise<void> {
  for (let from = 0; from < count; from += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - from) }, async (_, k) => {
        const i = from + k;
        const name = i % 25 === 0 ? `needle-${i}` : `${ADJECTIVES[i % 5]}-${ANIMALS[i % 4]}`;
        const run = request({ flowName: FLOWS[i % 3], name, tags: i % 2 === 0 ? ['prod'] : ['dev', 'nightly'] });
        await store.createFlowRun(run);
        await moveTo(store, run.id, 'RUNNING');
        if (STATES[i % 3] !== 'RUNNING') await moveTo(store, run.id, STATES[i % 3]);
      }),
    );
  }
}

let seeded = false;
async function seeded500(): Promise<void> {
  if (seeded) return;
  seeded = true;
  await seed(suite.server.store, RUNS);
}

/** The ids of the rows drawn, top to bottom. */
function shownIds(page: Page): Promise<string[]> {
  return page.getByTestId('runs-row').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { runId: string } }).dataset.runId));
}

function shownStates(page: Page): Promise<string[]> {
  return page.getByTestId('runs-row').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { state: string } }).dataset.state));
}

/** The runs the store lists for a filter, newest first: what the page must show. */
async function storeIds(filter: { stateTypes?: StateType[]; text?: string }, limit = 1000): Promise<string[]> {
  return (await suite.server.store.listFlowRunPage({ ...filter, limit })).items.map((run) => run.id);
}

async function openRuns(): Promise<Page> {
  const ui = await suite.open(`${suite.server.url}#/runs`);
  await ui.page.getByTestId('runs-row').first().waitFor();
  return ui.page;
}

describe('the runs page', () => {
  it('lists the runs newest first, each with its state, names, start, duration and tags', async () => {
    await seeded500();
    const page = await openRuns();
    const newest = (await suite.server.store.listFlowRunPage({ limit: 1 })).items[0];
    await expect.poll(async () => (await shownIds(page))[0], WAIT).toBe(newest.id);
    const ids = await shownIds(page);
    // Only the rows in sight (and a few either side) are drawn, in the store's order.
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.length).toBeLessThan(100);
    expect(ids).toEqual(await storeIds({}, ids.length));
    const first = page.getByTestId('runs-row').first();
    const text = await first.innerText();
    expect(text).toContain(newest.name);
    expect(text).toContain(newest.flowName);
    for (const tag of newest.tags) expect(text).toContain(tag);
    expect(await first.getByTestId('runs-row-state').innerText()).toBe(newest.state.name);
    expect(await page.getByTestId('runs-count').innerText()).toBe('100+ runs');
  });

  it('narrows the list by state and by text, and keeps the filters through a reload', async () => {
    await seeded500();
    const page = await openRuns();
    await page.locator('[data-state=FAILED][aria-pressed]').click();
    await expect.poll(() => shownStates(page), WAIT).toSatisfy((states: string[]) => states.length > 0 && states.every((s) => s === 'FAILED'));
    await expect.poll(async () => (await shownIds(page))[0], WAIT).toBe((await storeIds({ stateTypes: ['FAILED'] }))[0]);

    await page.getByTestId('runs-search').fill('NEEDLE');
    const want = await storeIds({ stateTypes: ['FAILED'], text: 'needle' });
    expect(want.length).toBeGreaterThan(3);
    await expect.poll(() => shownIds(page), WAIT).toEqual(want);
    expect(await page.getByTestId('runs-count').innerText()).toBe(`${want.length} runs`);
    for (const name of await page.getByTestId('runs-row-name').allInnerTexts()) expect(name).toMatch(/^needle-/);

    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await expect.poll(() => shownIds(page), WAIT).toEqual(want);
    expect(await page.getByTestId('runs-search').inputValue()).toBe('NEEDLE');
    expect(await page.locator('[data-state=FAILED][aria-pressed]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-state=RUNNING][aria-pressed]').getAttribute('aria-pressed')).toBe('false');

    // Nothing matches: the page says so and offers to clear the filters.
    await page.getByTestId('runs-search').fill('no-such-run-anywhere');
    await page.getByTestId('runs-empty-filtered').waitFor();
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect.poll(async () => (await shownIds(page))[0], WAIT).toBe((await storeIds({}))[0]);
    expect(await page.getByTestId('runs-search').inputValue()).toBe('');
    expect(await page.locator('[data-state=FAILED][aria-pressed]').getAttribute('aria-pressed')).toBe('false');
  });

  it('reads further pages as the list is scrolled, down to the oldest run', async () => {
    await seeded500();
    const page = await openRuns();
    const list = page.getByTestId('runs-list');
    expect(await page.getByTestId('runs-count').innerText()).toBe('100+ runs');
    // Each scroll to the bottom brings the next page into reach, until the last.
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => {
            (el as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (el as unknown as { scrollHeight: number }).scrollHeight;
          });
          return page.getByTestId('runs-count').innerText();
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBe(`${RUNS} runs`);
    const all = await storeIds({});
    await expect.poll(async () => (await shownIds(page)).at(-1), WAIT).toBe(all[RUNS - 1]);
  });

  it('moves through the rows with the arrow keys and opens one with Enter', async () => {
    await seeded500();
    const page = await openRuns();
    const ids = await shownIds(page);
    await page.getByTestId('runs-search').click();
    await page.keyboard.press('ArrowDown');
    const focused = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { dataset?: { runId?: string } } | null } }).document.activeElement?.dataset
            ?.runId ?? null,
      );
    await expect.poll(focused, WAIT).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused, WAIT).toBe(ids[2]);
    await page.keyboard.press('ArrowUp');
    await expect.poll(focused, WAIT).toBe(ids[1]);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).hash, WAIT).toBe(`#/runs/${ids[1]}`);
    await page.getByTestId('flow-run-state').waitFor();
  });

  it('opens a run when its row is clicked', async () => {
    await seeded500();
    const page = await openRuns();
    const row = page.getByTestId('runs-row').nth(3);
    const id = await row.getAttribute('data-run-id');
    await row.click();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toBe(`#/runs/${id}`);
    await page.getByTestId('flow-run-state').waitFor();
    expect(await page.locator('.fd-run-header h1').innerText()).toBe((await suite.server.store.getFlowRun(id!))!.name);
  });

  it('shows new runs and state changes as they happen', async () => {
    await seeded500();
    const page = await openRuns();
    const store = suite.server.store;
    // At the top of the list, a new run joins it at once.
    const fresh = request({ name: 'live-falcon', flowName: 'report' });
    await store.createFlowRun(fresh);
    await expect.poll(async () => (await shownIds(page))[0], WAIT).toBe(fresh.id);
    const row = page.locator(`[data-testid=runs-row][data-run-id="${fresh.id}"]`);
    expect(await row.getByTestId('runs-row-state').innerText()).toBe('Pending');
    await moveTo(store, fresh.id, 'RUNNING');
    await expect.poll(() => row.getByTestId('runs-row-state').innerText(), WAIT).toBe('Running');
    await moveTo(store, fresh.id, 'FAILED');
    await expect.poll(() => row.getByTestId('runs-row-state').innerText(), WAIT).toBe('Failed');

    // Scrolled down, new runs wait above the list until asked for.
    // The list hears of the scroll with the next frame's scroll event: two frames on, it knows.
    await page.getByTestId('runs-list').evaluate(async (el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 2000;
      const view = globalThis as unknown as { requestAnimationFrame(callback: () => void): number };
      await new Promise<void>((resolve) => view.requestAnimationFrame(() => view.requestAnimationFrame(resolve)));
    });
    const later = [request({ name: 'live-gecko' }), request({ name: 'live-ibis' })];
    for (const run of later) await store.createFlowRun(run);
    const bar = page.getByTestId('runs-new');
    await expect.poll(() => bar.innerText(), WAIT).toMatch(/^2 new runs/);
    await bar.click();
    await expect.poll(async () => (await shownIds(page)).slice(0, 3), WAIT).toEqual([later[1].id, later[0].id, fresh.id]);
    expect(await bar.count()).toBe(0);

    // A run that does not match the filters stays away.
    await page.locator('[data-state=COMPLETED][aria-pressed]').click();
    await expect.poll(() => shownStates(page), WAIT).toSatisfy((states: string[]) => states.length > 0 && states.every((s) => s === 'COMPLETED'));
    const top = (await shownIds(page))[0];
    const pending = request({ name: 'live-koala' });
    await store.createFlowRun(pending);
    const done = request({ name: 'live-lemur' });
    await store.createFlowRun(done);
    await moveTo(store, done.id, 'RUNNING');
    await moveTo(store, done.id, 'COMPLETED');
    await expect.poll(async () => (await shownIds(page)).slice(0, 2), WAIT).toEqual([done.id, top]);
  });
});

describe('the runs page with nothing to show', () => {
  /** A server of its own on a fixed loopback port, so it can be stopped and started again there. */
  async function ownServer(store: RunStore, home: string, port = 0): Promise<{ server: FlowdeckServer; url: string }> {
    const workspace = join(home, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const server = await createServer({ store, host: '127.0.0.1', port, workspace, home, crashSweepIntervalMs: 0 });
    return { server, url: await server.listen() };
  }

  it('says how to start a run, shows the first one live, and offers a retry when the server is gone', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flowdeck-runs-empty-'));
    const store = await openTestStore({ path: join(home, 'flowdeck.db') });
    const first = await ownServer(store, home);
    let server = first.server;
    const url = first.url;
    const ui = await openUi(suite.browser, `${url}/#/runs`);
    try {
      const { page } = ui;
      const empty = page.getByTestId('runs-empty');
      await empty.waitFor();
      expect(await empty.innerText()).toContain('flowdeck run');
      expect(await empty.getByRole('link', { name: 'Builder' }).getAttribute('href')).toBe('#/');

      const first = request({ name: 'first-puffin' });
      await store.createFlowRun(first);
      await expect.poll(() => shownIds(page), WAIT).toEqual([first.id]);

      // The server stops; reading the list again cannot reach it.
      await server.close();
      await page.locator('[data-state=PENDING][aria-pressed]').click();
      const error = page.getByTestId('runs-error');
      await error.waitFor();
      expect(await error.innerText()).toContain('The server cannot be reached');

      // Back on the same port, Retry (or the page itself, once its live connection is back) reads again.
      ({ server } = await ownServer(store, home, Number(new URL(url).port)));
      const retry = error.getByRole('button', { name: 'Retry' });
      if (await retry.isVisible()) await retry.click().catch(() => undefined);
      await expect.poll(() => shownIds(page), WAIT).toEqual([first.id]);
      expect(await page.getByTestId('runs-error').count()).toBe(0);
    } finally {
      await ui.close();
      await server.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
