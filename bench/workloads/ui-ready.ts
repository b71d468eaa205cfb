/**
 * The web UI in headless Chromium, served by a real server from the built renderer
 * (dist/renderer): how long until it takes input, how long until the code editor is up, and the
 * frame rate while panning a 1,000-node graph. The floor for panning is a bare page drawing one
 * rectangle per frame in the same browser: what the machine gives any page.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateFlowModule, type FlowGraph } from '../../app/core/flow-document/index.js';
import { createServer, openStore, type RunStore } from '../../app/server/index.js';
import { packageRoot } from '../../app/server/package-root.js';
import { makeTempHome } from '../lib/env.js';

export const PAN_NODES = 1_000;
const BARE_PAGE = '<!doctype html><title>bare</title><script>requestAnimationFrame(() => performance.mark("bare:ready"));</script>';
export const PAN_MS = 2_000;
const CHROMIUM = process.env.FLOWDECK_CHROMIUM ?? '/usr/bin/chromium';

// What the functions handed to page.evaluate use; they run in the page, where these exist.
declare const window: unknown;
declare const document: {
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): unknown;
  body: { dataset: Record<string, string | undefined> };
};
declare function requestAnimationFrame(callback: (time: number) => void): number;
interface CanvasContext {
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
}

export interface UiReadyRun {
  /** Navigation start to the first painted frame of the builder (palette, canvas, panels). */
  readyMs: number;
  /** Navigation start to Monaco created, which loads after the canvas. */
  editorReadyMs: number;
  /** The floor: navigation start to the first frame of a bare page from the same server. */
  floorMs: number;
}

export interface PanRun {
  nodes: number;
  /** Frames per second while the canvas is dragged. */
  fps: number;
  /** The longest frame seen while panning. */
  worstFrameMs: number;
  /** The same measure on a bare page in the same browser. */
  floorFps: number;
}

export interface UiBench {
  url: string;
  /** A page that marks its first frame and does nothing else, from a plain loopback server. */
  bareUrl: string;
  workspace: string;
  /** The server's store, for workloads that seed runs before opening a page. */
  store: RunStore;
  home: string;
  browser: Browser;
  close(): Promise<void>;
}

/** `prepare` fills the store's file before the server opens it. */
export async function startUiBench(prepare?: (dbPath: string) => Promise<void>): Promise<UiBench> {
  if (!existsSync(join(packageRoot(), 'dist', 'renderer', 'index.html'))) {
    throw new Error('the web UI is not built: run `npm run build` first');
  }
  const temp = makeTempHome('ui');
  const workspace = join(temp.home, 'workspace');
  mkdirSync(workspace);
  await prepare?.(temp.dbPath);
  const store = await openStore({ kind: 'sqlite', path: temp.dbPath });
  const server = await createServer({ store, host: '127.0.0.1', port: 0, workspace, home: temp.home, crashSweepIntervalMs: 0 });
  const base = await server.listen();
  const bare = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(BARE_PAGE);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const { port } = bare.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return {
    url: `${base}/`,
    bareUrl: `http://127.0.0.1:${port}/`,
    workspace,
    store,
    home: temp.home,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => bare.close(resolve));
      await server.close();
      await store.close();
      temp.cleanup();
    },
  };
}

async function markTime(page: Page, name: string): Promise<number> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, name, { timeout: 60_000 });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, name);
}

/** Each run in a fresh browser context, so nothing is cached between them. */
export async function measureUiReady(runs: number): Promise<UiReadyRun[]> {
  const bench = await startUiBench();
  try {
    const results: UiReadyRun[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await bench.browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(bench.url);
      const readyMs = await markTime(page, 'flowdeck:ready');
      const editorReadyMs = await markTime(page, 'flowdeck:editor-ready');
      const bare = await context.newPage();
      await bare.goto(bench.bareUrl);
      results.push({ readyMs, editorReadyMs, floorMs: await markTime(bare, 'bare:ready') });
      await context.close();
    }
    return results;
  } finally {
    await bench.close();
  }
}

