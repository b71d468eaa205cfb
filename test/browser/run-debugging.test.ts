import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { DebugRun } from '../../app/core/api/workspace.js';
import { useUiSuite, WAIT, type UiServer } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const THREE_STEPS = [
  "import { flow, task } from 'flowdeck';",
  '',
  "const add = task({ name: 'add' }, (a: number, b: number) => a + b);",
  "const double = task({ name: 'double' }, (x: number) => x * 2);",
  "const show = task({ name: 'show' }, (x: number) => `value ${x}`);",
  '',
  "export default flow({ name: 'three-steps' }, async () => show(await double(await add(1, 2))));",
  '',
].join('\n');

// Its first task waits for a file the test writes, so the test knows it is still running.
const GATED = [
  "import { existsSync } from 'node:fs';",
  "import { flow, task } from 'flowdeck';",
  '',
  "const gate = task({ name: 'gate' }, async (path: string) => {",
  '  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 20));',
  '  return 1;',
  '});',
  "const after = task({ name: 'after' }, (x: number) => x + 1);",
  '',
  "export default flow({ name: 'gated' }, async (params: { path: string }) => after(await gate(params.path)));",
  '',
].join('\n');

/** Starts a workspace file as a debug run through the server, as the builder's Debug does. */
async function startDebugRun(
  server: UiServer,
  path: string,
  debug: Partial<DebugRun>,
  apiKey?: string,
  parameters: Record<string, unknown> = {},
): Promise<string> {
  const answer = await fetch(`${server.api}/flow-files/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ path, parameters, debug }),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { flowRunId: string }).flowRunId;
}

/** The names of the task runs of a flow run that the store holds at a breakpoint. */
async function stoppedNames(server: UiServer, flowRunId: string): Promise<string[]> {
  return (await server.store.listTaskRuns(flowRunId)).filter((run) => run.state.name === 'Breakpoint').map((run) => run.name);
}

async function resultOf(server: UiServer, flowRunId: string): Promise<string | null> {
  return (await server.store.getFlowRun(flowRunId))?.result ?? null;
}

describe('a debug run on its page', () => {
  const suite = useUiSuite();

  it('highlights the stopped task run with its inputs; edited inputs are checked, then stepped with; F5 continues to the end', async () => {
    suite.server.writeFile('three.ts', THREE_STEPS);
    const flowRunId = await startDebugRun(suite.server, 'three.ts', { breakpoints: ['double'] });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;

    // The second node stands out; the header counts it.
    const stoppedNode = page.locator('.fd-run-node.is-breakpoint');
    await expect.poll(() => stoppedNode.locator('.fd-node-name').allInnerTexts(), { timeout: 90_000 }).toEqual(['double-0']);
    expect(await page.locator('.fd-run-node .fd-node-name').allInnerTexts()).toEqual(['add-0', 'double-0']);
    expect(await page.getByTestId('stopped-count').innerText()).toBe('1 task run at a breakpoint');
    await stoppedNode.click();
    const panel = page.getByTestId('breakpoint-panel');
    await expect.poll(() => panel.getByTestId('bp-inputs').innerText(), WAIT).toBe('[\n  3\n]');
    expect(await panel.getByTestId('bp-reason').innerText()).toBe("stopped at a breakpoint on task 'double'");

    // What does not parse, or does not fit the call, says why and sends nothing.
    await panel.getByTestId('bp-edit-inputs').click();
    const editor = panel.getByTestId('bp-editor-text');
    expect(await editor.inputValue()).toBe('[\n  3\n]');
    await editor.fill('[10');
    await panel.getByTestId('bp-edit-step').click();
    await expect.poll(() => panel.getByTestId('bp-editor-error').innerText(), WAIT).toMatch(/^The inputs: not JSON: /);
    await editor.fill('[10, 11]');
    await panel.getByTestId('bp-edit-step').click();
    await expect
      .poll(() => panel.getByTestId('bp-editor-error').innerText(), WAIT)
      .toBe('The task was called with 1 argument; the inputs give 2 arguments');
    // What only the server can tell is refused by it, and its words are shown under the editor.
    await editor.fill(`[${'['.repeat(70)}10${']'.repeat(70)}]`);
    await panel.getByTestId('bp-edit-step').click();
    await expect.poll(() => panel.getByTestId('bp-editor-error').innerText(), WAIT).toContain('nested deeper than 64 levels');
    expect(await panel.getByTestId('bp-edit-step').innerText()).toBe('Step with these inputs');
    const doubleRun = (await suite.server.store.listTaskRuns(flowRunId)).find((run) => run.taskKey === 'double')!;
    expect((await suite.server.store.listStates(doubleRun.id)).map((s) => s.name)).toEqual(['Pending', 'Breakpoint']);

    // F10 in the editor steps with what it holds.
    await editor.fill('[10]');
    await editor.press('F10');
    // It ran with 10, and the run stopped before show.
    await expect.poll(() => page.getByTestId('task-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    await expect.poll(() => page.getByTestId('task-result').innerText(), WAIT).toBe('20');
    await expect.poll(() => stoppedNames(suite.server, flowRunId), { timeout: 90_000 }).toEqual(['show-0']);
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint .fd-node-name').allInnerTexts(), WAIT).toEqual(['show-0']);
    expect(await suite.server.store.listTaskRuns(flowRunId).then((runs) => runs.map((run) => run.name))).toEqual(['add-0', 'double-0', 'show-0']);

    await page.getByTestId('stopped-run').click();
    await expect.poll(() => panel.getByTestId('bp-reason').innerText(), WAIT).toBe('stopped at a step');
    await expect.poll(() => panel.getByTestId('bp-inputs').innerText(), WAIT).toBe('[\n  20\n]');
    // F5 continues, rather than reloading the page.
    await page.evaluate(() => ((globalThis as unknown as { stillHere: boolean }).stillHere = true));
    await page.keyboard.press('F5');
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await resultOf(suite.server, flowRunId)).toContain('value 20');
    await page.getByRole('tab', { name: 'Details' }).click();
    await expect.poll(() => page.getByTestId('run-result').innerText(), WAIT).toContain('value 20');
    expect(await page.getByTestId('stopped-count').count()).toBe(0);
    // The browser reports the refused edit itself; nothing else went wrong.
    expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('stops a failure with its error; Run again with fixed inputs completes', async () => {
    suite.server.writeFile(
      'parse.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const parse = task({ name: 'parse' }, (text: string) => (JSON.parse(text) as { n: number }).n);",
        '',
        "export default flow({ name: 'parses' }, async () => parse('{\"n\": oops}'));",
        '',
      ].join('\n'),
    );
    const flowRunId = await startDebugRun(suite.server, 'parse.ts', { breakOnFailure: true });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint').count(), { timeout: 90_000 }).toBe(1);
    await page.getByTestId('stopped-run').click();
    const panel = page.getByTestId('breakpoint-panel');
    await expect.poll(() => panel.getByTestId('bp-error').innerText(), WAIT).toContain('SyntaxError');
    expect(await panel.getByTestId('bp-reason').innerText()).toMatch(/^stopped at its failure: /);
    // A failure is run again or let fail; it is not continued past, stepped or skipped.
    expect(await panel.getByTestId('bp-let-fail').count()).toBe(1);
    expect(await panel.getByTestId('bp-continue').count()).toBe(0);
    expect(await panel.getByTestId('bp-skip').count()).toBe(0);

    await panel.getByTestId('bp-edit-inputs').click();
    await panel.getByTestId('bp-editor-text').fill('["{\\"n\\": 5}"]');
    await panel.getByTestId('bp-edit-continue').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await resultOf(suite.server, flowRunId)).toBe('5');
    await expect.poll(() => page.getByTestId('task-result').innerText(), WAIT).toBe('5');
    expect(ui.errors).toEqual([]);
  });

  it("shows a map's stopped task runs as one group, and Continue all completes them", async () => {
    suite.server.writeFile(
      'squares.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const square = task({ name: 'square' }, (x: number) => x * x);",
        '',
        "export default flow({ name: 'squares' }, async () => (await square.map([1, 2, 3, 4, 5]).result()).reduce((a, b) => a + b, 0));",
        '',
      ].join('\n'),
    );
    const flowRunId = await startDebugRun(suite.server, 'squares.ts', { breakpoints: ['square'] });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(async () => (await stoppedNames(suite.server, flowRunId)).length, { timeout: 90_000 }).toBe(5);
    const groupNode = page.locator('.fd-run-group.is-breakpoint');
    await expect.poll(() => groupNode.locator('.fd-group-stopped').innerText(), WAIT).toBe('5 stopped here');
    await expect.poll(() => page.getByTestId('stopped-count').innerText(), WAIT).toBe('5 task runs at breakpoints');
    // One prompt for the five, none of its own for each.
    const groups = page.getByTestId('bp-group');
    expect(await groups.count()).toBe(1);
    expect(await groups.getByTestId('bp-group-count').innerText()).toBe('5 stopped here');
    expect(await page.getByTestId('stopped-run').count()).toBe(0);
    await groups.getByTestId('bp-continue-all').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await resultOf(suite.server, flowRunId)).toBe('55');
    expect(ui.errors).toEqual([]);
  });

  it('skips with a result given as JSON; skipped and pinned runs look completed, with a mark', async () => {
    suite.server.writeFile('three.ts', THREE_STEPS);
    const flowRunId = await startDebugRun(suite.server, 'three.ts', { breakpoints: ['add'], pins: { show: 'shown by its pin' } });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint').count(), { timeout: 90_000 }).toBe(1);
    await page.getByTestId('stopped-run').click();
    const panel = page.getByTestId('breakpoint-panel');
    await panel.getByTestId('bp-skip').click();
    const editor = panel.getByTestId('bp-editor-text');
    await editor.fill('seven');
    await panel.getByTestId('bp-skip-send').click();
    await expect.poll(() => panel.getByTestId('bp-editor-error').innerText(), WAIT).toMatch(/^The result: not JSON: /);
    await editor.fill('7');
    await panel.getByTestId('bp-skip-send').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await resultOf(suite.server, flowRunId)).toContain('shown by its pin');
    const nodes = page.locator('.fd-run-node');
    await expect
      .poll(() => nodes.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-state')} ${el.getAttribute('data-debug') ?? '-'}`)), WAIT)
      .toEqual(['COMPLETED skipped', 'COMPLETED -', 'COMPLETED pinned']);
    expect(await page.locator('.fd-run-node .fd-debug-mark').allInnerTexts()).toEqual(['skipped', 'pinned']);
    expect(await page.getByTestId('task-result').innerText()).toBe('7');
    expect(await page.getByTestId('task-debug-note').innerText()).toContain('Skipped at a breakpoint');
    const double = (await suite.server.store.listTaskRuns(flowRunId)).find((run) => run.taskKey === 'double')!;
    expect(double.result).toBe('14');
    expect(ui.errors).toEqual([]);
  });

  it('stops the flow run from a breakpoint after asking', async () => {
    suite.server.writeFile('three.ts', THREE_STEPS);
    const flowRunId = await startDebugRun(suite.server, 'three.ts', { breakpoints: ['add'] });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint').count(), { timeout: 90_000 }).toBe(1);
    await page.getByTestId('stopped-run').click();
    const panel = page.getByTestId('breakpoint-panel');
    await panel.getByTestId('bp-stop').click();
    const dialog = page.getByRole('dialog', { name: 'Stop the flow run?' });
    await dialog.getByRole('button', { name: 'Keep it stopped here' }).click();
    expect(await dialog.count()).toBe(0);
    expect(await stoppedNames(suite.server, flowRunId)).toEqual(['add-0']);
    await panel.getByTestId('bp-stop').click();
    await dialog.getByTestId('bp-stop-confirm').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Cancelled');
    expect(ui.errors).toEqual([]);
  });
});

