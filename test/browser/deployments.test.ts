// The Deployments pages, upcoming and late runs on the dashboard and the runs list, and the
// builder's Deploy dialog, in real Chromium against a real server (its scheduler and late round
// running). No worker runs here, so the runs made stay waiting: Scheduled, then Late.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Deployment, DeploymentRead } from '../../app/core/api/deployments.js';
import type { FlowRun } from '../../app/core/runs.js';
import { useUiSuite, WAIT } from './support.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const suite = useUiSuite();

/** A call to the server's API that must succeed; answers its JSON. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${suite.server.api}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** As `flowdeck deploy` records a flow's parameters: the JSON Schema of what a caller passes. */
const PARAMETER_SCHEMA = z.toJSONSchema(z.object({ source: z.string().min(3), limit: z.number().int().default(100) }), { io: 'input' });

async function ensurePool(name: string): Promise<void> {
  const pools = await api<{ name: string }[]>('GET', '/work-pools');
  if (!pools.some((pool) => pool.name === name)) await api('POST', '/work-pools', { name });
}

async function deployEtl(name: string, schedules: unknown[]): Promise<Deployment> {
  await ensurePool('local');
  return api<Deployment>('POST', '/deployments', {
    name,
    flowName: 'etl',
    entrypoint: 'flows/etl.ts:default',
    parameters: { source: 's3://in' },
    parameterSchema: PARAMETER_SCHEMA,
    workPool: 'local',
    schedules,
  });
}

/** The runs of a deployment that its schedules did not make. */
async function runsMadeOnDemand(deploymentId: string): Promise<FlowRun[]> {
  const page = await api<{ items: FlowRun[] }>('GET', `/flow-runs?deploymentId=${encodeURIComponent(deploymentId)}`);
  expect(page.items.every((run) => run.deploymentId === deploymentId)).toBe(true);
  return page.items.filter((run) => !run.autoScheduled);
}

describe('the Deployments page', () => {
  it('says how to deploy while there is nothing deployed', async () => {
    const ui = await suite.open(`${suite.server.url}#/deployments`);
    const empty = ui.page.getByTestId('deployments-empty');
    await expect.poll(() => empty.innerText(), WAIT).toContain('No deployments yet');
    expect(await empty.innerText()).toContain('flowdeck deploy');
    expect(await ui.page.getByRole('link', { name: 'Deployments' }).getAttribute('aria-current')).toBe('page');
    expect(ui.errors).toEqual([]);
  });

  it('lists a deployment with its schedule in words and next run; its page shows its next runs, runs it with parameters, pauses and resumes it', async () => {
    const deployment = await deployEtl('nightly', [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }]);
    const ui = await suite.open(`${suite.server.url}#/deployments`);
    const { page } = ui;
    const row = page.locator('[data-testid=deployment-row][data-name="etl/nightly"]');
    await expect.poll(() => row.innerText(), WAIT).toContain('at 03:00 every day');
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[1]).toContain('Asia/Shanghai');
    expect(cells[2]).toBe('local');
    // The scheduler makes its next runs ahead: the next is within a day.
    await expect.poll(async () => (await row.locator('td').nth(3).innerText()).trim(), WAIT).toMatch(/^in \d+ (h|min|s)/);
    expect(cells[4]).toBe('Active');

    await row.getByRole('link', { name: 'etl/nightly' }).click();
    await expect.poll(() => page.url(), WAIT).toContain(`#/deployments/${deployment.id}`);
    expect(await page.getByTestId('deployment-name').innerText()).toBe('etl/nightly');
    const schedules = page.getByTestId('deployment-schedule');
    await expect.poll(() => schedules.first().innerText(), WAIT).toMatch(/^active\s+at 03:00 every day/);
    // At least three runs ahead, a day apart.
    const upcoming = page.getByTestId('deployment-upcoming').getByTestId('deployment-run-item');
    await expect.poll(() => upcoming.count(), WAIT).toBeGreaterThanOrEqual(3);
    expect(await upcoming.first().innerText()).toMatch(/^Scheduled nightly-\S+ in \d+ (h|min)/);
    expect(await upcoming.nth(1).innerText()).toMatch(/^Scheduled nightly-\S+ in 1 day/);

    // Run, with parameters from the schema filled with the deployment's defaults.
    await page.getByTestId('deployment-run').click();
    const form = page.getByTestId('deployment-run-form');
    const source = form.locator('[data-field=source] input');
    const limit = form.locator('[data-field=limit] input');
    expect(await source.inputValue()).toBe('s3://in');
    expect(await limit.inputValue()).toBe('100');
    // What the form checks itself shows at once; what only the server checks comes back beside its field.
    await limit.fill('many');
    await page.getByTestId('deployment-run-start').click();
    await expect.poll(() => form.locator('[data-field=limit] .fd-field-error').innerText(), WAIT).toBe('Limit must be a number');
    await limit.fill('7');
    await source.fill('s3');
    await page.getByTestId('deployment-run-start').click();
    await expect.poll(() => form.locator('[data-field=source] .fd-field-error').innerText(), WAIT).toBe('must be at least 3 characters long');
    expect(await runsMadeOnDemand(deployment.id)).toEqual([]);
    await source.fill('s3://out');
    await page.getByTestId('deployment-run-start').click();
    await expect.poll(() => form.count(), WAIT).toBe(0);

    const made = await runsMadeOnDemand(deployment.id);
    expect(made).toHaveLength(1);
    const run = await api<FlowRun>('GET', `/flow-runs/${made[0].id}`);
    expect(run.parameters).toMatchObject({ source: 's3://out', limit: 7 });
    // Due now and waiting for a worker: first among the next runs, with a link to its page.
    const item = page.locator(`[data-testid=deployment-run-item][data-run-id="${run.id}"]`);
    await expect.poll(() => item.count(), WAIT).toBe(1);
    expect(await item.innerText()).toMatch(/due|late by/);
    expect(await item.getByRole('link', { name: run.name }).getAttribute('href')).toBe(`#/runs/${run.id}`);

    await page.getByTestId('deployment-pause').click();
    await expect.poll(() => page.getByTestId('deployment-paused').count(), WAIT).toBe(1);
    expect((await api<DeploymentRead>('GET', `/deployments/${deployment.id}`)).paused).toBe(true);
    await page.getByTestId('deployment-resume').click();
    await expect.poll(() => page.getByTestId('deployment-paused').count(), WAIT).toBe(0);
    expect((await api<DeploymentRead>('GET', `/deployments/${deployment.id}`)).paused).toBe(false);
    // The refused run, and nothing else.
    expect(ui.errors).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });
});

