/** Small readers over what the store recorded, shared by the engine tests. */
import type { RunStore } from '../../app/server/index.js';
import type { State, StoredLog, TaskRun } from '../../app/core/index.js';
import { getRunContext } from '../../app/engine/index.js';

/** A run's state history as `Name:attempt`, oldest first. */
export async function historyOf(store: RunStore, runId: string): Promise<string[]> {
  return (await store.listStates(runId)).map((s) => `${s.name}:${s.attempt}`);
}

/** State names only, oldest first. */
export async function namesOf(store: RunStore, runId: string): Promise<string[]> {
  return (await store.listStates(runId)).map((s) => s.name);
}

export async function stateNamed(store: RunStore, runId: string, name: string): Promise<State> {
  const state = (await store.listStates(runId)).find((s) => s.name === name);
  if (!state) throw new Error(`run ${runId} has no ${name} state: ${(await namesOf(store, runId)).join(', ')}`);
  return state;
}

/** The task runs of a flow run whose task key is `key`, in the order they were created. */
export async function taskRunsOf(store: RunStore, flowRunId: string, key: string): Promise<TaskRun[]> {
  return (await store.listTaskRuns(flowRunId)).filter((r) => r.taskKey === key);
}

export async function onlyTaskRun(store: RunStore, flowRunId: string, key: string): Promise<TaskRun> {
  const runs = await taskRunsOf(store, flowRunId, key);
  if (runs.length !== 1) {
    throw new Error(`expected one run of ${key}, found ${runs.length} (${(await store.listTaskRuns(flowRunId)).map((r) => r.taskKey).join(', ')})`);
  }
  return runs[0];
}

/** Every log line of a flow run, once buffered lines are written. */
export async function logsOf(store: RunStore, flowRunId: string, options: { taskRunId?: string } = {}): Promise<StoredLog[]> {
  await store.flush();
  return store.listLogs(flowRunId, options);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` is true, polling every few milliseconds; fails after `limitMs`. */
export async function until(check: () => boolean | Promise<boolean>, limitMs = 5000): Promise<void> {
  const stop = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > stop) throw new Error('the condition was never met');
    await delay(5);
  }
}

/** Waits up to `ms`, or until the current run's signal fires, then throws its reason. */
export async function idle(ms: number): Promise<void> {
  const signal = getRunContext().signal;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
  if (signal.aborted) throw signal.reason;
}

/** A task body that fails `failures` times, then returns the attempt it succeeded on. */
export function failing(failures: number) {
  let calls = 0;
  return () => {
    calls++;
    if (calls <= failures) throw new Error(`failure ${calls}`);
    return calls;
  };
}
