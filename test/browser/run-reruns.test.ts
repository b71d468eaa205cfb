import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startFileRun, useUiSuite, WAIT, waitForRunState } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

// Five chained tasks; each notes that it ran. The fourth fails until the file is fixed (FIXED).
const CHAIN = [
  "import { appendFileSync } from 'node:fs';",
  "import { flow, task } from 'flowdeck';",
  '',
  "const ran = (name: string) => appendFileSync('executions.log', `${name}\\n`);",
  "const one = task({ name: 'one' }, () => { ran('one'); return 1; });",
  "const two = task({ name: 'two' }, (x: number) => { ran('two'); return x + 1; });",
  "const three = task({ name: 'three' }, (x: number) => { ran('three'); return x + 1; });",
  "const four = task({ name: 'four' }, (x: number) => {",
  "  ran('four');",
  "  if (x > 0) throw new Error('four is not ready');",
  '  return x + 1;',
  '});',
  "const five = task({ name: 'five' }, (x: number) => { ran('five'); return x * 10; });",
  '',
  "export default flow({ name: 'chain' }, async () => five(await four(await three(await two(await one())))));",
  '',
].join('\n');
const FIXED = CHAIN.replace("  if (x > 0) throw new Error('four is not ready');\n", '');

const suite = useUiSuite();

async function finalState(flowRunId: string): Promise<string> {
  return (await suite.server.store.getFlowRun(flowRunId))?.state.type ?? 'none';
}

/** Which tasks ran, in order, as the flow wrote them down. */
function executions(): string[] {
  const path = join(suite.server.workspace, 'executions.log');
  return existsSync(path) ? suite.server.readFile('executions.log').trim().split('\n') : [];
}

