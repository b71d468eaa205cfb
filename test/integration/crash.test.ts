// A flow process that is killed mid-task: nothing it ran is lost, and its runs end Crashed, by
// the next command that opens the store (SIGKILL) or by the process itself (SIGTERM).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { FlowRun, TaskRun } from '../../app/core/index.js';
import { fixtureFlow, readStore, runCli, showOutput, spawnCli, stateNames, waitForRunningTask, type CliProcess, useCliHome } from '../helpers/cli.js';

const temp = useCliHome();

/** Starts the long-task fixture (its task sleeps 30 s) and waits until its task run is RUNNING and has logged. */
async function startLongTask(extraArgs: string[] = []): Promise<{ proc: CliProcess; flowRun: FlowRun; taskRun: TaskRun }> {
  const proc = spawnCli(['run', fixtureFlow('long-task'), '--json', ...extraArgs], { home: temp.home });
  return { proc, ...(await waitForRunningTask(proc, temp.dbPath, { logged: 'napping' })) };
}

it('SIGKILL: the next command that opens the store records the flow run and its task run as Crashed', async () => {
  const { proc, flowRun, taskRun } = await startLongTask();
  expect(flowRun.pid).toBe(proc.child.pid);

  proc.kill('SIGKILL');
  const killed = await proc.wait();
  expect(killed.signal).toBe('SIGKILL');

  // Nobody has looked yet: the store still says RUNNING, as the process left it.
  await readStore(temp.dbPath, async (store) => {
    expect((await store.flowRun(flowRun.id))?.state.type).toBe('RUNNING');
  });

  const ls = await runCli(['flow-run', 'ls', '--json'], { home: temp.home });
  expect(ls.code, showOutput(ls)).toBe(0);
  const listed = JSON.parse(ls.stdout) as FlowRun[];
  expect(listed.map((r) => [r.id, r.state.type, r.state.name])).toEqual([[flowRun.id, 'CRASHED', 'Crashed']]);

  await readStore(temp.dbPath, async (store) => {
    const flowStates = await store.states(flowRun.id);
    expect(stateNames(flowStates)).toEqual(['Pending', 'Running', 'Crashed']);
    expect(flowStates.at(-1)?.message).toBeTruthy();
    const taskStates = await store.states(taskRun.id);
    expect(stateNames(taskStates)).toEqual(['Pending', 'Running', 'Crashed']);
    expect((await store.taskRuns(flowRun.id)).map((t) => [t.id, t.state.type])).toEqual([[taskRun.id, 'CRASHED']]);
    // What the task logged before the kill is still there.
    expect((await store.logs(flowRun.id)).map((l) => l.message)).toContain('napping for 30s');
  });

  // Listing again changes nothing: the crash was recorded once.
  const again = await runCli(['task-run', 'ls', '--flow-run', flowRun.id, '--json'], { home: temp.home });
  expect(again.code, showOutput(again)).toBe(0);
  expect((JSON.parse(again.stdout) as TaskRun[]).map((t) => t.state.name)).toEqual(['Crashed']);
  await readStore(temp.dbPath, async (store) => {
    expect(stateNames(await store.states(flowRun.id))).toEqual(['Pending', 'Running', 'Crashed']);
    expect(stateNames(await store.states(taskRun.id))).toEqual(['Pending', 'Running', 'Crashed']);
  });
});

it('SIGTERM: the process records Crashed itself, runs onCrashed and exits with 143', async () => {
  const marker = join(temp.home, 'on-crashed.txt');
  const { proc, flowRun, taskRun } = await startLongTask(['--param', `marker=${marker}`]);

  proc.kill('SIGTERM');
  const ended = await proc.wait();
  expect(ended.code, showOutput(ended)).toBe(143);
  expect(ended.stderr).toContain('SIGTERM');

  // Read without sweeping: these states were written by the process before it exited.
  await readStore(temp.dbPath, async (store) => {
    const flowStates = await store.states(flowRun.id);
    expect(stateNames(flowStates)).toEqual(['Pending', 'Running', 'Crashed']);
    expect(flowStates.at(-1)?.message).toContain('SIGTERM');
    const taskStates = await store.states(taskRun.id);
    expect(stateNames(taskStates)).toEqual(['Pending', 'Running', 'Crashed']);
    expect(taskStates.at(-1)?.message).toContain('SIGTERM');
  });
  expect(readFileSync(marker, 'utf8')).toBe('Crashed');

  // A later command finds nothing more to do.
  const ls = await runCli(['flow-run', 'ls', '--json'], { home: temp.home });
  expect((JSON.parse(ls.stdout) as FlowRun[]).map((r) => r.state.name)).toEqual(['Crashed']);
  await readStore(temp.dbPath, async (store) => {
    expect(stateNames(await store.states(flowRun.id))).toEqual(['Pending', 'Running', 'Crashed']);
  });
});
