import { describe, expect, it, vi } from 'vitest';
import { startFileRun, useUiSuite, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function stateOf(flowRunId: string): Promise<string> {
  return (await suite.server.store.getFlowRun(flowRunId))?.state.type ?? 'none';
}

describe('a paused run on its page', () => {
  it('shows the reason and a form for the input; the server refuses what does not fit by the field; Enter resumes', async () => {
    suite.server.writeFile(
      'approval.ts',
      [
        "import { flow, pauseFlowRun } from 'flowdeck';",
        "import { z } from 'zod';",
        '',
        "export default flow({ name: 'needs-approval' }, async () => {",
        '  const answer = await pauseFlowRun({',
        "    reason: 'approve the nightly load',",
        '    input: z.object({ approver: z.string().min(3), rows: z.number().int().min(1), urgent: z.boolean().default(false) }),',
        '  });',
        "  return `${answer.approver} approved ${answer.rows} rows${answer.urgent ? ' urgently' : ''}`;",
        '});',
        '',
      ].join('\n'),
    );
    // The page is open before the run pauses, as a person watching it would have it: the pause comes live.
    const flowRunId = await startFileRun(suite.server, 'approval.ts');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => stateOf(flowRunId), { timeout: 90_000 }).toBe('PAUSED');
    const panel = page.getByTestId('pause-panel');
    await expect.poll(() => panel.getByTestId('pause-reason').innerText(), WAIT).toContain('approve the nightly load');
    const form = page.getByTestId('pause-form');
    await form.locator('#fd-pause-approver').waitFor(WAIT);
    expect(
      await form.locator('[data-field]').evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { field: string } }).dataset.field)),
    ).toEqual(['approver', 'rows', 'urgent']);

    // The form itself asks for what is required; the server says what does not fit, by the field.
    await form.locator('#fd-pause-approver').fill('al');
    await form.locator('#fd-pause-rows').press('Enter');
    await expect.poll(() => form.locator('[data-field=rows] .fd-field-error').innerText(), WAIT).toBe('Rows is required');
    await form.locator('#fd-pause-rows').fill('250');
    await form.locator('#fd-pause-rows').press('Enter');
    await expect.poll(() => form.locator('[data-field=approver] .fd-field-error').innerText(), WAIT).toBe('must be at least 3 characters long');
    expect(await form.locator('[data-field=rows] .fd-field-error').count()).toBe(0);
    expect(await stateOf(flowRunId)).toBe('PAUSED');
    expect(await page.getByTestId('flow-run-state').innerText()).toBe('Paused');

    await form.locator('#fd-pause-approver').fill('ada');
    await form.locator('#fd-pause-urgent').check();
    await form.locator('#fd-pause-approver').press('Enter');
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(await panel.count()).toBe(0);
    expect((await suite.server.store.getFlowRun(flowRunId))!.result).toContain('ada approved 250 rows urgently');
    await page.getByRole('tab', { name: 'Details' }).click();
    await expect.poll(() => page.getByTestId('run-result').innerText(), WAIT).toContain('ada approved 250 rows urgently');
    // The browser reports the refused resume itself; nothing else went wrong.
    expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });

  it('resumes a pause that takes no input with its Resume button alone', async () => {
    suite.server.writeFile(
      'look.ts',
      [
        "import { flow, pauseFlowRun } from 'flowdeck';",
        '',
        "export default flow({ name: 'look-first' }, async () => {",
        "  await pauseFlowRun({ reason: 'look at the chart' });",
        "  return 'looked';",
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'look.ts');
    await expect.poll(() => stateOf(flowRunId), { timeout: 90_000 }).toBe('PAUSED');

    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('pause-reason').innerText(), WAIT).toContain('look at the chart');
    expect(await page.getByTestId('pause-form').locator('[data-field]').count()).toBe(0);
    await page.getByTestId('resume-run').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect((await suite.server.store.getFlowRun(flowRunId))!.result).toContain('looked');
    expect(ui.errors).toEqual([]);
  });
});
