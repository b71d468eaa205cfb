import { expect, it, vi } from 'vitest';
import { useUiSuite, waitForRunState, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite({ apiKey: 'team-key-42' });

it('asks for the API key of a server that wants one, then works with it, the live stream included', async () => {
  const ui = await suite.open();
  const { page } = ui;
  const dialog = page.getByRole('dialog', { name: 'This server needs an API key' });
  await dialog.waitFor();
  expect(await page.getByTestId('server-status').innerText()).toContain('needs a key');
  await dialog.locator('#fd-api-key').fill('team-key-42');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await page.waitForSelector('body[data-ready=true]');
  await expect.poll(() => page.getByTestId('server-status').innerText(), WAIT).toMatch(/v\d+\.\d+\.\d+/);

  suite.server.writeFile(
    'keyed.ts',
    "import { flow, task } from 'flowdeck';\n\nconst one = task({ name: 'one' }, async () => 1);\n\nexport default flow({ name: 'keyed' }, async () => {\n  return await one();\n});\n",
  );
  await page.goto(`${suite.server.url}?file=keyed.ts`);
  await page.locator('.react-flow__node[data-id="one"]').waitFor();
  await page.getByTestId('run-button').click();
  await page.getByTestId('start-run').click();
  await waitForRunState(ui, suite.server, 'Completed');
  await expect.poll(() => page.locator('.fd-node[data-node-id="one"]').getAttribute('data-state'), WAIT).toBe('COMPLETED');
  // Only the first, keyless request was refused.
  expect(ui.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
});
