// A flow file that imports `flowdeck/tasks`, run by the real `flowdeck` command from its own folder.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fixtureFlow, lastJsonLine, readStore, runCli, showOutput, useCliHome } from '../../helpers/cli.js';

const temp = useCliHome();

it('flowdeck run resolves flowdeck/tasks anywhere, and each built-in task is a recorded task run', async () => {
  const folder = join(temp.home, 'project');
  mkdirSync(folder);
  copyFileSync(fixtureFlow('builtin-tasks'), join(folder, 'flow.ts'));
  const result = await runCli(['run', 'flow.ts', '--json'], { home: temp.home, cwd: folder });
  expect(result.code, showOutput(result)).toBe(0);
  const json = lastJsonLine(result.stdout);
  expect(json.result).toEqual({ again: ['a b', '$(id)'], rows: [{ text: 'a b' }, { text: '$(id)' }] });
  expect(existsSync(join(folder, 'out', 'lines.db'))).toBe(true);
  expect(result.stderr).toContain('stored 2 lines');
  await readStore(temp.dbPath, async (store) => {
    const runs = await store.taskRuns(json.flowRunId);
    expect(runs.map((r) => [r.name, r.state.name])).toEqual([
      ['shell-command-0', 'Completed'],
      ['transform-0', 'Completed'],
      ['write-file-0', 'Completed'],
      ['read-file-0', 'Completed'],
      ['sql-query-0', 'Completed'],
      ['sql-query-1', 'Completed'],
      ['sql-query-2', 'Completed'],
      ['notify-0', 'Completed'],
    ]);
  });
});
