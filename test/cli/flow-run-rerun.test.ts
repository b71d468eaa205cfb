// `flowdeck flow-run rerun` and `flow-run retry` refuse what they cannot do with exit 2 and a
// message that says why, before anything changes: no new run, no state moved.
import { expect, it } from 'vitest';
import { cli, useSeededStore, type CliResult } from './harness.js';

const seeded = useSeededStore();

/** A finished flow run (Completed unless told) with a completed task run called with two arguments. */
async function finishedRun(name: string, end: 'Completed' | 'Failed' = 'Completed') {
  const { seed } = seeded;
  const id = await seed.flowRun({ name });
  await seed.move('flow', id, 'RUNNING', 'Running');
  const taskRunId = await seed.taskRun(id, { name: 'add-0', inputs: '[1,2]' });
  await seed.move('task', taskRunId, 'RUNNING', 'Running');
  await seed.move('task', taskRunId, 'COMPLETED', 'Completed');
  await seed.move('flow', id, end.toUpperCase() as 'COMPLETED' | 'FAILED', end);
  return { id, taskRunId };
}

/** Every run with its state and count of states, to compare before and after a refusal. */
async function everything() {
  const runs = await seeded.store.listFlowRuns({ limit: 100 });
  return Promise.all(
    runs.map(async (r) => ({
      id: r.id,
      state: r.state.name,
      states: (await seeded.store.listStates(r.id)).length,
      taskRuns: (await seeded.store.listTaskRuns(r.id)).length,
    })),
  );
}

async function refused(argv: string[], message: string): Promise<CliResult> {
  const before = await everything();
  const result = await cli(seeded.home, ...argv);
  expect(result.code, result.err).toBe(2);
  expect(result.err).toContain(message);
  expect(await everything()).toEqual(before);
  return result;
}

it('a run from a task is refused for a missing or bad --from, --code or --inputs, naming what was wrong', async () => {
  const { id, taskRunId } = await finishedRun('calm-otter');
  const other = await finishedRun('brave-fox');
  await refused(['flow-run', 'rerun', id], '--from needs the task run to run again from: its id, a prefix of it, or its name');
  await refused(['flow-run', 'rerun', id, '--from', 'nine-0'], "flow run 'calm-otter' has no task run 'nine-0'; its task runs are add-0");
  await refused(
    ['flow-run', 'rerun', id, '--from', other.taskRunId],
    `task run '${other.taskRunId}' belongs to flow run ${other.id}, not to flow run 'calm-otter' (${id})`,
  );
  await refused(['flow-run', 'rerun', id, '--from', 'add-0', '--code', 'yesterday'], "--code must be current or original, not 'yesterday'");
  // A run recorded with no entrypoint has no file to run again.
  await refused(['flow-run', 'rerun', id, '--from', 'add-0'], "flow run 'calm-otter' has no entrypoint to run again");
  await refused(['flow-run', 'rerun', id, '--from', 'add-0', '--inputs', '{"a":1}'], '--inputs must be a JSON array of the arguments');
  await refused(
    ['flow-run', 'rerun', id, '--from', taskRunId, '--inputs', '[1,2,3]'],
    "task run 'add-0' was called with 2 arguments, but the inputs give 3; give a JSON array of 2",
  );
  await refused(['flow-run', 'rerun', 'no-such-run', '--from', 'add-0'], 'no-such-run');
});

it('a run from a task is refused while the run has not finished', async () => {
  const { seed } = seeded;
  const id = await seed.flowRun({ name: 'busy-bee' });
  await seed.move('flow', id, 'RUNNING', 'Running');
  await seed.taskRun(id, { name: 'add-0', inputs: '[1,2]' });
  await refused(
    ['flow-run', 'rerun', id, '--from', 'add-0'],
    "flow run 'busy-bee' is Running; it can be run again from a task once it has finished (or been cancelled)",
  );
});

it('a retry is refused for --all with --reuse-changed, and for an unknown --requested-by', async () => {
  const { id } = await finishedRun('sad-seal', 'Failed');
  await refused(['flow-run', 'retry', id, '--all', '--reuse-changed'], '--all runs every task again, so --reuse-changed has nothing to reuse');
  await refused(['flow-run', 'retry', id, '--requested-by', 'telepathy'], "--requested-by must be one of ui, cli, api, automation, not 'telepathy'");
});
