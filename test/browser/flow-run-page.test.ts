import { describe, expect, it, vi } from 'vitest';
import { newId, runTime } from '../../app/core/index.js';
import { formatDuration } from '../../app/renderer/shared/format.js';
import { startFileRun, useUiSuite, WAIT } from './support.js';

// Real Chromium, a real server and real flow processes share the machine with the rest of the suite.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

async function finalState(flowRunId: string): Promise<string> {
  const run = await suite.server.store.getFlowRun(flowRunId);
  return run?.state.type ?? 'none';
}

describe('the flow run page', () => {
  it('draws mapped groups with the edges into them, and a minimap of the nodes in their state colours', async () => {
    suite.server.writeFile(
      'chained-maps.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const start = task({ name: 'start' }, async () => 2);",
        "const double = task({ name: 'double' }, async (item: number, by: number) => item * by);",
        "const addOne = task({ name: 'add-one' }, async (item: number) => item + 1);",
        "const total = task({ name: 'total' }, async (values: number[]) => values.reduce((a, b) => a + b, 0));",
        '',
        "export default flow({ name: 'chained-maps' }, async () => {",
        '  const by = start.submit();',
        '  const doubled = double.map([1, 2, 3], by);',
        '  const added = addOne.map(doubled);',
        '  return await total(added);',
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'chained-maps.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Completed');
    const graph = page.getByTestId('run-graph');
    await expect.poll(() => graph.locator('.react-flow__node').count(), WAIT).toBe(4);
    const edgeIds = () =>
      graph
        .locator('.react-flow__edge')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? el.getAttribute('data-testid') ?? '').sort());
    // start feeds every run of double; each run of double feeds one of add-one; add-one's runs feed total.
    await expect.poll(async () => (await edgeIds()).length, WAIT).toBe(3);
    const ids = await edgeIds();
    expect(ids.filter((id) => /group:double/.test(id) && /->group:add-one|group:add-one$/.test(id))).toHaveLength(1);
    expect(ids.filter((id) => /->.*group:double/.test(id))).toHaveLength(1);
    // Every edge is drawn, into the group node as into any other.
    const drawn = await graph
      .locator('.react-flow__edge path.react-flow__edge-path')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
    expect(drawn.filter((d) => d.length > 0)).toHaveLength(3);

    // The minimap shows each node, coloured by its state.
    const minimapNodes = graph.locator('.react-flow__minimap-node');
    await expect.poll(() => minimapNodes.count(), WAIT).toBe(4);
    const fills = await minimapNodes.evaluateAll((rects) =>
      rects.map((r) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(r).fill),
    );
    expect(new Set(fills)).toEqual(new Set([fills[0]]));
    expect(fills[0]).not.toBe(
      await graph
        .locator('.react-flow__minimap-mask')
        .evaluate((m) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(m).fill),
    );
    expect(fills[0]).toBe('rgb(28, 138, 74)');
    expect(ui.errors).toEqual([]);
  });

  it('draws the edge into a mapped group fed by an awaited list, and out of it to the task given the gathered results', async () => {
    suite.server.writeFile(
      'awaited-map.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const load = task({ name: 'load' }, async () => [1, 2, 3, 4]);",
        "const square = task({ name: 'square' }, async (n: number) => n * n);",
        "const total = task({ name: 'total' }, async (values: number[]) => values.reduce((a, b) => a + b, 0));",
        '',
        "export default flow({ name: 'awaited-map' }, async () => {",
        '  const numbers = await load();',
        '  const squares = await square.map(numbers).result();',
        '  return await total(squares);',
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'awaited-map.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');
    const loadRun = (await suite.server.store.listTaskRuns(flowRunId)).find((run) => run.taskKey === 'load')!;
    const totalRun = (await suite.server.store.listTaskRuns(flowRunId)).find((run) => run.taskKey === 'total')!;
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Completed');
    const graph = page.getByTestId('run-graph');
    await expect.poll(() => graph.locator('.react-flow__node').count(), WAIT).toBe(3);
    const edgeIds = () =>
      graph
        .locator('.react-flow__edge')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? el.getAttribute('data-testid') ?? '').sort());
    // The list is a value, not a future, yet load is drawn feeding the group, and the group total.
    await expect.poll(async () => (await edgeIds()).length, WAIT).toBe(2);
    const ids = await edgeIds();
    expect(ids.filter((id) => id.includes(`${loadRun.id}->group:square`))).toHaveLength(1);
    expect(ids.filter((id) => id.includes(`group:square->${totalRun.id}`))).toHaveLength(1);
    const drawn = await graph
      .locator('.react-flow__edge path.react-flow__edge-path')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
    expect(drawn.filter((d) => d.length > 0)).toHaveLength(2);
    expect(ui.errors).toEqual([]);
  });

  it('shows a flaky task: each attempt on the timeline, each error in the task panel', async () => {
    suite.server.writeFile(
      'flaky.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        'let calls = 0;',
        "const fetchRates = task({ name: 'fetch-rates', retries: 2, retryDelaySeconds: 0.3 }, async () => {",
        '  calls++;',
        '  if (calls < 3) throw new Error(`upstream said no (${calls})`);',
        '  return { eur: 1.08 };',
        '});',
        '',
        "export default flow({ name: 'flaky' }, async () => {",
        '  return await fetchRates();',
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'flaky.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');

    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Completed');

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const bars = page.locator('[data-testid=timeline] .fd-bar-attempt');
    await expect.poll(() => bars.count(), WAIT).toBe(3);
    expect(await page.locator('[data-testid=timeline] .fd-bar-wait').count()).toBe(2);
    expect(await bars.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { state: string } }).dataset.state))).toEqual([
      'FAILED',
      'FAILED',
      'COMPLETED',
    ]);

    await bars.first().click();
    const panel = page.getByTestId('task-panel');
    await panel.waitFor();
    const attempts = await panel.getByTestId('task-attempts').innerText();
    // Each error once: its name and message above its stack's frames, not again at the stack's head.
    expect(attempts.split('upstream said no (1)').length - 1).toBe(1);
    expect(attempts.split('upstream said no (2)').length - 1).toBe(1);
    expect(await panel.locator('.fd-stack').first().innerText()).toMatch(/^\s*at /);
    expect(attempts).toMatch(/Attempt 3 · Completed/);
    expect(await panel.getByTestId('task-result').innerText()).toContain('1.08');
    expect(page.url()).toContain(`#/runs/${flowRunId}/tasks/`);
    // Run time, as the CLI's inspect says it: the attempts, not the waits between them.
    const taskRunId = decodeURIComponent(page.url().split('/tasks/')[1].split('?')[0]);
    const ran = runTime(await suite.server.store.listStates(taskRunId), Date.now());
    expect(await panel.getByTestId('task-run-time').innerText()).toBe(formatDuration(ran));
    expect(await page.getByTestId('run-time').innerText()).toBe(
      `ran ${formatDuration(runTime(await suite.server.store.listStates(flowRunId), Date.now()))}`,
    );

    // The log filter offers the attempts there were.
    await page.getByRole('tab', { name: 'Logs' }).click();
    const attemptOptions = page.locator('select[aria-label="Attempt"] option');
    await expect.poll(() => attemptOptions.allInnerTexts(), WAIT).toEqual(['Every attempt', 'Attempt 1', 'Attempt 2', 'Attempt 3']);
    expect(ui.errors).toEqual([]);
  });

  it('shows a subflow call as a task run node that links to the child run, and the child links back', async () => {
    suite.server.writeFile(
      'caller.ts',
      [
        "import { flow, task } from 'flowdeck';",
        '',
        "const shout = task({ name: 'shout' }, (word: string) => word.toUpperCase());",
        "const shouter = flow({ name: 'shouter' }, async (word: string) => shout(word));",
        '',
        "export default flow({ name: 'caller' }, async () => {",
        "  const loud = await shouter('hello');",
        '  return loud;',
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'caller.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');
    const [child] = await suite.server.store.listFlowRuns({ parentFlowRunId: flowRunId });
    expect(child.parentTaskRunId).not.toBeNull();

    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    const node = page.locator(`[data-task-run="${child.parentTaskRunId}"]`);
    await expect.poll(() => node.innerText(), WAIT).toContain('shouter-0');
    expect(await node.getAttribute('data-state')).toBe('COMPLETED');

    await node.locator('.fd-node-name').click();
    const panel = page.getByTestId('task-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('task-result').innerText()).toContain('HELLO');
    expect(await panel.getByTestId('task-subflow').innerText()).toContain(child.name);

    await node.locator(`[data-subflow-run="${child.id}"]`).click();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toBe(`#/runs/${child.id}`);
    await expect.poll(() => page.locator('.fd-run-header h1').innerText(), WAIT).toBe(child.name);
    await expect.poll(() => page.locator('[data-testid=run-graph] .fd-run-node').innerText(), WAIT).toContain('shout-0');
    await page.getByRole('tab', { name: 'Details' }).click();
    await page
      .locator('[data-testid=run-details]')
      .getByRole('link', { name: flowRunId.slice(0, 8) })
      .click();
    await expect.poll(() => new URL(page.url()).hash, WAIT).toBe(`#/runs/${flowRunId}`);
    expect(ui.errors).toEqual([]);
  });

  it('retries a failed run from its page, and shows the second attempt', async () => {
    suite.server.writeFile(
      'once.ts',
      [
        "import { existsSync, writeFileSync } from 'node:fs';",
        "import { flow } from 'flowdeck';",
        '',
        "export default flow({ name: 'once' }, async () => {",
        "  if (!existsSync('once.marker')) {",
        "    writeFileSync('once.marker', '1');",
        "    throw new Error('the first time fails');",
        '  }',
        "  return 'fine now';",
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'once.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('FAILED');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Failed');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    await page.getByRole('tab', { name: 'Details' }).click();
    await expect.poll(() => page.getByTestId('run-result').innerText(), WAIT).toContain('fine now');
    const history = await page.getByTestId('state-history').innerText();
    expect(history).toContain('AwaitingRetry');
    expect(history).toContain('the first time fails');

    // Run again: a new run of the same file, after the parameters are checked.
    await page.getByRole('button', { name: 'Run again…' }).click();
    const form = page.getByTestId('run-again-form');
    await form.locator('textarea').fill('{ not json');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => form.getByRole('alert').innerText(), WAIT).toMatch(/not JSON/);
    await form.locator('textarea').fill('{}');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.url(), WAIT).not.toContain(flowRunId);
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    expect(page.url()).toMatch(/#\/runs\/[0-9a-f-]+$/);
    expect(ui.errors).toEqual([]);
  });

  it("runs again with the flow's parameters form, filled with the run's parameters", async () => {
    suite.server.writeFile(
      'forecast.ts',
      [
        "import { flow } from 'flowdeck';",
        "import { z } from 'zod';",
        '',
        "export default flow({ name: 'forecast', parameters: z.object({ city: z.string(), days: z.number().int().default(3) }) }, async (p: { city: string; days: number }) => `${p.city} for ${p.days} days`);",
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'forecast.ts', { city: 'Oslo', days: 5 });
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await page.getByRole('button', { name: 'Run again…' }).click();
    const form = page.getByTestId('run-again-form');
    await expect.poll(() => form.getByLabel('City').inputValue(), WAIT).toBe('Oslo');
    expect(await form.getByLabel('Days').inputValue()).toBe('5');
    expect(await form.locator('textarea').count()).toBe(0);

    await form.getByLabel('Days').fill('a week');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => form.locator('[data-field=days] .fd-field-error').innerText(), WAIT).toBe('Days must be a number');
    await form.getByLabel('Days').fill('7');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.url(), WAIT).not.toContain(flowRunId);
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 90_000 }).toBe('Completed');
    const next = page.url().split('#/runs/')[1];
    expect(await suite.server.store.getFlowRun(next)).toMatchObject({ parameters: { city: 'Oslo', days: 7 }, result: '"Oslo for 7 days"' });
    expect(ui.errors).toEqual([]);
  });

  it('offers no Retry or Run again for a run whose file the server cannot run, and says why', async () => {
    const flowRunId = newId();
    const report = {
      operations: [
        {
          kind: 'createFlowRun',
          request: {
            id: flowRunId,
            flowName: 'elsewhere',
            name: 'far-away',
            retryPolicy: { retries: 0, retryDelaySeconds: [0] },
            entrypoint: '/not/the/workspace/etl.ts:elsewhere',
            transitionId: newId(),
            state: { type: 'RUNNING', name: 'Running' },
          },
        },
        {
          kind: 'setState',
          request: { kind: 'flow', runId: flowRunId, transitionId: newId(), state: { type: 'FAILED', name: 'Failed', message: 'boom' } },
        },
      ],
    };
    const answer = await fetch(`${suite.server.api}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(answer.status).toBe(200);
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Failed');
    for (const name of ['Retry', 'Run again…']) {
      const button = page.getByRole('button', { name });
      expect(await button.isDisabled(), name).toBe(true);
      expect(await button.getAttribute('title'), name).toMatch(/^flow run 'far-away' did not come from a file in this server's workspace/);
    }
    expect(ui.errors).toEqual([]);
  });

  it('opens a run by a short id as the CLI takes it, and says when a prefix is shared', async () => {
    suite.server.writeFile(
      'city.ts',
      "import { flow } from 'flowdeck';\nexport default flow({ name: 'city' }, async (p: { city: string }) => p.city);\n",
    );
    const first = await startFileRun(suite.server, 'city.ts', { city: 'Rome' });
    const second = await startFileRun(suite.server, 'city.ts', { city: 'Nice' });
    await expect.poll(() => finalState(second), { timeout: 90_000 }).toBe('COMPLETED');
    const unique = (await suite.server.store.uniqueIdPrefixes('flow', [first])).get(first)!;
    const ui = await suite.open(`${suite.server.url}#/runs/${unique}?view=details`);
    const { page } = ui;
    await expect.poll(() => page.url(), WAIT).toContain(`#/runs/${first}?view=details`);
    await expect.poll(() => page.getByTestId('run-parameters').innerText(), WAIT).toContain('Rome');

    let shared = 0;
    while (first[shared] === second[shared]) shared++;
    await page.goto(`${suite.server.url}#/runs/${first.slice(0, shared)}`);
    await expect
      .poll(() => page.getByRole('alert').innerText(), WAIT)
      .toContain(`more than one flow run has an id starting with '${first.slice(0, shared)}'`);
    await page.goto(`${suite.server.url}#/runs/ffffffff`);
    await expect.poll(() => page.getByRole('alert').innerText(), WAIT).toContain("no flow run with id 'ffffffff'");
    expect(ui.errors.filter((e) => !/status of 40[49]/.test(e))).toEqual([]);
  });

  it('opens a long log at its newest lines, finds a line anywhere in it, and loads earlier lines', async () => {
    suite.server.writeFile(
      'chatty.ts',
      [
        "import { flow, getRunLogger } from 'flowdeck';",
        '',
        "export default flow({ name: 'chatty' }, async () => {",
        '  const logger = getRunLogger();',
        "  for (let i = 0; i < 12_000; i++) logger.info(i === 123 ? 'line 123 holds the needle' : `line ${i}`);",
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'chatty.ts');
    await expect.poll(() => finalState(flowRunId), { timeout: 90_000 }).toBe('COMPLETED');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await page.getByRole('tab', { name: 'Logs' }).click();
    const count = page.getByTestId('log-matches');
    await expect.poll(() => count.innerText(), WAIT).toBe('2,000 lines');
    await expect.poll(() => page.getByTestId('logs').innerText(), WAIT).toContain('line 11999');

    await page.getByLabel('Find in logs').fill('NEEDLE');
    await expect.poll(() => count.innerText(), WAIT).toBe('1 match in the whole run');
    await expect.poll(() => page.getByTestId('logs').innerText(), WAIT).toContain('line 123 holds the needle');

    await page.getByLabel('Find in logs').fill('');
    await page.getByRole('button', { name: 'Load earlier lines' }).click();
    await expect.poll(() => count.innerText(), WAIT).toBe('12,000 lines');

    // The view is in the address: a link opens the run on its logs, and a reload keeps it.
    expect(new URL(page.url()).hash).toBe(`#/runs/${flowRunId}?view=logs`);
    await page.getByRole('tab', { name: 'Details' }).click();
    expect(new URL(page.url()).hash).toBe(`#/runs/${flowRunId}?view=details`);
    expect(ui.errors).toEqual([]);
    await ui.close();
    const linked = await suite.open(`${suite.server.url}#/runs/${flowRunId}?view=logs`);
    expect(await linked.page.getByRole('tab', { name: 'Logs' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => linked.page.getByTestId('logs').innerText(), WAIT).toContain('line 11999');
    expect(linked.errors).toEqual([]);
  });

  it('streams logs while the run is live, and cancel stops it', async () => {
    suite.server.writeFile(
      'slow.ts',
      [
        "import { flow, getRunLogger, task } from 'flowdeck';",
        '',
        "const tick = task({ name: 'tick' }, async (n: number) => {",
        '  getRunLogger().info(`tick ${n}`);',
        '  await new Promise((resolve) => setTimeout(resolve, 300));',
        '  return n;',
        '});',
        '',
        "export default flow({ name: 'slow' }, async () => {",
        '  for (let n = 1; n <= 200; n++) await tick(n);',
        '});',
        '',
      ].join('\n'),
    );
    const flowRunId = await startFileRun(suite.server, 'slow.ts');
    const ui = await suite.open(`${suite.server.url}#/runs/${flowRunId}`);
    const { page } = ui;
    await page.getByRole('tab', { name: 'Logs' }).click();
    const logs = page.getByTestId('logs');
    await expect.poll(() => logs.innerText(), { timeout: 60_000 }).toContain('tick 2');
    await expect.poll(() => logs.innerText(), WAIT).toContain('tick 4');
    expect(await page.getByTestId('flow-run-state').innerText()).toBe('Running');

    await page.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), { timeout: 60_000 }).toBe('Cancelled');
    await expect.poll(() => finalState(flowRunId), WAIT).toBe('CANCELLED');
    const ticks = (await suite.server.store.listLogs(flowRunId, { limit: 1000 })).filter((l) => l.message.startsWith('tick')).length;
    expect(ticks).toBeLessThan(200);
    expect(ui.errors).toEqual([]);
  });
});