describe('pausing a debug run as a whole', () => {
  const suite = useUiSuite();

  it('Pause all stops the next task run before it starts; Continue all lets the run go on', async () => {
    suite.server.writeFile('gated.ts', GATED);
    const gateFile = join(mkdtempSync(join(tmpdir(), 'flowdeck-gate-')), 'open');
    const flowRunId = await startDebugRun(suite.server, 'gated.ts', {}, undefined, { path: gateFile });
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('debug-run').innerText(), { timeout: 90_000 }).toBe('debug run');
    await expect
      .poll(async () => (await suite.server.store.listTaskRuns(flowRunId)).map((r) => r.state.name), { timeout: 90_000 })
      .toEqual(['Running']);
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect.poll(() => page.getByTestId('debug-run').innerText(), WAIT).toBe('debug run · paused');
    // Once the run's process has heard it, the task running now finishes and the next one stops.
    await expect
      .poll(async () => (await suite.server.store.listLogs(flowRunId)).some((line) => line.message.includes('the run was broken')), {
        timeout: 90_000,
      })
      .toBe(true);
    writeFileSync(gateFile, '');
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint .fd-node-name').allInnerTexts(), { timeout: 90_000 }).toEqual(['after-0']);
    await page.getByRole('button', { name: 'Continue all' }).click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await resultOf(suite.server, flowRunId)).toBe('2');
    expect(ui.errors).toEqual([]);
  });
});