/** A chain of transform steps, each feeding the next, laid out in a grid by its sidecar. */
function bigFlow(nodes: number): { code: string; sidecar: string } {
  const graph: FlowGraph = { flowName: 'big', parameters: [], nodes: [], edges: [], regions: [] };
  const positions: Record<string, { x: number; y: number }> = {};
  for (let i = 0; i < nodes; i++) {
    const id = `step${i}`;
    graph.nodes.push({
      id,
      kind: 'transform',
      name: `step-${i}`,
      fields: i === 0 ? { value: 0, fn: '(value) => value + 1' } : { fn: '(value) => value + 1' },
      options: {},
      inputs: i === 0 ? {} : { value: { from: 'node', node: `step${i - 1}` } },
      span: { start: 0, end: 0 },
    });
    if (i > 0) graph.edges.push({ id: `step${i - 1}->${id}.value`, source: `step${i - 1}`, target: id, input: 'value' });
    positions[id] = { x: (i % 40) * 300, y: Math.floor(i / 40) * 140 };
  }
  return { code: generateFlowModule(graph), sidecar: JSON.stringify({ version: 1, nodes: positions }) };
}

/** Frames drawn during `ms` of dragging the mouse across the page, counted in the page. */
export async function framesWhileDragging(page: Page, from: { x: number; y: number }, ms: number): Promise<{ fps: number; worstFrameMs: number }> {
  await page.evaluate(() => {
    const w = window as { __frames: number[]; __counting: boolean };
    w.__frames = [];
    w.__counting = true;
    const tick = (t: number) => {
      w.__frames.push(t);
      if (w.__counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const started = Date.now();
  let step = 0;
  while (Date.now() - started < ms) {
    step++;
    // Back and forth, so the view stays over the nodes.
    const dx = Math.sin(step / 10) * 300;
    await page.mouse.move(from.x + dx, from.y + Math.cos(step / 13) * 150);
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    const w = window as { __frames: number[]; __counting: boolean };
    w.__counting = false;
    return w.__frames;
  });
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const span = frames.at(-1)! - frames[0];
  return { fps: ((frames.length - 1) * 1000) / span, worstFrameMs: Math.max(...gaps) };
}

export async function measurePanFps(nodes = PAN_NODES, ms = PAN_MS): Promise<PanRun> {
  const bench = await startUiBench();
  try {
    const { code, sidecar } = bigFlow(nodes);
    writeFileSync(join(bench.workspace, 'big.ts'), code);
    writeFileSync(join(bench.workspace, 'big.flowdeck.json'), sidecar);
    const context = await bench.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${bench.url}?file=big.ts`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.react-flow__node').length > 0 && document.body.dataset.ready === 'true' && n > 0,
      nodes,
      { timeout: 120_000 },
    );
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 60_000 });
    const pane = await page.locator('.react-flow__pane').boundingBox();
    if (!pane) throw new Error('the canvas did not show');
    const centre = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 };
    const measured = await framesWhileDragging(page, centre, ms);

    const floorPage = await context.newPage();
    await floorPage.setContent('<canvas id="c" width="800" height="600"></canvas>');
    await floorPage.evaluate(() => {
      const c = (document.getElementById('c') as { getContext(kind: '2d'): CanvasContext }).getContext('2d');
      let x = 0;
      const draw = () => {
        c.clearRect(0, 0, 800, 600);
        c.fillRect((x = (x + 3) % 700), 100, 100, 100);
        requestAnimationFrame(draw);
      };
      requestAnimationFrame(draw);
    });
    const floor = await framesWhileDragging(floorPage, { x: 400, y: 300 }, ms);
    await context.close();
    return { nodes, fps: measured.fps, worstFrameMs: measured.worstFrameMs, floorFps: floor.fps };
  } finally {
    await bench.close();
  }
}