describe('upcoming and late runs', () => {
  it('shows on the dashboard with the late count, and on the runs list with when each is due and quick filters', async () => {
    const deployment = await deployEtl('on-demand', []);
    const soon = await api<FlowRun>('POST', `/deployments/${deployment.id}/runs`, { scheduledTime: Date.now() + 10 * 60_000 });
    const missed = await api<FlowRun>('POST', `/deployments/${deployment.id}/runs`, { scheduledTime: Date.now() - 60_000 });
    // The server's late round names it Late once it is 15 s past its time with no worker taking it.
    await expect.poll(async () => (await api<FlowRun>('GET', `/flow-runs/${missed.id}`)).state.name, { timeout: 60_000 }).toBe('Late');

    const ui = await suite.open(`${suite.server.url}#/dashboard`);
    const { page } = ui;
    const upcoming = page.getByTestId('upcoming-runs');
    await expect.poll(() => upcoming.innerText(), WAIT).toContain(soon.name);
    expect(await upcoming.locator(`[data-run-id="${soon.id}"]`).innerText()).toMatch(/etl\/on-demand in (9|10) min/);
    const late = page.getByTestId('late-runs');
    expect(Number(await page.getByTestId('late-count').innerText())).toBeGreaterThanOrEqual(1);
    expect(await late.locator(`[data-run-id="${missed.id}"]`).innerText()).toMatch(/Late .*late by 1 min/);

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    const rows = page.getByTestId('runs-row');
    const shown = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id')));
    const shownStates = () => rows.evaluateAll((els) => [...new Set(els.map((el) => el.querySelector('[data-testid=runs-row-state]')?.textContent))]);
    await page.getByTestId('runs-due-late').click();
    // The list is read again for the filter; until then the one before stays in sight.
    await expect.poll(shownStates, WAIT).toEqual(['Late']);
    expect(await shown()).toContain(missed.id);
    expect(await page.locator(`[data-testid=runs-row][data-run-id="${missed.id}"]`).getByTestId('runs-row-due').innerText()).toMatch(
      /^late by 1 min/,
    );
    await page.getByTestId('runs-due-upcoming').click();
    await expect.poll(shownStates, WAIT).toEqual(['Scheduled']);
    expect(await shown()).toContain(soon.id);
    expect(await page.locator(`[data-testid=runs-row][data-run-id="${soon.id}"]`).getByTestId('runs-row-due').innerText()).toMatch(/^in (9|10) min/);
    expect(ui.errors).toEqual([]);
  });
});