describe('a debug run on the page of a server that wants an API key', () => {
  const KEY = 'debug-key-7';
  const suite = useUiSuite({ apiKey: KEY });

  it('answers the breakpoint with the key', async () => {
    suite.server.writeFile('three.ts', THREE_STEPS);
    const flowRunId = await startDebugRun(suite.server, 'three.ts', { breakpoints: ['double'] }, KEY);
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    const dialog = page.getByRole('dialog', { name: 'This server needs an API key' });
    await dialog.locator('#fd-api-key').fill(KEY);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.getByTestId('stopped-count').innerText(), { timeout: 90_000 }).toBe('1 task run at a breakpoint');
    // The page's first, keyless reads (its live stream's included) were refused; nothing after the key is.
    expect(ui.errors.filter((e) => !e.includes('status of 401') && !e.includes('HTTP Authentication failed'))).toEqual([]);
    const keyless = ui.errors.length;
    await page.getByTestId('stopped-run').click();
    const panel = page.getByTestId('breakpoint-panel');
    await expect.poll(() => panel.getByTestId('bp-inputs').innerText(), WAIT).toBe('[\n  3\n]');
    await panel.getByTestId('bp-continue').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await resultOf(suite.server, flowRunId)).toContain('value 6');
    expect(ui.errors.slice(keyless)).toEqual([]);
  });
});
