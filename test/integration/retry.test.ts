// `flowdeck flow-run retry ID` runs a failed flow run again, in a new process, as the next attempt
// of the same flow run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fixtureFlow, lastJsonLine, readStore, runCli, showOutput, useCliHome } from '../helpers/cli.js';

const temp = useCliHome();

it('a flow that failed once is retried by id and completes as the same flow run', async () => {
  const marker = join(temp.home, 'ran-before.txt');
  const first = await runCli(['run', fixtureFlow('fails-once'), '--param', `marker=${marker}`, '--json'], { home: temp.home });
  expect(first.code, showOutput(first)).toBe(1);
  const failed = lastJsonLine(first.stdout);
  expect(failed.state).toEqual({ type: 'FAILED', name: 'Failed' });
  expect(existsSync(marker)).toBe(true);

  // The retry runs from another folder: the run's entrypoint is an absolute path.
  const retried = await runCli(['flow-run', 'retry', failed.flowRunId, '--json'], { home: temp.home, cwd: temp.home });
  expect(retried.code, showOutput(retried)).toBe(0);
  const done = lastJsonLine(retried.stdout);
  expect(done.flowRunId).toBe(failed.flowRunId);
  expect(done.state).toEqual({ type: 'COMPLETED', name: 'Completed' });
  expect(done.result).toBe('loaded');

  await readStore(temp.dbPath, async (store) => {
    expect((await store.flowRuns()).map((r) => r.id)).toEqual([failed.flowRunId]);
    const run = (await store.flowRun(failed.flowRunId))!;
    expect(run.state.name).toBe('Completed');
    expect(run.runCount).toBe(2);
    expect(run.parameters).toEqual({ marker });

    const history = await store.states(run.id);
    expect(history.map((s) => `${s.type}/${s.name}:${s.attempt}`)).toEqual([
      'PENDING/Pending:1',
      'RUNNING/Running:1',
      'FAILED/Failed:1',
      'SCHEDULED/AwaitingRetry:1',
      'RUNNING/Retrying:2',
      'COMPLETED/Completed:2',
    ]);
    expect(history[2].error?.message).toBe('the warehouse was not ready (first attempt)');

    // Each attempt ran its own task run: the first failed, the second completed.
    const taskRuns = await store.taskRuns(run.id);
    expect(taskRuns.map((t) => [t.taskKey, t.state.name])).toEqual([
      ['load', 'Failed'],
      ['load', 'Completed'],
    ]);
    // What the second attempt logged belongs to its own task run.
    const ready = (await store.logs(run.id)).filter((l) => l.message === 'the warehouse is ready now');
    expect(ready.map((l) => l.taskRunId)).toEqual([taskRuns[1].id]);
  });

  // A completed run is not retried again.
  const again = await runCli(['flow-run', 'retry', failed.flowRunId], { home: temp.home });
  expect(again.code, showOutput(again)).toBe(2);
  expect(again.stderr).toContain('Completed');
  await readStore(temp.dbPath, async (store) => {
    expect((await store.states(failed.flowRunId)).at(-1)?.name).toBe('Completed');
  });
});
