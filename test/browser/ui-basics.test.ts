import { describe, expect, it, vi } from 'vitest';
import { connectHandles, editorText, node, replaceInEditor, useUiSuite, waitForRunState, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

describe('loading', () => {
  it('loads with no console errors, talks to its server and runs Monaco with its workers', async () => {
    const ui = await suite.open();
    const { page } = ui;
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await expect.poll(() => page.getByTestId('server-status').innerText(), WAIT).toMatch(/127\.0\.0\.1:\d+.*v\d+\.\d+\.\d+/s);
    expect(await page.getByTestId('doc-name').innerText()).toBe('untitled.ts');
    expect(await editorText(page)).toContain("export default flow({ name: 'my-flow' }");
    // The language services run in workers of our own bundle, not on the page.
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              performance
                .getEntriesByType('resource')
                .map((e) => e.name)
                .filter((n) => /worker/.test(n)).length,
          ),
        WAIT,
      )
      .toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(500);
    expect(warnings.filter((w) => /web worker|main thread/i.test(w))).toEqual([]);
    expect(ui.errors).toEqual([]);
  });

  it('checks flow code against the SDK: a wrong call is marked, and completions name its exports', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await replaceInEditor(page, 'async () => {', 'async () => {\n  task(42);');
    await replaceInEditor(page, 'import { flow }', 'import { flow, task }');
    // TypeScript knows task()'s signature from the SDK's declarations.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type("\nimport { getRun } from 'flowdeck';");
    for (let i = 0; i < " } from 'flowdeck';".length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    const suggestions = page.locator('.monaco-editor .suggest-widget .monaco-list-row');
    await suggestions.first().waitFor({ timeout: 20_000 });
    expect((await suggestions.allInnerTexts()).join('\n')).toMatch(/getRunLogger|getRunContext/);
  });
});

describe('the page tabs', () => {
  it('fit beside the builder in a 1440-pixel window, and More opens the pages kept under it', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await expect.poll(() => page.getByTestId('server-status').isVisible(), WAIT).toBe(true);
    // The top bar wraps rather than making the page wider than the window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1440);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link', { name: 'Variables' }).count()).toBe(0);
    await nav.getByRole('button', { name: /More/ }).click();
    const items = nav.getByRole('menuitem');
    expect(await items.allInnerTexts()).toEqual(['Artifacts', 'Variables', 'Blocks', 'Automations']);
    await items.filter({ hasText: 'Variables' }).click();
    await expect.poll(() => page.evaluate<string>('location.hash'), WAIT).toBe('#/variables');
    // The open page of More is a tab of its own, marked as the current page, and More lists the rest.
    expect(await nav.getByRole('link', { name: 'Variables' }).getAttribute('aria-current')).toBe('page');
    await nav.getByRole('button', { name: /More/ }).click();
    expect(await nav.getByRole('menuitem').allInnerTexts()).toEqual(['Artifacts', 'Blocks', 'Automations']);
    await page.keyboard.press('Escape');
    expect(await nav.getByRole('menuitem').count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});

describe('editing on the canvas', () => {
  it('adds by click, copies and pastes, selects all, deletes, and undoes and redoes each step', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.locator('.fd-palette [data-kind="readFile"]').click();
    await node(page, 'readInput').waitFor();
    expect(await editorText(page)).toContain("const readInput = readFile.withOptions({ name: 'read-input' });");

    // The new node is selected: copy and paste it.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await node(page, 'readInput').click();
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await node(page, 'readInput2').waitFor();
    expect(await editorText(page)).toContain("const readInput2 = readFile.withOptions({ name: 'read-input2' });");

    await page.keyboard.press('Control+Z');
    await expect.poll(() => node(page, 'readInput2').count(), WAIT).toBe(0);
    await page.keyboard.press('Control+Shift+Z');
    await node(page, 'readInput2').waitFor();

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+A');
    await expect.poll(() => page.locator('.react-flow__node.selected').count(), WAIT).toBe(2);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(0);
    expect(await editorText(page)).not.toContain('readFile');
    await page.keyboard.press('Control+Z');
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(2);
    expect(ui.errors).toEqual([]);
  });

  it('finds a node with Ctrl+F and lays the graph out with L', async () => {
    const ui = await suite.open();
    const { page } = ui;
    for (const kind of ['httpRequest', 'sqlQuery', 'notify']) await page.locator(`.fd-palette [data-kind="${kind}"]`).click();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+F');
    await page.getByRole('searchbox', { name: 'Find a node', exact: true }).fill('sql');
    await expect.poll(() => page.locator('.react-flow__node.selected').getAttribute('data-id'), WAIT).toBe('runQuery');
    await page.keyboard.press('Escape');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('l');
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(3);
    expect(ui.errors).toEqual([]);
  });

  it('asks before New throws away unsaved changes', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.locator('.fd-palette [data-kind="notify"]').click();
    await node(page, 'sendNotification').waitFor();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await node(page, 'sendNotification').count()).toBe(1);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count(), WAIT).toBe(0);
    expect(await page.getByTestId('doc-name').innerText()).toBe('untitled.ts');
  });
});

