// Deploying a workspace flow file as the builder's Deploy dialog does: the server runs a real
// `flowdeck deploy FILE[:EXPORT] --name ... --json` (bin/flowdeck.js over dist/), which bundles the
// file and deploys it through this same server's API.
import { describe, expect, it } from 'vitest';
import { call } from './support.js';
import { useWorkspaceServer } from './workspace-support.js';

const server = useWorkspaceServer({ apiKey: 'deploy-key' });
const AUTH = { authorization: 'Bearer deploy-key' };

const REPORT = `import { flow } from 'flowdeck';
import { z } from 'zod';

export const cleanup = flow({ name: 'cleanup' }, async () => 'clean');
const tidy = flow({ name: 'tidy-up' }, async () => 'tidy');
export { tidy };

export default flow(
  { name: 'report', parameters: z.object({ region: z.string().default('eu'), top: z.number().int().default(5) }) },
  async ({ region, top }: { region: string; top: number }) => \`\${region}:\${top}\`,
);
`;

function deploy(body: Record<string, unknown>) {
  return call(`${server.current.api}/workspace/deploy`, { method: 'POST', body, headers: AUTH });
}

async function withPool(name = 'local'): Promise<void> {
  const made = await call(`${server.current.api}/work-pools`, { method: 'POST', body: { name }, headers: AUTH });
  expect(made.status, made.text).toBe(200);
}

describe('deploying a workspace flow file', () => {
  it('deploys the default flow with its schedule, pool and parameters, its code bundled, and a named flow by its export', async () => {
    await withPool();
    server.current.put('flows/report.ts', REPORT);
    const answer = await deploy({
      path: 'flows/report.ts',
      name: 'weekly',
      workPool: 'local',
      schedule: { cron: '0 6 * * 1', timezone: 'Europe/Berlin' },
      parameters: { top: 12 },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      fullName: 'report/weekly',
      workPool: 'local',
      parameters: { top: 12 },
      entrypoint: expect.stringMatching(/report\.ts:default$/),
    });
    expect(answer.json.schedules.map((s: { schedule: unknown }) => s.schedule)).toEqual([{ cron: '0 6 * * 1', timezone: 'Europe/Berlin' }]);
    expect(answer.json.bundle).toMatch(/^[0-9a-f]{64}$/);
    const stored = await call(`${server.current.api}/deployments/name/report/weekly`, { headers: AUTH });
    expect(stored.json.id).toBe(answer.json.id);
    // The bundle it names is stored, for workers to fetch.
    expect((await call(`${server.current.api}/bundles/${answer.json.bundle}`, { headers: AUTH })).status).toBe(200);

    const named = await deploy({ path: 'flows/report.ts', export: 'cleanup', name: 'hourly', workPool: 'local', schedule: { interval: 3600 } });
    expect(named.status, named.text).toBe(200);
    expect(named.json).toMatchObject({ fullName: 'cleanup/hourly', entrypoint: expect.stringMatching(/report\.ts:cleanup$/) });
    // Exported under a name other than its flow's: the deployment is named by the flow, its entrypoint by the export.
    const renamed = await deploy({ path: 'flows/report.ts', export: 'tidy', name: 'daily', workPool: 'local' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toMatchObject({ fullName: 'tidy-up/daily', entrypoint: expect.stringMatching(/report\.ts:tidy$/) });
  });

  it("answers the CLI's own message with 400: an unknown pool, parameters that do not fit, a flow the file does not export", async () => {
    await withPool();
    server.current.put('flows/report.ts', REPORT);
    const pool = await deploy({ path: 'flows/report.ts', name: 'weekly', workPool: 'nowhere' });
    expect(pool.status).toBe(400);
    expect(pool.json.message).toMatch(/nowhere/);
    const parameters = await deploy({ path: 'flows/report.ts', name: 'weekly', workPool: 'local', parameters: { top: 'many' } });
    expect(parameters.status).toBe(400);
    expect(parameters.json.message).toMatch(/top/);
    const flow = await deploy({ path: 'flows/report.ts', export: 'missing', name: 'weekly', workPool: 'local' });
    expect(flow.status).toBe(400);
    expect(flow.json.message).toMatch(/missing/);
    expect(flow.json.message).not.toContain(server.current.workspace);
    expect((await call(`${server.current.api}/deployments`, { headers: AUTH })).json).toEqual([]);
  });

  it('refuses a file outside the workspace, a bad name or schedule, and schedule fields the command line cannot carry', async () => {
    await withPool();
    server.current.put('flows/report.ts', REPORT);
    const outside = await deploy({ path: '../outside/x.ts', name: 'weekly', workPool: 'local' });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(outside.status).toBeLessThan(500);
    const name = await deploy({ path: 'flows/report.ts', name: '-weekly', workPool: 'local' });
    expect(name.status).toBe(400);
    expect(name.json.message).toMatch(/name/);
    const cron = await deploy({ path: 'flows/report.ts', name: 'weekly', workPool: 'local', schedule: { cron: '61 * * * *' } });
    expect(cron.status).toBe(400);
    expect(cron.json.message).toMatch(/cron/);
    const anchored = await deploy({ path: 'flows/report.ts', name: 'weekly', schedule: { interval: 60, anchorDate: '2030-01-01T00:00:00Z' } });
    expect(anchored.status).toBe(400);
    expect(anchored.json.message).toBe('schedule: anchorDate cannot be set here; deploy from flowdeck.yaml for that');
    expect((await call(`${server.current.api}/deployments`, { headers: AUTH })).json).toEqual([]);
  });
});
