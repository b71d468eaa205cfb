import { describe, expect, it, vi } from 'vitest';
import { useUiSuite, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function runToEnd(path: string): Promise<string> {
  const answer = await fetch(`${suite.server.api}/flow-files/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path, parameters: {} }),
  });
  const { flowRunId } = (await answer.json()) as { flowRunId: string };
  await expect.poll(async () => (await suite.server.store.getFlowRun(flowRunId))?.state.type, { timeout: 90_000 }).toMatch(/COMPLETED|FAILED/);
  return flowRunId;
}

describe('the dashboard', () => {
  it('says what ran, what failed and how each flow does, and follows new runs', async () => {
    suite.server.writeFile('ok.ts', "import { flow } from 'flowdeck';\nexport default flow({ name: 'nightly' }, async () => 1);\n");
    suite.server.writeFile(
      'bad.ts',
      "import { flow } from 'flowdeck';\nexport default flow({ name: 'fragile' }, async () => {\n  throw new Error('the source was empty');\n});\n",
    );
    const ui = await suite.open(`${suite.server.url}#/dashboard`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-success').innerText(), WAIT).toMatch(/No runs in this span/);
    expect(await page.getByTestId('running-now').innerText()).toContain('Nothing is running');

    await runToEnd('ok.ts');
    await runToEnd('ok.ts');
    const failed = await runToEnd('bad.ts');
    // The page reads again once runs change, without a reload.
    await expect.poll(() => page.getByTestId('total-COMPLETED').innerText(), WAIT).toMatch(/^2/);
    await expect.poll(() => page.getByTestId('total-FAILED').innerText(), WAIT).toMatch(/^1/);
    const flows = await page.getByTestId('flow-success').innerText();
    expect(flows).toMatch(/nightly\s+2\s+2\s+0\s+100%/);
    expect(flows).toMatch(/fragile\s+1\s+0\s+1\s+0%/);
    const failures = page.getByTestId('recent-failures');
    expect(await failures.innerText()).toContain('the source was empty');
    expect(await page.locator('[data-testid=runs-chart] rect').count()).toBeGreaterThanOrEqual(2);

    await failures.getByRole('link').first().click();
    await expect.poll(() => page.url(), WAIT).toContain(`#/runs/${failed}`);
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Failed');
    expect(ui.errors).toEqual([]);
  });
});