describe('keyboard shortcuts', () => {
  it('lists them all on ?, from the builder and the runs page, and Escape closes the list', async () => {
    const ui = await suite.open();
    const { page } = ui;
    const panel = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const shortcut = (keys: string, label: string) =>
      panel
        .getByTestId('shortcut')
        .filter({ has: page.locator('dt', { hasText: new RegExp(`^${keys.replace(/[+?]/g, '\\$&')}$`) }) })
        .filter({ hasText: label });

    // Typed into the code, ? is code.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// why?\n');
    await expect.poll(() => editorText(page), WAIT).toContain('why?');
    expect(await panel.count()).toBe(0);

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('?');
    await panel.waitFor(WAIT);
    expect(await shortcut('Ctrl+S', 'Save').count()).toBe(1);
    expect(await shortcut('Ctrl+Shift+S', 'Save as').count()).toBe(1);
    expect(await shortcut('Delete or Backspace', 'Delete the selected nodes').count()).toBe(1);
    expect(await shortcut('Ctrl+V', 'Paste nodes').count()).toBe(1);
    expect(await shortcut('↓', 'Next run').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count(), WAIT).toBe(0);

    expect(ui.errors).toEqual([]);
    await ui.close();

    const runs = await suite.open(`${suite.server.url}#/runs`);
    const runsPanel = runs.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await runs.page.getByTestId('runs-page').waitFor(WAIT);
    await runs.page.keyboard.press('?');
    await runsPanel.waitFor(WAIT);
    expect(await runsPanel.getByTestId('shortcut').filter({ hasText: 'Open the run' }).innerText()).toMatch(/^Enter\s+Open the run$/);
    await runsPanel.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => runsPanel.count(), WAIT).toBe(0);
    expect(runs.errors).toEqual([]);
  });
});

describe('code that does not parse', () => {
  it('still shows the code, with the problems listed and a message on the canvas', async () => {
    suite.server.writeFile(
      'broken.ts',
      "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'broken' }, async () => {\n  const x = ;\n});\n",
    );
    const ui = await suite.open();
    const { page } = ui;
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.locator('.fd-file[data-path="broken.ts"]').click();
    await expect.poll(() => editorText(page), WAIT).toContain('const x = ;');
    await expect.poll(() => page.getByTestId('problems').innerText(), WAIT).toMatch(/error/i);
    expect(await page.locator('.fd-canvas-empty').innerText()).toMatch(/problem/);
    // Fixing the code brings the graph back.
    await replaceInEditor(page, 'const x = ;', 'const x = 1;');
    await expect.poll(() => page.getByTestId('problems').count(), WAIT).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});

describe('code the graph cannot show as a step', () => {
  it('is a node on the canvas with its code, which a step added later keeps in place', async () => {
    suite.server.writeFile(
      'loop.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const load = task({ name: 'load' }, async () => [1, 2, 3]);",
        '',
        "export default flow({ name: 'loop' }, async () => {",
        '  const rows = await load();',
        '  for (const row of rows) {',
        '    console.log(row);',
        '  }',
        '});',
        '',
      ].join('\n'),
    );
    const ui = await suite.open(`${suite.server.url}?file=loop.ts`);
    const { page } = ui;
    await node(page, 'load').waitFor();
    const region = page.locator('.react-flow__node-codeRegion');
    await expect.poll(() => region.count(), WAIT).toBe(1);
    expect(await region.innerText()).toContain('for (const row of rows) {');
    await region.click();
    expect(await page.getByTestId('region-panel').innerText()).toContain('console.log(row);');
    // Delete leaves it alone: it is changed in the code.
    await page.keyboard.press('Delete');
    expect(await region.count()).toBe(1);

    await page.locator('.fd-palette [data-kind="notify"]').click();
    await node(page, 'sendNotification').waitFor();
    await expect.poll(() => editorText(page), WAIT).toContain('await sendNotification(');
    const code = await editorText(page);
    expect(code.indexOf('for (const row of rows) {')).toBeLessThan(code.indexOf('await sendNotification('));
    expect(code).toContain('    console.log(row);');
    expect(ui.errors).toEqual([]);
  });
});

describe('side panel and connections', () => {
  it('checks a field as it is typed and writes only valid values to the code', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.locator('.fd-palette [data-kind="httpRequest"]').click();
    await node(page, 'fetchData').click();
    const panel = page.getByTestId('inspector');
    const url = panel.locator('[data-field="url"] input');
    await url.fill('');
    await url.blur();
    await expect.poll(() => panel.locator('[data-field="url"] [role="alert"]').innerText(), WAIT).toBe('URL is required');
    expect(await editorText(page)).toContain("url: 'https://example.com'");
    await url.fill('https://example.org/users');
    await url.press('Enter');
    await expect.poll(() => editorText(page), WAIT).toContain("url: 'https://example.org/users'");
    const retries = panel.locator('[data-field="retries"] input');
    await retries.fill('3');
    await retries.press('Enter');
    await expect.poll(() => editorText(page), WAIT).toContain('retries: 3');
    expect(ui.errors).toEqual([]);
  });

  it("adds steps into a branch's arms from its side panel and from the palette", async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.locator('.fd-palette [data-kind="branch"]').click();
    await node(page, 'ifTrue').waitFor();
    const arms = page.getByTestId('branch-arms');
    await arms.locator('#fd-branch-kind').selectOption('notify');
    await arms.getByRole('button', { name: 'Add to else' }).click();
    await node(page, 'sendNotification').waitFor();
    // The new step is selected; a palette click adds the next one after it, in the same arm.
    await page.locator('.fd-palette [data-kind="writeFile"]').click();
    await node(page, 'writeOutput').waitFor();
    await expect.poll(() => editorText(page), WAIT).toMatch(/\} else \{\s+await sendNotification\([^]*\);\s+await writeOutput\(/);
    expect(await page.locator('.fd-edge-scope').count()).toBe(2);
    expect(ui.errors).toEqual([]);
  });

  it('deletes a selected connection with Delete, through the code', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.locator('.fd-palette [data-kind="readFile"]').click();
    await page.locator('.fd-palette [data-kind="notify"]').click();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('l');
    await page.waitForTimeout(300);
    await connectHandles(page, 'readInput', 'sendNotification', 'message');
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(1);
    expect(await editorText(page)).toMatch(/message: \w+ \}/);
    await page.locator('.react-flow__edge').first().click({ force: true });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(0);
    expect(await editorText(page)).toContain("message: 'Flow finished'");
  });
});

