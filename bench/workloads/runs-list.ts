/**
 * The Runs page in headless Chromium over a server whose store holds 1,000,000 flow runs: opened,
 * scrolled through while it loads pages, and searched by name. Three runs are made through the
 * store's own API (one Completed, one Failed, one Running); the million are copies of them, written
 * in SQL into the same tables, so the indexes and triggers fill as for any run.
 */
import Database from 'better-sqlite3';
import { newId, type StateType } from '../../app/core/index.js';
import { openStore } from '../../app/server/index.js';
import { configureConnection } from '../../app/server/store/index.js';
import { framesFor } from './run-page.js';
import { startUiBench } from './ui-ready.js';

export const RUNS_LIST_RUNS = 1_000_000;
const NEEDLE_AT = 777_777;

declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

export interface RunsListRun {
  runs: number;
  seedMs: number;
  /** Navigation to the first rows drawn. */
  openMs: number;
  scrollFps: number;
  scrollWorstFrameMs: number;
  /** Rows the list held after scrolling. */
  rowsLoaded: number;
  /** A name typed to the one run that has it shown. */
  searchMs: number;
  /** The store reading the newest page of 50 runs in this process. */
  pageReadFloorMs: number;
}

async function makeTemplates(dbPath: string): Promise<void> {
  const store = await openStore({ kind: 'sqlite', path: dbPath });
  const outcomes: StateType[] = ['COMPLETED', 'FAILED', 'RUNNING'];
  for (const [i, type] of outcomes.entries()) {
    const id = newId();
    await store.createFlowRun({
      id,
      flowName: ['ingest', 'report', 'billing'][i],
      name: 'template',
      tags: i === 0 ? ['prod'] : ['dev', 'nightly'],
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
      transitionId: newId(),
      state: { type: 'PENDING', name: 'Pending' },
    });
    await store.setState({ kind: 'flow', runId: id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    if (type !== 'RUNNING')
      await store.setState({ kind: 'flow', runId: id, transitionId: newId(), state: { type, name: type === 'COMPLETED' ? 'Completed' : 'Failed' } });
  }
  await store.close();
}

/** The million: each a copy of a template with its own id, name, time and current state row. */
function copyTemplates(dbPath: string): void {
  const db = new Database(dbPath, { timeout: 60_000 });
  configureConnection(db);
  try {
    const t0 = Date.now() - RUNS_LIST_RUNS * 1000;
    db.exec(`CREATE TEMP TABLE tpl AS
      SELECT row_number() OVER (ORDER BY fr.created_at) - 1 AS k, fr.*, s.type AS s_type, s.name AS s_name, s.timestamp AS s_time
      FROM flow_runs fr JOIN states s ON s.id = fr.state_id`);
    const base = db.prepare<[], { m: number }>('SELECT max(id) AS m FROM states').get()!.m + 1;
    const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS_LIST_RUNS})`;
    const id = `printf('%08x-0000-4000-8000-%012x', i, i)`;
    db.transaction(() => {
      db.exec(`${numbers}
        INSERT INTO states (id, run_id, run_kind, type, name, timestamp, attempt)
        SELECT ${base} + i, ${id}, 'flow', tpl.s_type, tpl.s_name, ${t0} + i * 1000, 1 FROM n JOIN tpl ON tpl.k = i % 3`);
      db.exec(`${numbers}
        INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters, tags, run_count, retry_policy, created_at, start_time, end_time)
        SELECT ${id}, tpl.flow_id, tpl.flow_name,
          CASE WHEN i = ${NEEDLE_AT} THEN 'needle-in-a-million' ELSE printf('%s-%s-%d', CASE i % 5 WHEN 0 THEN 'amber' WHEN 1 THEN 'brisk' WHEN 2 THEN 'calm' WHEN 3 THEN 'daring' ELSE 'eager' END, CASE i % 4 WHEN 0 THEN 'otter' WHEN 1 THEN 'heron' WHEN 2 THEN 'lynx' ELSE 'panda' END, i) END,
          tpl.state_type, tpl.state_name, ${base} + i, tpl.parameters, tpl.tags, 1, tpl.retry_policy,
          ${t0} + i * 1000, ${t0} + i * 1000, CASE WHEN tpl.state_type = 'RUNNING' THEN NULL ELSE ${t0} + i * 1000 + 500 END
        FROM n JOIN tpl ON tpl.k = i % 3`);
    })();
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}

const WAIT = { timeout: 120_000, polling: 'raf' } as const;

/** One store seeded once; each run a fresh browser context, so nothing is cached between them. */
export async function measureRunsList(runs: number, progress: (message: string) => void): Promise<RunsListRun[]> {
  let seedMs = 0;
  progress(`runs page: writing ${RUNS_LIST_RUNS} runs`);
  const bench = await startUiBench(async (dbPath) => {
    const started = performance.now();
    await makeTemplates(dbPath);
    copyTemplates(dbPath);
    seedMs = performance.now() - started;
  });
  try {
    const results: RunsListRun[] = [];
    for (let r = 1; r <= runs; r++) {
      progress(`runs page: ${RUNS_LIST_RUNS} runs, run ${r}/${runs}`);
      const context = await bench.browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${bench.url}#/runs`);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=runs-row]').length > 0, undefined, WAIT);
      const openMs = await page.evaluate(() => performance.now());
      // A screen a frame for 3 s; pages load as it goes.
      const scroll = await framesFor(page, 3000, { selector: '[data-testid=runs-list]', stepPx: 600 });
      const rowsLoaded = Number((await page.getByTestId('runs-count').innerText()).replace(/[^0-9]/g, ''));

      const typed = await page.evaluate(() => performance.now());
      await page.getByTestId('runs-search').fill('needle-in-a');
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid=runs-row]').length === 1 &&
          (document.querySelector('[data-testid=runs-row-name]')?.textContent ?? '').includes('needle-in-a-million'),
        undefined,
        WAIT,
      );
      const searchMs = (await page.evaluate(() => performance.now())) - typed;
      await context.close();

      const readStarted = performance.now();
      await bench.store.listFlowRuns({ limit: 50 });
      const pageReadFloorMs = performance.now() - readStarted;
      results.push({
        runs: RUNS_LIST_RUNS + 3,
        seedMs,
        openMs,
        scrollFps: scroll.fps,
        scrollWorstFrameMs: scroll.worstFrameMs,
        rowsLoaded,
        searchMs,
        pageReadFloorMs,
      });
    }
    return results;
  } finally {
    await bench.close();
  }
}
