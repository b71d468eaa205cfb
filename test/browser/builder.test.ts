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

    // The code says what the canvas shows, as a person would write it; the editor paints the last
    // edit a moment after the canvas draws its edge.
    await expect.poll(() => editorText(page), WAIT).toMatch(/await writeOutput\(\{ path: 'output\.txt', content: \w+ \}\)/);
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

/** A file of the workspace opened in the builder by its link. */
async function openFile(path: string, content: string) {
  suite.server.writeFile(path, content);
  const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent(path)}`);
  await expect.poll(() => ui.page.getByTestId('doc-name').innerText(), WAIT).toBe(path);
  return ui;
}

async function widthOf(locator: import('playwright-core').Locator): Promise<number> {
  return (await locator.boundingBox())?.width ?? -1;
}

describe("the builder's canvas", () => {
  it('connects handles only where the types fit, colours them by type, and says why a drop was refused', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await dragKindOntoCanvas(page, 'httpRequest', { x: 120, y: 80 });
    await dragKindOntoCanvas(page, 'readFile', { x: 120, y: 260 });
    await dragKindOntoCanvas(page, 'notify', { x: 370, y: 170 });
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(3);
    await page.keyboard.press('Escape');

    // An HTTP response is an object; a message is text.
    expect(await node(page, 'fetchData').locator('.react-flow__handle.source').getAttribute('class')).toContain('fd-type-object');
    const message = node(page, 'sendNotification').locator('.react-flow__handle[data-handleid="message"]');
    expect(await message.getAttribute('class')).toContain('fd-type-string');
    await connectHandles(page, 'fetchData', 'sendNotification', 'message');
    const hint = page.getByTestId('connect-hint');
    await expect.poll(() => hint.innerText(), WAIT).toBe("'fetchData' gives an object, but 'message' of 'sendNotification' takes text");
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    expect(await editorText(page)).not.toMatch(/message: fetchData/);

    // Text read from a file fits.
    await connectHandles(page, 'readInput', 'sendNotification', 'message');
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(1);
    await expect.poll(() => editorText(page), WAIT).toMatch(/message: input \}/);
    expect(ui.errors).toEqual([]);
  });

  it('asks before running a flow whose graph has errors', async () => {
    const ui = await openFile(
      'broken.ts',
      [
        "import { flow } from 'flowdeck';",
        "import { httpRequest } from 'flowdeck/tasks';",
        '',
        "const fetchPage = httpRequest.withOptions({ name: 'fetch-page' });",
        '',
        "export default flow({ name: 'broken' }, async () => {",
        '  await fetchPage({});',
        '});',
        '',
      ].join('\n'),
    );
    const { page } = ui;
    await page.getByTestId('run-button').click();
    const ask = page.getByRole('dialog', { name: 'Run anyway?' });
    await ask.waitFor();
    expect(await ask.getByTestId('run-problems').innerText()).toContain('URL is required');
    await ask.getByRole('button', { name: 'Fix them first' }).click();
    await expect.poll(() => ask.count(), WAIT).toBe(0);
    expect(await page.getByTestId('run-form').count()).toBe(0);

    await page.keyboard.press('Control+Enter');
    await ask.getByRole('button', { name: 'Run anyway' }).click();
    await page.getByTestId('run-form').waitFor();
    await page.getByRole('dialog', { name: 'Run the flow' }).getByRole('button', { name: 'Cancel' }).click();
    expect(ui.errors).toEqual([]);
  });

  it("shows each node's output after a run: a preview on the node, the whole result and each mapped run's when selected", async () => {
    const ui = await openFile(
      'outputs.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const makeList = task({ name: 'make-list' }, async (): Promise<number[]> => [1, 2, 3]);",
        "const square = task({ name: 'square' }, async (item: number) => ({ item, square: item * item }));",
        "const longText = task({ name: 'long-text' }, async () => 'x'.repeat(5000));",
        '',
        "export default flow({ name: 'outputs' }, async () => {",
        '  const list = await makeList();',
        '  await square.map(list).result();',
        '  await longText();',
        '});',
        '',
      ].join('\n'),
    );
    const { page } = ui;
    await page.getByTestId('run-button').click();
    await page.getByTestId('start-run').click();
    await waitForRunState(ui, suite.server, 'Completed');

    await expect.poll(() => node(page, 'makeList').getByTestId('node-output').innerText(), WAIT).toBe('→ [1,2,3]');
    expect(await node(page, 'square').getByTestId('node-output').innerText()).toMatch(/^→ 3 results: \{"item":1,"square":1\}/);

    await node(page, 'square').click();
    const outputs = page.getByTestId('inspector').getByTestId('node-outputs');
    await expect.poll(() => outputs.getByTestId('node-output-item').count(), WAIT).toBe(3);
    expect(await outputs.getByTestId('node-output-value').nth(2).innerText()).toContain('"square": 9');

    await node(page, 'longText').click();
    await expect.poll(() => page.getByTestId('node-output-note').innerText(), WAIT).toContain('the server keeps its first 2,000 characters');
    expect(ui.errors).toEqual([]);
  });

  it('lets the side panels be resized and collapsed, and keeps them so after a reload', async () => {
    const ui = await suite.open();
    const { page } = ui;
    const palette = page.getByTestId('palette-panel');
    const inspector = page.getByTestId('inspector-panel');
    expect(await widthOf(palette)).toBe(232);
    expect(await widthOf(inspector)).toBe(280);

    await page.getByTestId('palette-splitter').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => widthOf(palette), WAIT).toBe(232 + 48);

    const splitter = await page.getByTestId('inspector-splitter').boundingBox();
    await page.mouse.move(splitter!.x + 3, splitter!.y + 200);
    await page.mouse.down();
    await page.mouse.move(splitter!.x - 97, splitter!.y + 200, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => widthOf(inspector), WAIT).toBe(380);
    const canvasBefore = await widthOf(page.getByTestId('canvas'));

    await page.locator('.react-flow__pane').click();
    await page.keyboard.press('Control+B');
    await page.getByTestId('palette-rail').waitFor();
    await page.getByRole('button', { name: 'Hide the side panel (Ctrl+I)' }).click();
    await page.getByTestId('inspector-rail').waitFor();
    expect(await widthOf(page.getByTestId('canvas'))).toBeGreaterThan(canvasBefore + 500);

    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.getByTestId('palette-rail').waitFor();
    await page.getByTestId('inspector-rail').waitFor();
    await page.getByRole('button', { name: 'Show the nodes (Ctrl+B)' }).click();
    await page.getByRole('button', { name: 'Show the side panel (Ctrl+I)' }).click();
    await expect.poll(() => widthOf(page.getByTestId('palette-panel')), WAIT).toBe(280);
    await expect.poll(() => widthOf(page.getByTestId('inspector-panel')), WAIT).toBe(380);
    expect(ui.errors).toEqual([]);
  });

  it('places a node dropped from the palette where it was dropped', async () => {
    const ui = await suite.open();
    const { page } = ui;
    const pane = (await page.locator('[data-testid=canvas] .react-flow__pane').boundingBox())!;
    for (const [kind, id, at] of [
      ['notify', 'sendNotification', { x: 420, y: 300 }],
      ['readFile', 'readInput', { x: 150, y: 120 }],
    ] as const) {
      await dragKindOntoCanvas(page, kind, at);
      await node(page, id).waitFor();
      const box = (await node(page, id).boundingBox())!;
      const drop = { x: pane.x + at.x, y: pane.y + at.y };
      // The drop point is inside the node, at the middle of its width.
      expect(Math.abs(box.x + box.width / 2 - drop.x)).toBeLessThan(3);
      expect(drop.y).toBeGreaterThan(box.y);
      expect(drop.y).toBeLessThan(box.y + box.height);
    }
    expect(ui.errors).toEqual([]);
  });
});
