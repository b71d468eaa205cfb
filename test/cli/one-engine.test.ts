// A flow file run by the built `flowdeck` command imports `flowdeck` and `flowdeck/tasks` as the very
// modules the command runs it with: a second copy of the engine would have its own run context and
// store, so the flow would find no store and getRunLogger and getRunContext no run. A folder without
// zod gets the zod the command ships.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, readStore, runCli, showOutput, useCliHome } from '../helpers/cli.js';

const cliHome = useCliHome();
let dir: string;
beforeEach(() => {
  // A folder with no node_modules: every package comes from the command's own installation.
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-one-engine-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SHARED = `import { flow, task, getRunLogger, getRunContext } from 'flowdeck';
import { transform } from 'flowdeck/tasks';
import { z } from 'zod';

const where = task({ name: 'where' }, async () => {
  getRunLogger().info('inside the task');
  return getRunContext().taskRun?.name;
});

export default flow(
  { name: 'shared', parameters: z.object({ times: z.number().describe('How many times to ask').default(1) }) },
  async ({ times }: { times: number }) => {
    getRunLogger().info(\`asking \${times} times\`);
    const names: unknown[] = [];
    for (let i = 0; i < times; i++) names.push(await where());
    return transform(names, (list: unknown[]) => list.join(','));
  },
);
`;

function flowFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function expectSharedRun(path: string) {
  const result = await runCli(['run', path, '--param', 'times=2', '--json'], { home: cliHome.home });
  expect(result.code, showOutput(result)).toBe(0);
  const json = lastJsonLine(result.stdout);
  expect(json.state.type).toBe('COMPLETED');
  expect(json.result).toBe('where-0,where-1');
  const messages = await readStore(cliHome.dbPath, async (store) => (await store.logs(json.flowRunId)).map((log) => log.message));
  expect(messages).toEqual(expect.arrayContaining(['asking 2 times', 'inside the task']));
}

describe('a flow file run by the built command', () => {
  it('runs in the command’s own engine, compiled and then from the cache', async () => {
    const path = flowFile('shared.ts', SHARED);
    await expectSharedRun(path);
    await expectSharedRun(path);
  });

  it('runs in the command’s own engine when it is loaded through the module hooks', async () => {
    // Finding a file at run time sends the flow file through the hooks rather than the cache.
    const path = flowFile('hooked.ts', `${SHARED}\nexport const here = import.meta.resolve('./hooked.ts');\n`);
    await expectSharedRun(path);
  });

  it('describes the parameters of a flow whose folder has no zod of its own', async () => {
    const path = flowFile('shared.ts', SHARED);
    const result = await runCli(['flow', 'describe', path, '--json'], { home: cliHome.home });
    expect(result.code, showOutput(result)).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      flows: [{ name: 'shared', parameters: { properties: { times: { type: 'number', default: 1, description: 'How many times to ask' } } } }],
    });
  });
});