describe('templates and runs', () => {
  it('starts from a template, asks for its parameters with their defaults, and shows the result', async () => {
    const ui = await suite.open();
    const { page } = ui;
    await page.getByTestId('templates-menu').click();
    await page.locator('.fd-menu-item', { hasText: 'hello' }).first().click();
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('hello.ts');
    await expect.poll(() => editorText(page), WAIT).toContain("name: 'hello'");

    // A file the server has not seen is saved first.
    await page.getByTestId('run-button').click();
    await page.locator('#fd-save-path').fill('hello-run.ts');
    await page.keyboard.press('Enter');
    const form = page.getByTestId('run-form');
    await form.waitFor();
    expect(await form.locator('#fd-param-name').inputValue()).toBe('world');
    await form.locator('#fd-param-times').fill('two');
    await page.getByTestId('start-run').click();
    await expect.poll(() => form.locator('[data-field="times"] .fd-field-error').innerText(), WAIT).toMatch(/must be a number/);
    await form.locator('#fd-param-times').fill('2');
    await form.locator('#fd-param-name').fill('Ada');
    await page.getByTestId('start-run').click();
    await waitForRunState(ui, suite.server, 'Completed');
    expect(await page.getByTestId('run-result').innerText()).toContain('Hello, Ada!');
    expect(await page.getByTestId('run-panel').innerText()).toContain('Hello, Ada!');
    // The file went into the recent list.
    await page.getByTestId('recent-menu').click();
    expect(await page.locator('.fd-menu-item').allInnerTexts()).toContain('hello-run.ts');
    expect(ui.errors).toEqual([]);
  });

  it('shows why a run failed, on the node that failed', async () => {
    suite.server.writeFile(
      'fails.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const explode = task({ name: 'explode' }, async () => {",
        "  throw new Error('the disk is full');",
        '});',
        '',
        "export default flow({ name: 'fails' }, async () => {",
        '  await explode();',
        '});',
        '',
      ].join('\n'),
    );
    const ui = await suite.open(`${suite.server.url}?file=fails.ts`);
    const { page } = ui;
    await node(page, 'explode').waitFor();
    // Ctrl+Enter runs, as the Run button does.
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('start-run').click();
    await waitForRunState(ui, suite.server, 'Failed');
    expect(await page.getByTestId('run-result').innerText()).toContain('the disk is full');
    await expect.poll(() => node(page, 'explode').locator('.fd-node').getAttribute('data-state'), WAIT).toBe('FAILED');
    expect(await node(page, 'explode').locator('.fd-node').getAttribute('title')).toContain('the disk is full');

    // The run's own page is a click away, and the builder keeps the document on the way back.
    await page.getByTestId('open-run-page').click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Failed');
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await expect.poll(() => page.locator('[data-testid=timeline] .fd-bar-attempt[data-state=FAILED]').count(), WAIT).toBe(1);
    await page.goBack();
    await node(page, 'explode').waitFor();
    expect(await page.getByTestId('doc-name').innerText()).toBe('fails.ts');
  });
});
