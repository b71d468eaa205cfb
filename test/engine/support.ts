/** Small readers over what the store recorded, shared by the engine tests. */
import type { SqliteStore } from '../../app/server/store/index.js';
import type { State, StoredLog, TaskRun } from '../../app/core/index.js';
import { getRunContext } from '../../app/engine/index.js';

/** A run's state history as `Name:attempt`, oldest first. */
export function historyOf(store: SqliteStore, runId: string): string[] {
  return store.listStates(runId).map((s) => `${s.name}:${s.attempt}`);
}

/** State names only, oldest first. */
export function namesOf(store: SqliteStore, runId: string): string[] {
  return store.listStates(runId).map((s) => s.name);
}

export function stateNamed(store: SqliteStore, runId: string, name: string): State {
  const state = store.listStates(runId).find((s) => s.name === name);
  if (!state) throw new Error(`run ${runId} has no ${name} state: ${namesOf(store, runId).join(', ')}`);
  return state;
}

/** The task runs of a flow run whose task key is `key`, in the order they were created. */
export function taskRunsOf(store: SqliteStore, flowRunId: string, key: string): TaskRun[] {
  return store.listTaskRuns(flowRunId).filter((r) => r.taskKey === key);
}

export function onlyTaskRun(store: SqliteStore, flowRunId: string, key: string): TaskRun {
  const runs = taskRunsOf(store, flowRunId, key);
  if (runs.length !== 1) {
    throw new Error(`expected one run of ${key}, found ${runs.length} (${store.listTaskRuns(flowRunId).map((r) => r.taskKey).join(', ')})`);
  }
  return runs[0];
}

/** Every log line of a flow run, once buffered lines are written. */
export async function logsOf(store: SqliteStore, flowRunId: string, options: { taskRunId?: string } = {}): Promise<StoredLog[]> {
  await store.flush();
  return store.listLogs(flowRunId, options);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` is true, polling every few milliseconds; fails after `limitMs`. */
export async function until(check: () => boolean, limitMs = 5000): Promise<void> {
  const stop = Date.now() + limitMs;
  while (!check()) {
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
