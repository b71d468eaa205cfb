// `flowdeck flow-run cancel ID` from another process: the run's own process hears of it at its
// next heartbeat, stops the task, records Cancelling → Cancelled and exits with code 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  fixtureFlow,
  lastJsonLine,
  readStore,
  runCli,
  showOutput,
  spawnCli,
  stateNames,
  waitForRunningTask,
  waitUntil,
  useCliHome,
} from '../helpers/cli.js';

const temp = useCliHome();

/** Frequent heartbeats and a short grace period keep the test quick; nothing here measures them. */
const ENV = { FLOWDECK_HEARTBEAT_SECONDS: '0.2', FLOWDECK_CANCEL_GRACE_SECONDS: '1' };

async function startAndCancel(listen: boolean) {
  const marker = join(temp.home, 'on-cancellation.txt');
  const proc = spawnCli(
    ['run', fixtureFlow('long-task'), '--json', '--param', 'seconds=600', '--param', `listen=${listen}`, '--param', `marker=${marker}`],
    { home: temp.home, env: ENV },
  );
  const { flowRun, taskRun } = await waitForRunningTask(proc, temp.dbPath);

  const cancel = await runCli(['flow-run', 'cancel', flowRun.id], { home: temp.home, env: ENV });
  expect(cancel.code, showOutput(cancel)).toBe(0);
  expect(cancel.stdout).toContain('Cancelling');
  expect(cancel.stdout).toContain(flowRun.id);
  return { proc, flowRun, taskRun, marker };
}

it('a task that listens to its signal stops, the run ends Cancelled and the process exits 1', async () => {
  const { proc, flowRun, taskRun, marker } = await startAndCancel(true);

  const ended = await proc.wait();
  expect(ended.code, showOutput(ended)).toBe(1);
  const json = lastJsonLine(ended.stdout);
  expect(json.flowRunId).toBe(flowRun.id);
  expect(json.state).toEqual({ type: 'CANCELLED', name: 'Cancelled' });

  await readStore(temp.dbPath, async (store) => {
    const flowStates = await store.states(flowRun.id);
    expect(stateNames(flowStates)).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
    expect(flowStates.map((s) => s.type).slice(-2)).toEqual(['CANCELLING', 'CANCELLED']);
    const taskStates = await store.states(taskRun.id);
    expect(stateNames(taskStates)).toEqual(['Pending', 'Running', 'Cancelled']);
    expect((await store.taskRuns(flowRun.id)).map((t) => t.state.type)).toEqual(['CANCELLED']);
  });
  expect(readFileSync(marker, 'utf8')).toBe('Cancelled');

  // A second cancel finds the run finished.
  const again = await runCli(['flow-run', 'cancel', flowRun.id], { home: temp.home });
  expect(again.code, showOutput(again)).toBe(1);
  expect(again.stderr).toContain('already finished');
});

it('a task that ignores its signal is still recorded Cancelled', async () => {
  const { flowRun, taskRun } = await startAndCancel(false);

  // Only the store is checked here; whether the process ends is the next test's question.
  await waitUntil(() => readStore(temp.dbPath, async (store) => (await store.flowRun(flowRun.id))?.state.type === 'CANCELLED'), {
    what: 'the flow run to be CANCELLED',
  });
  await readStore(temp.dbPath, async (store) => {
    expect(stateNames(await store.states(flowRun.id))).toEqual(['Pending', 'Running', 'Cancelling', 'Cancelled']);
    expect(stateNames(await store.states(taskRun.id))).toEqual(['Pending', 'Running', 'Cancelled']);
  });
});

it('a task that ignores its signal does not keep the cancelled flow process alive', async () => {
  const { proc, flowRun } = await startAndCancel(false);

  // The task would sleep for 10 minutes. Once the run is Cancelled (within the 1 s grace period
  // after the next heartbeat) the process must end; 20 s is only a safety net.
  const ended = await proc.wait(20_000);
  expect(ended.code, showOutput(ended)).toBe(1);
  expect(lastJsonLine(ended.stdout)).toMatchObject({ flowRunId: flowRun.id, state: { type: 'CANCELLED', name: 'Cancelled' } });
});
