import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { connectHandles, dragKindOntoCanvas, editorText, node, replaceInEditor, useUiSuite, waitForRunState, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

describe('the builder, as a new user meets it', () => {
  it('builds a pipeline by drag and drop, shows its code, follows code edits, and runs it to Completed', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await expect.poll(() => page.locator('.fd-canvas-empty').innerText(), WAIT).toContain('no steps yet');

    // Three nodes from the palette, dropped down the canvas.
    await dragKindOntoCanvas(page, 'shellCommand', { x: 160, y: 80 });
    await dragKindOntoCanvas(page, 'transform', { x: 160, y: 240 });
    await dragKindOntoCanvas(page, 'writeFile', { x: 160, y: 400 });
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(3);
    await page.keyboard.press('Escape');

    await connectHandles(page, 'runCommand', 'transformData', 'value');
    await connectHandles(page, 'transformData', 'writeOutput', 'content');
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(2);

    // The code says what the canvas shows, as a person would write it.
    const code = await editorText(page);
    expect(code).toContain("import { shellCommand, transform, writeFile } from 'flowdeck/tasks';");
    expect(code).toContain('const runCommand = shellCommand.withOptions(');
    expect(code).toMatch(/await transformData\(runCommandResult, \(value\) => value\)/);
    expect(code).toMatch(/await writeOutput\(\{ path: 'output\.txt', content: \w+ \}\)/);
    expect(await page.getByTestId('doc-name').innerText()).toContain('●');

    // Edit the code; the canvas follows: the renamed step, its connections kept.
    await replaceInEditor(page, 'transformData', 'extractText');
    await replaceInEditor(page, '(value) => value)', '(value) => value.stdout.trim())');
    await node(page, 'extractText').waitFor();
    await expect.poll(() => node(page, 'transformData').count(), WAIT).toBe(0);
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(2);
    expect(await editorText(page)).toContain('value.stdout.trim()');

    // Save (the first save asks where), then run.
    await page.keyboard.press('Control+S');
    await page.locator('#fd-save-path').fill('pipeline.ts');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('pipeline.ts');
    expect(existsSync(join(suite.server.workspace, 'pipeline.ts'))).toBe(true);
    expect(suite.server.readFile('pipeline.ts')).toContain('extractText');
    expect(JSON.parse(suite.server.readFile('pipeline.flowdeck.json')).nodes).toHaveProperty('extractText');

    await page.getByTestId('run-button').click();
    await page.getByTestId('start-run').click();
    await waitForRunState(ui, suite.server, 'Completed');
    // The nodes' states come with the read that follows the run's last state, a moment after it.
    const states = () =>
      page.locator('.fd-node').evaluateAll((nodes) =>
        nodes
          .map((n) => {
            const data = (n as unknown as { dataset: Record<string, string> }).dataset;
            return `${data.nodeId}:${data.state}`;
          })
          .sort(),
      );
    await expect.poll(states, WAIT).toEqual(['extractText:COMPLETED', 'runCommand:COMPLETED', 'writeOutput:COMPLETED']);
    await expect.poll(() => page.locator('.fd-node-state').allInnerTexts(), WAIT).toEqual(['Completed', 'Completed', 'Completed']);
    // The flow ran for real: the shell's output went through the transform into the file.
    expect(suite.server.readFile('output.txt')).toBe('hello');

    await page.screenshot({ path: join(suite.server.home, 'builder.png') });
    expect(ui.errors).toEqual([]);
  });

  it('opens a workspace file, edits it on the canvas, saves it, and the file on disk changes', async () => {
    suite.server.writeFile(
      'flows/greet.ts',
      [
        '// Says hello.',
        "import { flow } from 'flowdeck';",
        "import { notify } from 'flowdeck/tasks';",
        '',
        "const sayHello = notify.withOptions({ name: 'say-hello' });",
        '',
        "export default flow({ name: 'greet' }, async () => {",
        "  await sayHello({ message: 'Hello' });",
        '});',
        '',
      ].join('\n'),
    );
    const before = statSync(join(suite.server.workspace, 'flows/greet.ts')).mtimeMs;
    const ui = await suite.open();
    const { page } = ui;

    await page.getByRole('button', { name: 'Open…' }).click();
    await page.locator('.fd-file[data-path="flows/greet.ts"]').click();
    await node(page, 'sayHello').waitFor();
    expect(await page.getByTestId('doc-name').innerText()).toBe('flows/greet.ts');

    // Select the node and change its message in the side panel.
    await node(page, 'sayHello').click();
    const message = page.getByTestId('inspector').locator('[data-field="message"] textarea');
    await message.fill('Hello from the builder');
    await message.blur();
    await expect.poll(() => editorText(page), WAIT).toContain("message: 'Hello from the builder'");
    expect(await page.getByTestId('doc-name').innerText()).toContain('●');

    await page.keyboard.press('Control+S');
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('flows/greet.ts');
    const saved = suite.server.readFile('flows/greet.ts');
    expect(saved).toContain("await sayHello({ message: 'Hello from the builder' });");
    // Everything else stays as it was written, the comment included.
    expect(saved.startsWith('// Says hello.\n')).toBe(true);
    expect(statSync(join(suite.server.workspace, 'flows/greet.ts')).mtimeMs).toBeGreaterThanOrEqual(before);
    expect(JSON.parse(suite.server.readFile('flows/greet.flowdeck.json')).nodes).toHaveProperty('sayHello');
    expect(ui.errors).toEqual([]);
  });

  it('refuses to overwrite a file that changed on disk since it was opened, unless told to', async () => {
    suite.server.writeFile('race.ts', "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'race' }, async () => {\n  return 1;\n});\n");
    const ui = await suite.open();
    const { page } = ui;
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.locator('.fd-file[data-path="race.ts"]').click();
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('race.ts');

    await page.locator('.fd-palette [data-kind="notify"]').click();
    await node(page, 'sendNotification').waitFor();
    // Someone else changes the file meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 20));
    suite.server.writeFile('race.ts', "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'race' }, async () => {\n  return 2;\n});\n");

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'race.ts changed on disk' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('race.ts changed on disk since you opened it');
    expect(await dialog.innerText()).not.toContain('expectedModifiedAt');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(suite.server.readFile('race.ts')).toContain('return 2;');

    // Reload from disk: what the other side wrote is shown, the edits are dropped.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Reload from disk' }).click();
    await expect.poll(() => editorText(page), WAIT).toContain('return 2;');
    expect(await editorText(page)).not.toContain('sendNotification');
    expect(await page.getByTestId('doc-name').innerText()).toBe('race.ts');

    // Edited again while the file changes again: Overwrite wins.
    await page.locator('.fd-palette [data-kind="notify"]').click();
    await node(page, 'sendNotification').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 20));
    suite.server.writeFile('race.ts', "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'race' }, async () => {\n  return 3;\n});\n");
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByRole('button', { name: 'Overwrite' }).click();
    await expect.poll(() => suite.server.readFile('race.ts'), WAIT).toContain('sendNotification');
    // The refusals are answers the UI expects, not errors; anything else would be.
    expect(ui.errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
  });
});
