// The web UI as a person meets it: a real `flowdeck` server on a random loopback port, serving the
// built UI over a temporary FLOWDECK_HOME and workspace, driven in real Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createServer, type FlowdeckServer, type RunStore, type WorkspaceChange } from '../../app/server/index.js';
import { openTestStore } from '../helpers/store-factory.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const UI_INDEX = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
export const CHROMIUM_PATH = process.env.FLOWDECK_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Builds the UI when it has not been built (`npm test` builds it first). Flow runs also need the
 * compiled CLI in dist/, which `npm run build` makes.
 */
export function ensureUiBuilt(): void {
  if (existsSync(UI_INDEX)) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

export interface UiServer {
  /** The page to open, e.g. http://127.0.0.1:41234/ */
  url: string;
  api: string;
  home: string;
  /** The folder of flow files the server reads, writes and runs. */
  workspace: string;
  server: FlowdeckServer;
  store: RunStore;
  /** Writes a file into the workspace (folders made as needed). */
  writeFile(path: string, content: string): string;
  readFile(path: string): string;
  close(): Promise<void>;
}

export async function startUiServer(options: { apiKey?: string; corsOrigins?: string[]; workspaceChange?: WorkspaceChange } = {}): Promise<UiServer> {
  ensureUiBuilt();
  const home = mkdtempSync(join(tmpdir(), 'flowdeck-ui-'));
  const workspace = join(home, 'workspace');
  mkdirSync(workspace);
  const store = await openTestStore({ path: join(home, 'flowdeck.db') });
  const server = await createServer({
    store,
    host: '127.0.0.1',
    port: 0,
    workspace,
    home,
    crashSweepIntervalMs: 0,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.workspaceChange ? { workspaceChange: options.workspaceChange } : {}),
  });
  const base = await server.listen();
  let closed = false;
  return {
    url: `${base}/`,
    api: `${base}/api`,
    home,
    workspace,
    server,
    store,
    writeFile(path, content) {
      const full = join(workspace, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      return full;
    },
    readFile(path) {
      return readFileSync(join(workspace, path), 'utf8');
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

export interface UiPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context on the UI, ready for input. */
export async function openUi(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<UiPage> {
  const context = await browser.newContext({ viewport });
  // Generous, for a loaded machine; a step that is really stuck still fails.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.stack ?? error.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  // The builder is ready once its code editor is; the monitoring pages have none.
  const hash = new URL(url).hash;
  if (hash === '' || hash === '#/') await page.locator('.monaco-editor .view-lines').waitFor();
  return { page, context, errors, close: () => context.close() };
}

export function node(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** Drops a palette entry onto the canvas at a point inside it. */
export async function dragKindOntoCanvas(page: Page, kind: string, at: { x: number; y: number }): Promise<void> {
  await page.dragAndDrop(`.fd-palette [data-kind="${kind}"]`, '[data-testid=canvas] .react-flow__pane', { targetPosition: at });
}

/** Drags from a node's output handle to another node's input handle, as a person connects them. */
export async function connectHandles(page: Page, source: string, target: string, input: string): Promise<void> {
  const from = await node(page, source).locator('.react-flow__handle.source').boundingBox();
  const to = await node(page, target).locator(`.react-flow__handle[data-handleid="${input}"]`).boundingBox();
  if (!from || !to) throw new Error(`handles of ${source} or ${target}.${input} are not visible`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/**
 * The code as Monaco shows it (the visible lines, which is all of a short file). Monaco reuses
 * line elements, so their order in the DOM is not the order on screen: they are sorted by position.
 */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.monaco-editor .view-lines .view-line').evaluateAll((elements) =>
    elements.map((el) => {
      const line = el as unknown as { innerText: string; style: { top: string } };
      return { top: parseFloat(line.style.top) || 0, text: line.innerText };
    }),
  );
  return lines
    .sort((a, b) => a.top - b.top)
    .map((line) => line.text)
    .join('\n')
    .replace(/\u00a0/g, ' ');
}

/**
 * Replaces every occurrence of a text in the code with Monaco's own find and replace (Ctrl+H), as
 * a person would.
 */
export async function replaceInEditor(page: Page, find: string, replace: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+H');
  const widget = page.locator('.monaco-editor .find-widget');
  await widget.locator('.find-part textarea, .find-part input').first().fill(find);
  await widget.locator('.replace-part textarea, .replace-part input').first().fill(replace);
  await widget.locator('.replace-part [aria-label^="Replace All"]').click();
  await page.keyboard.press('Escape');
}

/** How long expect.poll waits for the UI to catch up: generous, for a loaded machine. */
export const WAIT = { timeout: 20_000 } as const;

/**
 * One browser and one server for a test file, and a fresh page per test that is closed after it.
 * Call at the top of a test file; the getters read what the hooks set up.
 */
export function useUiSuite(options: { apiKey?: string } = {}): {
  readonly browser: Browser;
  readonly server: UiServer;
  open(url?: string): Promise<UiPage>;
} {
  let browser: Browser | undefined;
  let server: UiServer | undefined;
  let current: UiPage | null = null;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startUiServer(options)]);
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const suite = {
    get browser(): Browser {
      if (!browser) throw new Error('the browser is not up yet');
      return browser;
    },
    get server(): UiServer {
      if (!server) throw new Error('the server is not up yet');
      return server;
    },
    async open(url?: string): Promise<UiPage> {
      current = await openUi(suite.browser, url ?? suite.server.url);
      return current;
    },
  };
  return suite;
}

/**
 * Waits for the run panel to show a flow run's final state. When it does not, the failure says
 * what the store holds and what the flow processes wrote, which is where the reason is.
 */
export async function waitForRunState(ui: UiPage, server: UiServer, expected: string, timeout = 90_000): Promise<void> {
  const { page } = ui;
  // Read without waiting for the element, so the poll's own timeout is the one that counts.
  const shownText = (selector: string) =>
    page.evaluate((css) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } }).document;
      return doc.querySelector(css)?.innerText ?? null;
    }, selector);
  try {
    await expect.poll(() => shownText('[data-testid=flow-run-state]'), { timeout, interval: 100 }).toBe(expected);
  } catch (error) {
    const shown =
      (await shownText('[data-testid=run-panel]')) ?? `(no run panel; the page shows: ${((await shownText('#root')) ?? '').slice(0, 300)})`;
    const runs = (await server.store.listFlowRuns()).map((run) => `${run.id} ${run.name} ${run.state.type} ${run.state.message ?? ''}`);
    const logsDir = join(server.home, 'runs');
    const logs = existsSync(logsDir)
      ? readdirSync(logsDir).map((file) => `--- ${file}\n${readFileSync(join(logsDir, file), 'utf8').slice(-4000)}`)
      : [];
    throw new Error(
      [
        `the run did not reach ${expected}: ${(error as Error).message}`,
        `run panel: ${shown}`,
        `page errors: ${ui.errors.join('\n') || '(none)'}`,
        `stored flow runs:\n${runs.join('\n') || '(none)'}`,
        ...logs,
      ].join('\n'),
      { cause: error },
    );
  }
}

/** Starts a workspace file as a flow run through the server, as the builder's Run does; answers its id. */
export async function startFileRun(server: UiServer, path: string, parameters: Record<string, unknown> = {}): Promise<string> {
  const answer = await fetch(`${server.api}/flow-files/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path, parameters }),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { flowRunId: string }).flowRunId;
}

/** A flow of three chained tasks (load-rows, double-rows, sum-rows) that answers 12. */
export const THREE_TASKS_FLOW = [
  "import { flow, task } from 'flowdeck';",
  '',
  "const load = task({ name: 'load-rows' }, async () => [1, 2, 3]);",
  "const double = task({ name: 'double-rows' }, async (rows: number[]) => rows.map((n) => n * 2));",
  "const total = task({ name: 'sum-rows' }, async (rows: number[]) => rows.reduce((a, b) => a + b, 0));",
  '',
  "export default flow({ name: 'three-tasks' }, async () => {",
  '  const rows = await load();',
  '  const doubled = await double(rows);',
  '  return await total(doubled);',
  '});',
  '',
].join('\n');
