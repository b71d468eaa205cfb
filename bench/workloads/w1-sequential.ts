/**
 * W1: one flow, 1,000 sequential trivial tasks, fully tracked: every transition stored and one
 * log line per task through getRunLogger().info.
 */
import type { DebugOptions } from '../../app/core/index.js';
import { flow, getRunLogger, task } from '../../app/engine/index.js';
import { openEngineStore, type Commit, type EngineStore } from '../lib/env.js';
import { startCpuMeter, type CpuUse } from '../lib/cpu-meter.js';
import { nowMs } from '../lib/stats.js';

export const W1_TASKS = 1_000;

const step = task({ name: 'w1-step' }, async (i: number) => {
  getRunLogger().info(`step ${i}`);
  return i;
});

/** In the flow's module but never called: the debug round's breakpoint, so nothing stops. */
export const W1_UNCALLED_TASK = 'w1-uncalled';
export const uncalled = task({ name: W1_UNCALLED_TASK }, async () => null);

/** Shared with W5, which runs the same flow against a server over HTTP. */
export const sequential = flow({ name: 'w1-sequential' }, async (params: { tasks: number }) => {
  let last = -1;
  for (let i = 0; i < params.tasks; i++) last = await step(i);
  return last;
});

export interface W1Run {
  ms: number;
  tasksPerSecond: number;
  commits: Commit[] | null;
  /** What the run cost the process, from the call to the last commit. */
  cpu: CpuUse;
}

/**
 * One run against a fresh store; the time runs from the call until the flow run is Completed.
 * With `debug`, it is a debug run with those options.
 */
export async function runW1(tasks = W1_TASKS, debug?: DebugOptions): Promise<W1Run> {
  const env = await openEngineStore('w1');
  try {
    const stopCpu = startCpuMeter();
    const start = nowMs();
    const outcome = await sequential.run({ tasks }, debug ? { debug } : undefined);
    await env.store.flush();
    const ms = nowMs() - start;
    const cpu = stopCpu();
    if (!outcome.ok) throw new Error(`W1 flow run ended ${outcome.state.name}: ${String(outcome.error)}`);
    check(env, tasks);
    return { ms, tasksPerSecond: (tasks / ms) * 1000, commits: env.commits, cpu };
  } finally {
    await env.dispose();
  }
}

/** Everything the run claims to have stored is there. */
function check(env: EngineStore, tasks: number): void {
  const db = env.database;
  const count = (sql: string) => db.prepare<[], { n: number }>(sql).get()!.n;
  const completed = count("SELECT COUNT(*) AS n FROM task_runs WHERE state_type = 'COMPLETED'");
  const states = count("SELECT COUNT(*) AS n FROM states WHERE run_kind = 'task'");
  const logs = count('SELECT COUNT(*) AS n FROM logs WHERE task_run_id IS NOT NULL');
  if (completed !== tasks || states !== tasks * 3 || logs !== tasks) {
    throw new Error(
      `W1 stored ${completed} completed task runs, ${states} task states and ${logs} log lines; expected ${tasks}, ${tasks * 3}, ${tasks}`,
    );
  }
}