describe('re-runs on the run page', () => {
  it('retries reusing tasks 1-3, keeps the attempts apart, and runs again from task 3 with an edited input as a linked run', async () => {
    suite.server.writeFile('chain.ts', CHAIN);
    const flowRunId = await startFileRun(suite.server, 'chain.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('FAILED');
    expect(executions()).toEqual(['one', 'two', 'three', 'four']);
    const original = (await suite.server.store.getFlowRun(flowRunId))!;

    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Failed');
    // One attempt: nothing to pick between.
    await expect.poll(() => page.locator('.fd-run-node').count(), WAIT).toBe(4);
    expect(await page.getByTestId('attempt-bar').count()).toBe(0);

    // Fixed; Retry reuses what completed.
    suite.server.writeFile('chain.ts', FIXED);
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await waitForRunState(ui, suite.server, 'Completed');
    expect(executions()).toEqual(['one', 'two', 'three', 'four', 'four', 'five']);

    // The latest attempt is shown, with why it began; tasks 1-3 reused, 4-5 ran.
    const picker = page.getByTestId('attempt-picker');
    await expect.poll(() => picker.inputValue(), WAIT).toBe('2');
    expect(await picker.locator('option:checked').innerText()).toBe('Attempt 2 of 2');
    await expect.poll(() => page.getByTestId('attempt-retry-message').innerText(), WAIT).toBe('retried from the UI, reusing completed tasks');
    await expect
      .poll(() => page.locator('.fd-run-node .fd-node-name').allInnerTexts(), WAIT)
      .toEqual(['one-0', 'two-0', 'three-0', 'four-0', 'five-0']);
    expect(await page.locator('.fd-run-node.is-reused .fd-node-name').allInnerTexts()).toEqual(['one-0', 'two-0', 'three-0']);
    expect(await page.locator('.fd-run-node.is-reused .fd-node-state').allInnerTexts()).toEqual(['Cached', 'Cached', 'Cached']);
    expect(await page.locator('.fd-run-node:not(.is-reused) .fd-node-state').allInnerTexts()).toEqual(['Completed', 'Completed']);

    // Each reused one says where its result came from.
    for (const name of ['one-0', 'two-0', 'three-0']) {
      await page.locator('.fd-run-node', { hasText: name }).click();
      await expect.poll(() => page.getByTestId('task-reused-from').innerText(), WAIT).toBe(`Result reused from task run ${name} (attempt 1)`);
    }
    const three = page.getByTestId('task-panel');
    expect(await three.getByTestId('task-result').innerText()).toBe('3');
    expect(await three.getByTestId('task-no-attempts').innerText()).toBe('It did not run: it reused a recorded result.');

    // Its link opens the task run that computed it, in attempt 1, which shows its own four task runs.
    await page.getByTestId('task-reused-link').click();
    await expect.poll(() => picker.inputValue(), WAIT).toBe('1');
    await expect.poll(() => page.getByTestId('task-state').innerText(), WAIT).toBe('Completed');
    expect(await page.getByTestId('task-reused-from').count()).toBe(0);
    const firstAttempt = (await suite.server.store.listTaskRuns(flowRunId)).filter((run) => run.flowRunAttempt === 1);
    expect(page.url()).toContain(firstAttempt.find((run) => run.name === 'three-0')!.id);
    await expect.poll(() => page.locator('.fd-run-node .fd-node-name').allInnerTexts(), WAIT).toEqual(['one-0', 'two-0', 'three-0', 'four-0']);
    expect(await page.locator('.fd-run-node .fd-node-state').allInnerTexts()).toEqual(['Completed', 'Completed', 'Completed', 'Failed']);
    expect(await page.getByTestId('attempt-retry-message').count()).toBe(0);

    // The timeline shows one attempt, or each under its own header.
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await expect.poll(() => page.locator('.fd-timeline-name').allInnerTexts(), WAIT).toEqual(['one-0', 'two-0', 'three-0', 'four-0']);
    await picker.selectOption('all');
    await expect
      .poll(() => page.locator('[data-testid=timeline] .fd-timeline-row').allInnerTexts(), WAIT)
      .toEqual([
        'Attempt 1 of 2',
        'one-0',
        'two-0',
        'three-0',
        'four-0',
        'Attempt 2 of 2 · retried from the UI, reusing completed tasks',
        'four-0',
        'five-0',
        'one-0\nCached',
        'two-0\nCached',
        'three-0\nCached',
      ]);

    // Run from here on task 3 of the latest attempt, with another input.
    await picker.selectOption('2');
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.locator('.fd-run-node', { hasText: 'three-0' }).click();
    await page.getByRole('button', { name: 'Run from here…' }).click();
    const form = page.getByTestId('run-from-form');
    const inputs = form.getByTestId('run-from-inputs');
    expect(await inputs.inputValue()).toBe('[\n  2\n]');
    // What is not a JSON array says why inline and sends nothing.
    const runsBefore = (await suite.server.store.listFlowRuns()).length;
    await inputs.fill('[20');
    await form.getByTestId('run-from-start').click();
    await expect.poll(() => form.getByTestId('run-from-error').innerText(), WAIT).toMatch(/^The inputs are not JSON: /);
    await inputs.fill('{"x": 20}');
    await form.getByTestId('run-from-start').click();
    await expect
      .poll(() => form.getByTestId('run-from-error').innerText(), WAIT)
      .toBe('The inputs must be a JSON array of the arguments, in their order, e.g. [1, "two"]');
    expect((await suite.server.store.listFlowRuns()).length).toBe(runsBefore);
    expect(await inputs.inputValue()).toBe('{"x": 20}');

    // What only the server can tell, it refuses, and its words are shown in the form, which keeps what was typed.
    await inputs.fill('[20, 21]');
    await form.getByTestId('run-from-start').click();
    await expect.poll(() => form.getByTestId('run-from-error').innerText(), WAIT).toMatch(/argument/);
    await inputs.fill('[20]');
    expect((await suite.server.store.listFlowRuns()).length).toBe(runsBefore);
    await form.getByLabel('The file as it is now').check();
    await form.getByTestId('run-from-start').click();
    await expect.poll(() => page.url(), WAIT).not.toContain(flowRunId);
    const newRunId = /#\/runs\/([^/?]+)/.exec(page.url())![1];
    await waitForRunState(ui, suite.server, 'Completed');
    const newRun = (await suite.server.store.getFlowRun(newRunId))!;
    expect(newRun.result).toBe('220');
    expect(executions().slice(6)).toEqual(['three', 'four', 'five']);

    // The new run links to the original; 1-2 reused, 3-5 ran with the new input.
    const rerunOf = page.getByTestId('rerun-of');
    await expect.poll(() => rerunOf.innerText(), WAIT).toBe(`Run again from task three-0 of run ${original.name}`);
    expect(await page.getByTestId('attempt-bar').count()).toBe(0);
    await expect.poll(() => page.locator('.fd-run-node.is-reused .fd-node-name').allInnerTexts(), WAIT).toEqual(['one-0', 'two-0']);
    await expect
      .poll(() => page.locator('.fd-run-node:not(.is-reused) .fd-node-name').allInnerTexts(), WAIT)
      .toEqual(['three-0', 'four-0', 'five-0']);
    await page.locator('.fd-run-node', { hasText: 'three-0' }).click();
    await expect.poll(() => page.getByTestId('task-inputs').innerText(), WAIT).toBe('[\n  20\n]');
    expect(await page.getByTestId('task-result').innerText()).toBe('21');
    await page.locator('.fd-run-node', { hasText: 'one-0' }).click();
    await expect
      .poll(() => page.getByTestId('task-reused-from').innerText(), WAIT)
      .toBe(`Result reused from task run one-0 (attempt 1) of flow run ${original.name}`);

    // The original lists it.
    await rerunOf.getByRole('link').click();
    await expect.poll(() => page.url(), WAIT).toContain(flowRunId);
    const reruns = page.getByTestId('reruns');
    await expect.poll(() => reruns.getByRole('link').allInnerTexts(), WAIT).toEqual([newRun.name]);
    expect(await reruns.locator('.fd-run-badge').innerText()).toBe('Completed');
    expect(await reruns.innerText()).toContain('from task three-0');
    await reruns.getByRole('link').click();
    await expect.poll(() => page.url(), WAIT).toContain(newRunId);

    // With the code of the original run, task 3 runs with the new input and the unfixed task 4 fails again.
    await page.goto(`${suite.server.url}#/runs/${flowRunId}`);
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Completed');
    await page.locator('.fd-run-node', { hasText: 'three-0' }).click();
    await page.getByRole('button', { name: 'Run from here…' }).click();
    await page.getByTestId('run-from-inputs').fill('[20]');
    await page.getByTestId('run-from-form').getByLabel('The code of the original run').check();
    await page.getByTestId('run-from-form').getByTestId('run-from-start').click();
    await expect.poll(() => page.url(), WAIT).not.toContain(flowRunId);
    const originalCodeRunId = /#\/runs\/([^/?]+)/.exec(page.url())![1];
    await waitForRunState(ui, suite.server, 'Failed');
    expect(executions().slice(9)).toEqual(['three', 'four']);
    const asItWas = (await suite.server.store.getFlowRun(originalCodeRunId))!;
    expect(asItWas.codeRef).toBe(original.codeRef);
    expect(asItWas.rerunOf?.flowRunId).toBe(flowRunId);
    // The browser reports the refused request itself; nothing else went wrong.
    expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });

  it('offers Run from here only once the run is finished, and Retry all tasks runs every task again', async () => {
    suite.server.writeFile(
      'gated.ts',
      [
        "import { appendFileSync, existsSync } from 'node:fs';",
        "import { flow, task } from 'flowdeck';",
        '',
        "const gate = task({ name: 'gate' }, async () => {",
        "  appendFileSync('gated.log', 'gate\\n');",
        "  while (!existsSync('gate.open')) await new Promise((resolve) => setTimeout(resolve, 20));",
        '  return 1;',
        '});',
        "const flaky = task({ name: 'flaky' }, (x: number) => {",
        "  appendFileSync('gated.log', 'flaky\\n');",
        "  if (!existsSync('flaky.ok')) throw new Error('flaky is not ready');",
        '  return x + 1;',
        '});',
        '',
        "export default flow({ name: 'gated' }, async () => flaky(await gate()));",
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'gated.ts');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    const gateNode = page.locator('.fd-run-node', { hasText: 'gate-0' });
    await expect.poll(() => gateNode.getAttribute('data-state'), { timeout: 90_000 }).toBe('RUNNING');
    await gateNode.click();
    await expect.poll(() => page.getByTestId('run-from-refusal').innerText(), WAIT).toMatch(/^The run is not finished/);
    expect(await page.getByRole('button', { name: 'Run from here…' }).isDisabled()).toBe(true);

    suite.server.writeFile('gate.open', 'yes');
    await waitForRunState(ui, suite.server, 'Failed');
    // Finished, it can go again from here.
    await expect.poll(() => page.getByRole('button', { name: 'Run from here…' }).isDisabled(), WAIT).toBe(false);
    expect(await page.getByTestId('run-from-refusal').count()).toBe(0);

    suite.server.writeFile('flaky.ok', 'yes');
    const menu = page.getByTestId('retry-menu');
    await menu.click();
    // Escape closes the menu without retrying.
    await expect.poll(() => page.getByRole('menuitem', { name: /Retry all tasks/ }).count(), WAIT).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('menuitem').count(), WAIT).toBe(0);
    await menu.click();
    await page.getByRole('menuitem', { name: /Retry all tasks/ }).click();
    await waitForRunState(ui, suite.server, 'Completed');
    expect(suite.server.readFile('gated.log').trim().split('\n')).toEqual(['gate', 'flaky', 'gate', 'flaky']);
    await expect.poll(() => page.getByTestId('attempt-retry-message').innerText(), WAIT).toBe('retried from the UI, running every task again');
    await expect.poll(() => page.locator('.fd-run-node .fd-node-state').allInnerTexts(), WAIT).toEqual(['Completed', 'Completed']);
    expect(await page.locator('.fd-run-node.is-reused').count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});
