/**
 * The flow run page in headless Chromium, over runs made by the real engine in the server's own
 * store: a run with 10,000 task runs (100 tasks, each mapped over 100 items), opened and panned,
 * and a run with 1,000,000 log lines, its logs opened and searched.
 */
import type { Page } from 'playwright-core';
import { configureEngine } from '../../app/engine/hosting.js';
import { flow, getRunLogger, task } from '../../app/engine/index.js';
import { framesWhileDragging, startUiBench } from './ui-ready.js';

export const RUN_PAGE_TASK_RUNS = 10_000;
export const RUN_PAGE_LOG_LINES = 1_000_000;
const TASKS = 100;
const LINES_PER_TASK = RUN_PAGE_LOG_LINES / 100;

declare function requestAnimationFrame(callback: (time: number) => void): number;
declare const document: {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null; scrollTop: number } | null;
};

/** State changes per second the live run makes while its page is watched. */
export const LIVE_CHANGES_PER_SECOND = 1_500;
const LIVE_SECONDS = 4;
const LIVE_BATCH = 50;

export interface RunPageRun {
  taskRuns: number;
  /** Navigation to the graph drawn, every group on it. */
  graphOpenMs: number;
  panFps: number;
  logLines: number;
  /** Navigation to a link to the run's logs, to its first lines shown. */
  logsOpenMs: number;
  /** How many lines the page held once they were shown. */
  logsHeld: number;
  /** A query typed to its matches counted. */
  searchMs: number;
  /** What the page said it found. */
  found: string;
  /** The store reading every line in one query, in the bench's process. */
  logsReadFloorMs: number;
  stored: number;
  /** A live run making state changes while its graph is watched: how many per second were stored. */
  liveChangesPerSecond: number;
  liveFps: number;
  /** The longest frame while it ran: a frozen page shows as a long one. */
  liveWorstFrameMs: number;
}

const add = task({ name: 'bench-add' }, (x: number) => x + 1);

/** 100 tasks of their own, each mapped over 100 items. */
const wide = flow({ name: 'bench-wide' }, async () => {
  const steps = Array.from({ length: TASKS }, (_, t) => task({ name: `step-${t}` }, (x: number) => x + t));
  for (const step of steps) await step.map(Array.from({ length: RUN_PAGE_TASK_RUNS / TASKS }, (_, i) => i)).result();
  return add(1);
});

const chatty = flow({ name: 'bench-chatty' }, async () => {
  const speak = task({ name: 'speak' }, async (t: number) => {
    const logger = getRunLogger();
    for (let i = 0; i < LINES_PER_TASK; i++) {
      logger.info(`line ${i} of task ${t}${i === 4242 && t === 77 ? ' needle-in-the-haystack' : ''}`);
      if (i % 100 === 99) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  });
  await speak.map(Array.from({ length: 100 }, (_, t) => t)).result();
});

/** Batches of fast tasks, each task three state changes, at about LIVE_CHANGES_PER_SECOND. */
const busy = flow({ name: 'bench-busy' }, async () => {
  const tick = task({ name: 'tick' }, (n: number) => n);
  const batches = (LIVE_CHANGES_PER_SECOND / 3 / LIVE_BATCH) * LIVE_SECONDS;
  const gap = 1000 / (LIVE_CHANGES_PER_SECOND / 3 / LIVE_BATCH);
  for (let b = 0; b < batches; b++) {
    const started = Date.now();
    await tick.map(Array.from({ length: LIVE_BATCH }, (_, i) => i)).result();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, gap - (Date.now() - started))));
  }
});

/**
 * Frames counted in the page for `ms`, and the longest one; with `scroll`, that element is
 * scrolled down by `stepPx` every frame meanwhile.
 */
export async function framesFor(
  page: Page,
  ms: number,
  scroll?: { selector: string; stepPx: number },
): Promise<{ fps: number; worstFrameMs: number }> {
  return page.evaluate(
    ([duration, scrolled]) =>
      new Promise<{ fps: number; worstFrameMs: number }>((resolve) => {
        const element = scrolled ? document.querySelector(scrolled.selector) : null;
        const frames: number[] = [];
        const tick = (t: number) => {
          frames.push(t);
          if (element && scrolled) element.scrollTop += scrolled.stepPx;
          if (t - frames[0] < duration) requestAnimationFrame(tick);
          else {
            const gaps = frames.slice(1).map((f, i) => f - frames[i]);
            resolve({ fps: ((frames.length - 1) * 1000) / (frames[frames.length - 1] - frames[0]), worstFrameMs: Math.max(...gaps) });
          }
        };
        requestAnimationFrame(tick);
      }),
    [ms, scroll ?? null] as const,
  );
}

