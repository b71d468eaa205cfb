// Run to here and Run from here on a node of the builder: a debug run that stops once the node
// completes, and the last run again from a node's task run, each followed on the canvas; and Retry
// of a failed run from the run panel.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { node, THREE_TASKS_FLOW, useUiSuite, WAIT, waitForRunState } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const suite = useUiSuite();

// The second task fails until `fixed.ok` exists in the workspace; each task notes that it ran.
const FAILS_UNTIL_FIXED = [
  "import { appendFileSync, existsSync } from 'node:fs';",
  "import { flow, task } from 'flowdeck';",
  '',
  "const ran = (name: string) => appendFileSync('builder-executions.log', `${name}\\n`);",
  "const load = task({ name: 'load-rows' }, async () => { ran('load'); return [1, 2, 3]; });",
  "const double = task({ name: 'double-rows' }, async (rows: number[]) => {",
  "  ran('double');",
  "  if (!existsSync('fixed.ok')) throw new Error('not fixed yet');",
  '  return rows.map((n) => n * 2);',
  '});',
  "const total = task({ name: 'sum-rows' }, async (rows: number[]) => { ran('sum'); return rows.reduce((a, b) => a + b, 0); });",
  '',
  "export default flow({ name: 'fails-until-fixed' }, async () => {",
  '  const rows = await load();',
  '  const doubled = await double(rows);',
  '  return await total(doubled);',
  '});',
  '',
].join('\n');

describe('running to and from a node in the builder', () => {
  it('stops a debug run once the node completes, then runs the finished run again from a later node', async () => {
    suite.server.writeFile('reruns/three.ts', THREE_TASKS_FLOW);
    const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent('reruns/three.ts')}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('reruns/three.ts');
    await node(page, 'double').click();
    const inspector = page.getByTestId('inspector');
    // Nothing has run: there is nothing to run again from.
    expect(await inspector.getByTestId('run-from-here').isDisabled()).toBe(true);
    expect(await inspector.getByTestId('run-from-here-note').innerText()).toBe(
      'Run the flow first: Run from here goes again from this step of the last run.',
    );

    // Run to here: a debug run that breaks as a whole after the second node.
    await inspector.getByTestId('run-to-here').click();
    await page.getByRole('dialog', { name: 'Debug the flow' }).getByTestId('start-run').click();
    await expect.poll(() => node(page, 'total').locator('.fd-node').getAttribute('data-run-name'), { timeout: 90_000 }).toBe('Breakpoint');
    expect(await node(page, 'double').getByTestId('node-state').innerText()).toBe('Completed');
    expect(await node(page, 'load').getByTestId('node-state').innerText()).toBe('Completed');
    await expect.poll(() => inspector.getByTestId('node-outputs').innerText(), WAIT).toContain('6');
    const [first] = await suite.server.store.listFlowRuns();
    expect((await suite.server.store.getFlowRun(first.id))?.debug?.stopAfter ?? null).toEqual(['double-rows']);
    // While it is stopped it is not finished.
    await node(page, 'total').click();
    expect(await inspector.getByTestId('run-from-here-note').innerText()).toBe('The last run is not finished yet.');

    const answer = await fetch(`${suite.server.api}/flow-runs/${first.id}/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(200);
    await waitForRunState(ui, suite.server, 'Completed');
    expect((await suite.server.store.getFlowRun(first.id))?.result).toBe('12');

    // Run from here on the last node: a new run, linked to the first, that reuses the first two.
    await expect.poll(() => inspector.getByTestId('run-from-here').isDisabled(), WAIT).toBe(false);
    await inspector.getByTestId('run-from-here').click();
    await expect.poll(async () => (await suite.server.store.listFlowRuns()).length, WAIT).toBe(2);
    const second = (await suite.server.store.listFlowRuns()).find((run) => run.id !== first.id)!;
    await expect.poll(async () => (await suite.server.store.getFlowRun(second.id))?.state.type, { timeout: 90_000 }).toBe('COMPLETED');
    await waitForRunState(ui, suite.server, 'Completed');
    expect((await suite.server.store.getFlowRun(second.id))?.rerunOf?.flowRunId).toBe(first.id);
    const states = Object.fromEntries((await suite.server.store.listTaskRuns(second.id)).map((run) => [run.name, run.state.name]));
    expect(states).toEqual({ 'load-rows-0': 'Cached', 'double-rows-0': 'Cached', 'sum-rows-0': 'Completed' });
    await expect.poll(() => node(page, 'load').getByTestId('node-state').innerText(), WAIT).toBe('Cached');
    expect(await node(page, 'total').getByTestId('node-state').innerText()).toBe('Completed');
    expect(ui.errors).toEqual([]);
  });

  it('retries a failed run from the run panel in one click, reusing what completed', async () => {
    suite.server.writeFile('reruns/fails.ts', FAILS_UNTIL_FIXED);
    const executions = () => {
      const path = join(suite.server.workspace, 'builder-executions.log');
      return existsSync(path) ? suite.server.readFile('builder-executions.log').trim().split('\n') : [];
    };
    const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent('reruns/fails.ts')}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('reruns/fails.ts');
    await page.getByTestId('run-button').click();
    await page.getByRole('dialog', { name: 'Run the flow' }).getByTestId('start-run').click();
    await waitForRunState(ui, suite.server, 'Failed');
    expect(executions()).toEqual(['load', 'double']);

    suite.server.writeFile('fixed.ok', 'yes');
    await page.getByTestId('builder-retry').click();
    await waitForRunState(ui, suite.server, 'Completed');
    expect(executions()).toEqual(['load', 'double', 'double', 'sum']);
    await expect.poll(() => node(page, 'load').getByTestId('node-state').innerText(), WAIT).toBe('Cached');
    expect(await node(page, 'total').getByTestId('node-state').innerText()).toBe('Completed');
    expect(await page.getByTestId('run-result').innerText()).toContain('12');
    const [run] = await suite.server.store.listFlowRuns();
    expect(run.runCount).toBe(2);
    expect((await suite.server.store.listStates(run.id)).map((state) => state.message).filter(Boolean)).toContain(
      'retried from the UI, reusing completed tasks',
    );
    // A run that completed offers no retry.
    expect(await page.getByTestId('builder-retry').count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});
