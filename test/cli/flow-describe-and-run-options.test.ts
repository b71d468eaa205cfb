// `flowdeck flow describe` and the `run` options a server uses to start runs: the real CLI in a
// child process, over a temporary FLOWDECK_HOME.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, readStore, runCli, showOutput, useCliHome } from '../helpers/cli.js';
import { openTestStore } from '../helpers/store-factory.js';

const cliHome = useCliHome();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-describe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FLOWS = `import { flow } from 'flowdeck';
import { z } from 'zod';
export const side = flow({ name: 'side' }, async () => 0);
export default flow({ name: 'sum', parameters: z.object({ xs: z.array(z.number()), scale: z.number().default(1) }) },
  async ({ xs, scale }: { xs: number[]; scale: number }) => xs.reduce((a, b) => a + b, 0) * scale);
`;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('flowdeck flow describe', () => {
  it('prints each flow with its parameters, as a table or as JSON Schema', async () => {
    const path = file('sum.ts', FLOWS);
    const table = await runCli(['flow', 'describe', path], { home: cliHome.home });
    expect(table.code, showOutput(table)).toBe(0);
    expect(
      table.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/)),
    ).toEqual([
      ['FLOW', 'EXPORTS', 'PARAMETERS'],
      ['*', 'sum', 'default', 'xs, scale?'],
      ['side', 'side', '-'],
    ]);
    const json = await runCli(['flow', 'describe', path, '--json'], { home: cliHome.home });
    expect(lastJsonLine(json.stdout)).toEqual({
      flows: [
        {
          name: 'sum',
          isDefault: true,
          exports: ['default'],
          parameters: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            properties: { xs: { type: 'array', items: { type: 'number' } }, scale: { type: 'number', default: 1 } },
            required: ['xs'],
          },
        },
        { name: 'side', isDefault: false, exports: ['side'], parameters: null },
      ],
      deployments: [],
    });
  });

  it('names the exports of each flow: two names, the default export, and none for a flow the file makes but does not export', async () => {
    const path = file(
      'exports.ts',
      `import { flow } from 'flowdeck';
const etl = flow({ name: 'etl' }, async () => 1);
const hidden = flow({ name: 'hidden' }, async () => 3);
export { etl, etl as nightly };
export default flow({ name: 'report' }, async () => 2);
export const runHidden = () => hidden();
`,
    );
    const json = await runCli(['flow', 'describe', path, '--json'], { home: cliHome.home });
    expect(json.code, showOutput(json)).toBe(0);
    const described = lastJsonLine<{ flows: { name: string; isDefault: boolean; exports: string[] }[] }>(json.stdout);
    expect(described.flows.map(({ name, isDefault, exports }) => ({ name, isDefault, exports }))).toEqual([
      { name: 'report', isDefault: true, exports: ['default'] },
      { name: 'etl', isDefault: false, exports: ['etl', 'nightly'] },
      { name: 'hidden', isDefault: false, exports: [] },
    ]);
    const table = await runCli(['flow', 'describe', path], { home: cliHome.home });
    expect(
      table.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/)),
    ).toEqual([
      ['FLOW', 'EXPORTS', 'PARAMETERS'],
      ['*', 'report', 'default', '-'],
      ['etl', 'etl, nightly', '-'],
      ['hidden', '(not exported)', '-'],
    ]);
  });

  it('describes a file that deploys and serves at its top level, recording its deployments without making them or serving', async () => {
    const path = file(
      'deploys.ts',
      `import { flow, serve } from 'flowdeck';
export const etl = flow({ name: 'etl' }, async ({ n = 1 }: { n?: number } = {}) => n);
const made = await etl.deploy({ name: 'nightly', workPool: 'local', cron: '0 3 * * *', timezone: 'Asia/Shanghai', parameters: { n: 5 } });
console.log('deploy() answered ' + made.fullName + ' with id "' + made.id + '"');
await etl.serve({ name: 'hourly', interval: 3600 });
await serve(etl.toDeployment({ name: 'on-demand' }));
console.log('serve() returned');
`,
    );
    // No work pool 'local' exists and nothing serves: describing reaches neither the store nor a server.
    const json = await runCli(['flow', 'describe', path, '--json'], { home: cliHome.home });
    expect(json.code, showOutput(json)).toBe(0);
    expect(json.stdout).toContain('deploy() answered etl/nightly with id ""');
    expect(json.stdout).toContain('serve() returned');
    expect(lastJsonLine(json.stdout)).toEqual({
      flows: [{ name: 'etl', isDefault: false, exports: ['etl'], parameters: null }],
      deployments: [
        {
          method: 'deploy',
          fullName: 'etl/nightly',
          flowName: 'etl',
          name: 'nightly',
          entrypoint: 'deploys.ts:etl',
          workPool: 'local',
          workQueue: null,
          schedules: [expect.stringMatching(/03:00.*Asia\/Shanghai/)],
          parameters: { n: 5 },
        },
        {
          method: 'serve',
          fullName: 'etl/hourly',
          flowName: 'etl',
          name: 'hourly',
          entrypoint: 'deploys.ts:etl',
          workPool: null,
          workQueue: null,
          schedules: [expect.stringMatching(/hour/)],
          parameters: {},
        },
        {
          method: 'serve',
          fullName: 'etl/on-demand',
          flowName: 'etl',
          name: 'on-demand',
          entrypoint: 'deploys.ts:etl',
          workPool: null,
          workQueue: null,
          schedules: [],
          parameters: {},
        },
      ],
    });
    const table = await runCli(['flow', 'describe', path], { home: cliHome.home });
    expect(table.code, showOutput(table)).toBe(0);
    expect(table.stdout).toContain('Running this file makes these deployments (describing it made none)');
    expect(table.stdout).toMatch(/^etl\/nightly {2,}deploy\(\) {2,}deploys\.ts:etl {2,}local {2,}.*03:00/m);
    expect(table.stdout).toMatch(/^etl\/hourly {2,}serve\(\) {2,}deploys\.ts:etl {2,}\(its own process\) {2,}.*hour/m);
    if (existsSync(cliHome.dbPath)) {
      const store = await openTestStore({ path: cliHome.dbPath, sweepOnOpen: false });
      try {
        expect(await store.listDeployments()).toEqual([]);
      } finally {
        await store.close();
      }
    }
  });

  it('exits 2 with the file and line of a syntax error', async () => {
    const path = file('bad.ts', 'export default flow({ name: "x" }, async () => {\n  return 1 +;\n});\n');
    const result = await runCli(['flow', 'describe', path, '--json'], { home: cliHome.home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}:2:`);
  });
});

describe('flowdeck run --params-json --flow-run-id', () => {
  it('takes every parameter as one JSON object and creates the run with the given id', async () => {
    const path = file('sum.ts', FLOWS);
    const id = '0198c0de-0000-7000-8000-000000000001';
    const result = await runCli(['run', path, '--params-json', '{"xs":[1,2,3]}', '--param', 'scale=10', '--flow-run-id', id, '--json'], {
      home: cliHome.home,
    });
    expect(result.code, showOutput(result)).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ flowRunId: id, state: { type: 'COMPLETED' }, result: 60 });
    expect(await readStore(cliHome.dbPath, async (store) => (await store.flowRun(id))?.parameters)).toEqual({ xs: [1, 2, 3], scale: 10 });
  });

  it('refuses JSON that is not an object, and ids with odd characters, before running anything', async () => {
    const path = file('sum.ts', FLOWS);
    for (const args of [
      ['--params-json', '[1]'],
      ['--params-json', '{oops'],
      ['--flow-run-id', '../x'],
    ]) {
      const result = await runCli(['run', path, ...args], { home: cliHome.home });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/--params-json|--flow-run-id/);
    }
  });
});