/** Milliseconds, counted in the page, until `predicate` holds on a frame. */
async function untilInPage(page: Page, predicate: string, timeoutMs = 120_000): Promise<number> {
  return page.evaluate(
    ([source, timeout]) =>
      new Promise<number>((resolve, reject) => {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the predicate is source text, run in the page
        const check = new Function(`return (${source})`) as () => boolean;
        const started = performance.now();
        const tick = () => {
          if (check()) resolve(performance.now() - started);
          else if (performance.now() - started > timeout) reject(new Error(`not within ${timeout} ms: ${source}`));
          else requestAnimationFrame(tick);
        };
        tick();
      }),
    [predicate, timeoutMs] as const,
  );
}

export async function measureRunPage(): Promise<RunPageRun> {
  const bench = await startUiBench();
  configureEngine({ reporter: bench.store, home: bench.home, consoleSink: null, onEvent: null, logLevel: 20 });
  try {
    const wideRun = await wide.run();
    const chattyRun = await chatty.run();
    await bench.store.flush();
    const context = await bench.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();

    await page.goto(`${bench.url}#/runs/${wideRun.flowRunId}`);
    const graphOpenMs = await page.evaluate(() => performance.now());
    const drawn = await untilInPage(page, `document.querySelectorAll('.react-flow__node').length >= ${TASKS}`);
    const pane = await page.locator('.react-flow__pane').boundingBox();
    if (!pane) throw new Error('the run graph did not show');
    const pan = await framesWhileDragging(page, { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 }, 2000);

    // From navigation to the first log lines drawn, opened from a link to the run's logs. A page of
    // its own: a new hash on the same page is no navigation, and its clock would run on.
    const logsPage = await context.newPage();
    await logsPage.goto(`${bench.url}#/runs/${chattyRun.flowRunId}?view=logs`);
    await untilInPage(logsPage, "document.querySelectorAll('[data-testid=logs] .fd-log').length > 0");
    const logsOpenMs = await logsPage.evaluate(() => performance.now());
    const held = Number((await logsPage.getByTestId('log-matches').innerText()).replace(/[^0-9]/g, ''));
    const typed = await logsPage.evaluate(() => performance.now());
    await logsPage.getByLabel('Find in logs').fill('needle-in-the-haystack');
    // Done when the count of lines gives way to the count of matches (or "no match").
    await untilInPage(logsPage, "/match/.test(document.querySelector('[data-testid=log-matches]')?.textContent ?? '')");
    const searchMs = (await logsPage.evaluate(() => performance.now())) - typed;
    const found = await logsPage.getByTestId('log-matches').innerText();
    // A run going on while its graph is open: the page keeps drawing frames as the changes come.
    const running = busy.run();
    const live = await (async () => {
      while ((await bench.store.listFlowRuns({ limit: 1 }))[0]?.flowName !== 'bench-busy') await new Promise((resolve) => setTimeout(resolve, 10));
      const id = (await bench.store.listFlowRuns({ limit: 1 }))[0].id;
      const livePage = await context.newPage();
      await livePage.goto(`${bench.url}#/runs/${id}`);
      await livePage.getByTestId('run-graph').waitFor({ timeout: 60_000 });
      const before = bench.store.lastEventIds().stateId;
      const startedAt = Date.now();
      const frames = await framesFor(livePage, 2000);
      const changes = bench.store.lastEventIds().stateId - before;
      return { ...frames, changesPerSecond: (changes * 1000) / (Date.now() - startedAt) };
    })();
    await running;
    await context.close();
    // The floor: the store reading every line of the run in one query, in this process.
    const readStarted = performance.now();
    const stored = (await bench.store.listLogs(chattyRun.flowRunId, { limit: RUN_PAGE_LOG_LINES })).length;
    const logsReadFloorMs = performance.now() - readStarted;
    return {
      logsReadFloorMs,
      stored,
      liveChangesPerSecond: live.changesPerSecond,
      liveFps: live.fps,
      liveWorstFrameMs: live.worstFrameMs,
      taskRuns: RUN_PAGE_TASK_RUNS,
      graphOpenMs: graphOpenMs + drawn,
      panFps: pan.fps,
      logLines: RUN_PAGE_LOG_LINES,
      logsOpenMs,
      logsHeld: held,
      searchMs,
      found,
    };
  } finally {
    configureEngine({ reporter: null });
    await bench.close();
  }
}
