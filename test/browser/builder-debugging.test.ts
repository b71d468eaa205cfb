// Debugging a flow from the builder: breakpoints set on the canvas and in the code's margin, a
// pinned output, saved beside the flow, and a debug run that stops where they say.
import { describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskRun } from '../../app/core/runs.js';
import { editorText, node, THREE_TASKS_FLOW, useUiSuite, WAIT, waitForRunState } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function openFile(path: string, content: string) {
  suite.server.writeFile(path, content);
  const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent(path)}`);
  await expect.poll(() => ui.page.getByTestId('doc-name').innerText(), WAIT).toBe(path);
  return ui;
}

function dotIsSet(page: Page, id: string): Promise<string | null> {
  return node(page, id).getByTestId('breakpoint-dot').getAttribute('aria-pressed');
}

/** The glyphs in the code editor's margin that show a breakpoint, from the top of the code down. */
async function marginBreakpoints(page: Page) {
  const glyphs = page.locator('.monaco-editor .fd-glyph-breakpoint');
  const tops = await glyphs.evaluateAll((elements) =>
    elements.map((el) => (el as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top),
  );
  return tops.map((top, index) => ({ top, glyph: glyphs.nth(index) })).sort((a, b) => a.top - b.top);
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${suite.server.api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function taskRunNamed(flowRunId: string, taskName: string): Promise<TaskRun | undefined> {
  const { body } = await api<TaskRun[]>('GET', `/flow-runs/${flowRunId}/task-runs`);
  return body.find((run) => run.name.startsWith(`${taskName}-`) || run.name === taskName);
}

describe('debugging from the builder', () => {
  it('sets breakpoints on the canvas and in the code, pins an output, saves them beside the flow, and a debug run stops there', async () => {
    const ui = await openFile('debug/three.ts', THREE_TASKS_FLOW);
    const { page } = ui;
    await node(page, 'total').waitFor();

    // The second node by its dot, the third by F9 on the selected node.
    await node(page, 'double').getByTestId('breakpoint-dot').click();
    await node(page, 'total').click();
    await page.keyboard.press('F9');
    await expect.poll(() => dotIsSet(page, 'double'), WAIT).toBe('true');
    await expect.poll(() => dotIsSet(page, 'total'), WAIT).toBe('true');
    expect(await dotIsSet(page, 'load')).toBe('false');

    // The code's margin shows the same two; a click there clears the later one, and the canvas follows.
    await expect.poll(async () => (await marginBreakpoints(page)).length, WAIT).toBe(2);
    const [, last] = await marginBreakpoints(page);
    await last.glyph.click();
    await expect.poll(() => dotIsSet(page, 'total'), WAIT).toBe('false');
    await expect.poll(async () => (await marginBreakpoints(page)).length, WAIT).toBe(1);
    expect(await dotIsSet(page, 'double')).toBe('true');
    // Breakpoints live beside the code, never in it.
    expect(await editorText(page)).not.toMatch(/breakpoint/i);

    // Pin the third node's output: a value that is not JSON says why, a good one pins.
    await node(page, 'total').click();
    const inspector = page.getByTestId('inspector');
    await inspector.getByTestId('pin-output').click();
    await inspector.getByTestId('pin-json').fill('{oops');
    await inspector.getByTestId('pin-save').click();
    await expect.poll(() => inspector.getByTestId('pin-error').innerText(), WAIT).toMatch(/^The output is not valid JSON: /);
    await inspector.getByTestId('pin-json').fill('99');
    await inspector.getByTestId('pin-save').click();
    await inspector.getByTestId('pinned-output').waitFor();
    await node(page, 'total').getByTestId('node-pin').waitFor();

    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('debug/three.ts');
    const sidecar = JSON.parse(suite.server.readFile('debug/three.flowdeck.json'));
    expect(sidecar).toMatchObject({ version: 1, breakpoints: ['double'], pins: { total: 99 } });
    expect(Object.keys(sidecar.nodes).sort()).toEqual(['double', 'load', 'total']);
    expect(suite.server.readFile('debug/three.ts')).toBe(THREE_TASKS_FLOW);

    // Debug: the run stops before the second node, which the canvas shows paused.
    await page.getByTestId('break-on-failure').check();
    await page.getByTestId('debug-button').click();
    const dialog = page.getByRole('dialog', { name: 'Debug the flow' });
    await dialog.getByTestId('start-run').click();
    await expect.poll(() => node(page, 'double').locator('.fd-node').getAttribute('data-run-name'), { timeout: 90_000 }).toBe('Breakpoint');
    expect(await node(page, 'double').locator('.fd-node').getAttribute('class')).toContain('is-at-breakpoint');
    expect(await node(page, 'load').getByTestId('node-state').innerText()).toBe('Completed');

    const [flowRun] = await suite.server.store.listFlowRuns();
    const stopped = await taskRunNamed(flowRun.id, 'double-rows');
    expect(stopped).toBeDefined();
    const { body: atBreakpoint } = await api<TaskRun>('GET', `/task-runs/${stopped!.id}`);
    expect(atBreakpoint.state).toMatchObject({ type: 'PAUSED', name: 'Breakpoint' });

    // The paused node's panel leads to the run's page, where it is answered.
    await node(page, 'double').click();
    expect(await page.getByTestId('paused-run-link').getAttribute('href')).toContain(flowRun.id);

    expect((await api('POST', `/task-runs/${stopped!.id}/continue`, {})).status).toBe(200);
    await waitForRunState(ui, suite.server, 'Completed');
    await expect.poll(() => node(page, 'double').getByTestId('node-state').innerText(), WAIT).toBe('Completed');
    // The pinned node did not run: its run took the pin, and so did the flow's result.
    await expect.poll(() => node(page, 'total').getByTestId('node-state').innerText(), WAIT).toContain('Pinned');
    const pinned = await taskRunNamed(flowRun.id, 'sum-rows');
    expect(pinned?.state).toMatchObject({ type: 'COMPLETED', name: 'Pinned' });
    expect(await page.getByTestId('run-result').innerText()).toContain('99');

    // Run ignores breakpoints and pins.
    await page.getByTestId('run-button').click();
    await page.getByRole('dialog', { name: 'Run the flow' }).getByTestId('start-run').click();
    await expect.poll(async () => (await suite.server.store.listFlowRuns()).length, WAIT).toBe(2);
    await waitForRunState(ui, suite.server, 'Completed');
    await expect.poll(() => node(page, 'total').getByTestId('node-state').innerText(), WAIT).toBe('Completed');
    expect(await page.getByTestId('run-result').innerText()).toContain('12');

    // A node's result from the run shown can be pinned as it is.
    await node(page, 'double').click();
    await inspector.getByTestId('pin-last-result').click();
    await inspector.getByTestId('pinned-output').waitFor();
    await page.keyboard.press('Control+S');
    await expect.poll(() => JSON.parse(suite.server.readFile('debug/three.flowdeck.json')).pins, WAIT).toEqual({ double: [2, 4, 6], total: 99 });

    // Break on failure is remembered, as the other builder settings are.
    await page.reload();
    await page.locator('.monaco-editor .view-lines').waitFor();
    expect(await page.getByTestId('break-on-failure').isChecked()).toBe(true);
    expect(ui.errors).toEqual([]);
  });

  it('debugs from the builder to the run page: stopped at the second node with its inputs, edited, stepped, then continued to the end', async () => {
    const ui = await openFile('debug/steps.ts', THREE_TASKS_FLOW);
    const { page } = ui;
    await node(page, 'total').waitFor();
    await node(page, 'double').getByTestId('breakpoint-dot').click();
    await expect.poll(() => dotIsSet(page, 'double'), WAIT).toBe('true');
    await page.keyboard.press('Control+S');
    await expect.poll(() => JSON.parse(suite.server.readFile('debug/steps.flowdeck.json')).breakpoints, WAIT).toEqual(['double']);
    await page.getByTestId('debug-button').click();
    await page.getByRole('dialog', { name: 'Debug the flow' }).getByTestId('start-run').click();
    await expect.poll(() => node(page, 'double').locator('.fd-node').getAttribute('data-run-name'), { timeout: 90_000 }).toBe('Breakpoint');

    // The paused node's panel shows its inputs and leads to its run's page, with the stopped task run open.
    await node(page, 'double').click();
    await expect.poll(() => page.getByTestId('paused-inputs').innerText(), WAIT).toBe('[\n  [\n    1,\n    2,\n    3\n  ]\n]');
    await page.getByTestId('paused-run-link').click();
    const panel = page.getByTestId('breakpoint-panel');
    await expect.poll(() => panel.getByTestId('bp-inputs').innerText(), { timeout: 90_000 }).toBe('[\n  [\n    1,\n    2,\n    3\n  ]\n]');

    // Edit the input and step: the second task runs with it, and the run stops before the third.
    await panel.getByTestId('bp-edit-inputs').click();
    await panel.getByTestId('bp-editor-text').fill('[[5, 6]]');
    await panel.getByTestId('bp-edit-step').click();
    const [flowRun] = await suite.server.store.listFlowRuns();
    await expect.poll(async () => (await taskRunNamed(flowRun.id, 'sum-rows'))?.state.name, { timeout: 90_000 }).toBe('Breakpoint');
    const doubled = await taskRunNamed(flowRun.id, 'double-rows');
    expect(doubled?.state.name).toBe('Completed');
    expect(doubled?.result).toBe('[10,12]');
    const history = await suite.server.store.listStates(doubled!.id);
    expect(history.map((s) => s.message ?? s.name)).toContain('stepped with edited inputs: [[5,6]]');
    await expect.poll(() => page.locator('.fd-run-node.is-breakpoint .fd-node-name').allInnerTexts(), { timeout: 90_000 }).toEqual(['sum-rows-0']);

    // Continue: the run completes with what the edit made.
    await page.locator('.fd-run-node.is-breakpoint').click();
    await expect.poll(() => panel.getByTestId('bp-inputs').innerText(), WAIT).toBe('[\n  [\n    10,\n    12\n  ]\n]');
    await panel.getByTestId('bp-continue').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect((await suite.server.store.getFlowRun(flowRun.id))?.result).toBe('22');
    expect(ui.errors).toEqual([]);
  });
});
