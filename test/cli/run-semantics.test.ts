// What `flowdeck run` makes of Prefect's semantics: JSON parameters read by the flow's schema,
// failures in the logs, and a task that never ran shown as NotReady. The real CLI in a child process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli, showOutput, useCliHome } from '../helpers/cli.js';

const cliHome = useCliHome();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-semantics-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const COUNTING = `import { flow } from 'flowdeck';
import { z } from 'zod';
export default flow({ name: 'count', parameters: z.object({ count: z.number(), loud: z.boolean().default(false) }) },
  async ({ count, loud }: { count: number; loud: boolean }) => ({ next: count + 1, loud }));
`;

const FAILING = `import { flow, task } from 'flowdeck';
const broken = task({ name: 'broken' }, () => { throw new Error('disk on fire'); });
const after = task({ name: 'after' }, (x: unknown) => x);
export default flow({ name: 'failing' }, async () => {
  await after.submit(broken.submit()).wait();
  return broken.submit();
});
`;

describe('flowdeck run with semantics from Prefect', () => {
  it('--params-json values are read by the schema as --param values are ("1" for a number is 1)', async () => {
    const path = file('count.ts', COUNTING);
    const result = await runCli(['run', path, '--params-json', '{"count":"1","loud":"true"}', '--json'], { home: cliHome.home });
    expect(result.code, showOutput(result)).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ state: { type: 'COMPLETED' }, result: { next: 2, loud: true } });
    const refused = await runCli(['run', path, '--params-json', '{"count":"one"}'], { home: cliHome.home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('count');
  });

  it('a failed run: its logs hold the error and stack, the returned failure fails it, and the task that never ran is NotReady', async () => {
    const path = file('failing.ts', FAILING);
    const result = await runCli(['run', path, '--json'], { home: cliHome.home });
    expect(result.code, showOutput(result)).toBe(1);
    const run = lastJsonLine(result.stdout);
    expect(run.state).toEqual({ type: 'FAILED', name: 'Failed' });

    const logs = await runCli(['flow-run', 'logs', run.flowRunId, '--level', 'error'], { home: cliHome.home });
    expect(logs.code, showOutput(logs)).toBe(0);
    expect(logs.stdout).toContain('failed: Error: disk on fire');
    expect(logs.stdout).toContain('flow run failed: Error: disk on fire');
    expect(logs.stdout).toMatch(/\n\s+at /);

    const tasks = await runCli(['task-run', 'ls', '--flow-run', run.flowRunId, '--json'], { home: cliHome.home });
    const runs = JSON.parse(tasks.stdout) as { name: string; state: { type: string; name: string } }[];
    expect(runs.map((r) => [r.name, r.state.type, r.state.name]).sort()).toEqual([
      ['after-0', 'PENDING', 'NotReady'],
      ['broken-0', 'FAILED', 'Failed'],
      ['broken-1', 'FAILED', 'Failed'],
    ]);
  });
});