describe("the builder's Deploy dialog", () => {
  it('deploys the open file with a name, a cron schedule, a pool and parameters', async () => {
    await ensurePool('local');
    suite.server.writeFile(
      'flows/report.ts',
      [
        "import { flow } from 'flowdeck';",
        "import { z } from 'zod';",
        '',
        "export default flow({ name: 'report', parameters: z.object({ region: z.string().default('eu'), top: z.number().int().default(5) }) }, async ({ region, top }) => `${region}:${top}`);",
        '',
      ].join('\n'),
    );
    const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent('flows/report.ts')}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('flows/report.ts');
    await page.getByTestId('deploy-button').click();
    const form = page.getByTestId('deploy-form');
    await form.waitFor();
    await form.getByLabel('Name').fill('weekly');
    await form.getByLabel('Cron', { exact: true }).check();
    await form.locator('#fd-deploy-cron').fill('0 6 * * 1');
    await form.locator('#fd-deploy-timezone').fill('Europe/Berlin');
    await expect.poll(() => page.getByTestId('deploy-schedule-preview').innerText(), WAIT).toMatch(/06:00.*Europe\/Berlin/);
    await form.locator('#fd-deploy-pool').selectOption('local');
    await form.locator('[data-field=top] input').fill('12');
    await page.getByTestId('deploy-submit').click();
    await expect.poll(() => page.getByTestId('deployed').innerText(), { timeout: 90_000 }).toContain('report/weekly');

    const deployed = await api<DeploymentRead>('GET', '/deployments/name/report/weekly');
    expect(deployed).toMatchObject({ workPool: 'local', parameters: { top: 12 }, entrypoint: expect.stringMatching(/report\.ts/) });
    expect(deployed.schedules.map((s) => s.schedule)).toEqual([{ cron: '0 6 * * 1', timezone: 'Europe/Berlin' }]);
    expect(deployed.bundle).toMatch(/^[0-9a-f]{64}$/);
    expect(ui.errors).toEqual([]);
  });

  it('deploys a flow exported under a name other than its own, by that export, opened with Ctrl+Shift+Enter', async () => {
    await ensurePool('local');
    suite.server.writeFile(
      'flows/chores.ts',
      [
        "import { flow } from 'flowdeck';",
        '',
        "const cleanUp = flow({ name: 'clean-up' }, async () => 'clean');",
        "const scratch = flow({ name: 'scratch' }, async () => 'not exported');",
        'export { cleanUp as tidy };',
        "export default flow({ name: 'chores' }, async () => scratch());",
        '',
      ].join('\n'),
    );
    const ui = await suite.open(`${suite.server.url}?file=${encodeURIComponent('flows/chores.ts')}`);
    const { page } = ui;
    await expect.poll(() => page.getByTestId('doc-name').innerText(), WAIT).toBe('flows/chores.ts');
    await page.keyboard.press('Control+Shift+Enter');
    const form = page.getByTestId('deploy-form');
    await form.waitFor();
    const choice = form.locator('#fd-deploy-flow');
    expect(await choice.locator('option').allInnerTexts()).toEqual([
      'chores (default export)',
      'clean-up (exported as tidy)',
      'scratch (not exported)',
    ]);

    // A flow the file does not export cannot be loaded by a worker: the dialog says so and does not deploy it.
    await choice.selectOption('scratch');
    await expect.poll(() => page.getByTestId('deploy-not-exported').innerText(), WAIT).toContain('does not export scratch');
    expect(await page.getByTestId('deploy-submit').isDisabled()).toBe(true);

    await choice.selectOption('clean-up');
    expect(await page.getByTestId('deploy-not-exported').count()).toBe(0);
    await form.getByLabel('Name').fill('daily');
    await form.locator('#fd-deploy-pool').selectOption('local');
    await page.getByTestId('deploy-submit').click();
    await expect.poll(() => page.getByTestId('deployed').innerText(), { timeout: 90_000 }).toContain('clean-up/daily');
    const deployed = await api<DeploymentRead>('GET', '/deployments/name/clean-up/daily');
    expect(deployed).toMatchObject({ flowName: 'clean-up', workPool: 'local', entrypoint: expect.stringMatching(/chores\.ts:tidy$/) });
    expect(ui.errors).toEqual([]);
  });
});
