// A work pool's waiting and running runs on its page, and the runs list filtered by pool, in real
// Chromium against a real server whose store holds pools, deployments and their runs.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../app/core/index.js';
import { flowRunRequest } from '../server/http/support.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();
/** Run ids by what they are: `ahead` waits in gpu, `running` runs there on box-1, `elsewhere` waits in cpu. */
let runs: { ahead: string; running: string; elsewhere: string; byHand: string };
/** The deployments of each pool, by pool. */
let deployments: { gpu: string; cpu: string };

beforeAll(async () => {
  const { store } = suite.server;
  await store.createWorkPool({ name: 'gpu', type: 'process' });
  await store.createWorkPool({ name: 'cpu', type: 'process' });
  const [gpu, cpu] = await store.deploy([
    { name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts', workPool: 'gpu', workQueue: null },
    { name: 'hourly', flowName: 'etl', entrypoint: 'flows/etl.ts', workPool: 'cpu', workQueue: null },
  ]);
  deployments = { gpu: gpu.id, cpu: cpu.id };
});

/** The ids of the rows drawn, top to bottom. */
function shownIds(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { runId: string } }).dataset.runId));
}

describe("a work pool's runs", () => {
  it('lists the waiting and running runs on the pool page as they come, each linking to its run', async () => {
    const ui = await suite.open(`${suite.server.url}#/work-pools/gpu`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('work-pool-no-waiting').count(), WAIT).toBe(1);
    expect(await page.getByTestId('work-pool-no-waiting').innerText()).toBe('No runs waiting in pool gpu');
    expect(await page.getByTestId('work-pool-none-running').innerText()).toBe('No runs running in pool gpu');

    // Made while the page is open: it shows them without a reload.
    const { store } = suite.server;
    const later = Date.now() + 3_600_000;
    const ahead = await store.createDeploymentRun(deployments.gpu, { parameters: {}, scheduledTime: later });
    const due = await store.createDeploymentRun(deployments.gpu, { parameters: {}, scheduledTime: Date.now() - 1000 });
    await store.claimRuns({ pool: 'gpu' }, { worker: 'box-1', queues: [], limit: 1 });
    await store.setState({ kind: 'flow', runId: due.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    const elsewhere = await store.createDeploymentRun(deployments.cpu, { parameters: {}, scheduledTime: later });
    const byHand = flowRunRequest({ flowName: 'etl', name: 'by-hand' });
    await store.createFlowRun(byHand);
    runs = { ahead: ahead.id, running: due.id, elsewhere: elsewhere.id, byHand: byHand.id };

    await expect.poll(() => shownIds(page, 'pool-waiting-run'), WAIT).toEqual([ahead.id]);
    const waiting = await page.getByTestId('pool-waiting-run').locator('td').allInnerTexts();
    expect(waiting[0]).toBe(ahead.name);
    expect(waiting.slice(1, 2)).toEqual(['Scheduled']);
    expect(waiting[2]).toMatch(/^in (59 min|1 h)$/);
    expect(waiting.slice(3)).toEqual(['etl/nightly', 'default']);
    await expect.poll(() => shownIds(page, 'pool-running-run'), WAIT).toEqual([due.id]);
    const running = await page.getByTestId('pool-running-run').locator('td').allInnerTexts();
    expect(running.slice(0, 3)).toEqual([due.name, 'Running', 'box-1']);
    expect(running[3]).toMatch(/^(just now|.+ ago)$/);
    expect(await page.getByTestId('work-pool-no-waiting').count()).toBe(0);

    await page.getByTestId('pool-waiting-run').getByTestId('pool-run-link').click();
    await expect.poll(() => page.url(), WAIT).toContain(`#/runs/${ahead.id}`);
    await expect.poll(() => page.getByTestId('flow-run-state').innerText(), WAIT).toBe('Scheduled');
    expect(ui.errors).toEqual([]);
  });

  it('opens the runs list filtered by the pool, which the pool filter changes with the address, combined with the state filters', async () => {
    const ui = await suite.open(`${suite.server.url}#/work-pools/gpu`);
    const { page } = ui;
    await page.getByTestId('work-pool-all-runs').click();
    await expect.poll(() => page.url(), WAIT).toContain('#/runs?pool=gpu');
    // Made in one millisecond maybe, so in either order.
    await expect.poll(async () => (await shownIds(page, 'runs-row')).sort(), WAIT).toEqual([runs.running, runs.ahead].sort());
    expect(await page.getByTestId('runs-pool').inputValue()).toBe('gpu');

    await page.locator('button[data-state=RUNNING]').click();
    await expect.poll(() => shownIds(page, 'runs-row'), WAIT).toEqual([runs.running]);
    await page.getByTestId('runs-pool').selectOption('cpu');
    await expect.poll(() => page.getByTestId('runs-empty-filtered').count(), WAIT).toBe(1);
    await expect.poll(() => page.url(), WAIT).toContain('#/runs?pool=cpu');
    await page.locator('button[data-state=RUNNING]').click();
    await expect.poll(() => shownIds(page, 'runs-row'), WAIT).toEqual([runs.elsewhere]);

    // The address keeps the pool through a reload; the storage keeps the rest.
    await page.reload();
    await expect.poll(() => shownIds(page, 'runs-row'), WAIT).toEqual([runs.elsewhere]);
    expect(await page.getByTestId('runs-pool').inputValue()).toBe('cpu');

    await page.getByTestId('runs-pool').selectOption('');
    await expect.poll(() => page.url(), WAIT).toMatch(/#\/runs$/);
    await expect.poll(async () => (await shownIds(page, 'runs-row')).sort(), WAIT).toEqual(Object.values(runs).sort());
    expect(ui.errors).toEqual([]);
  });
});
