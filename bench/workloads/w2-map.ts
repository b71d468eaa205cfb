/** W2: one flow maps a trivial task over 10,000 items, then waits for every result. */
import { flow, task } from '../../app/engine/index.js';
import { openEngineStore, type Commit } from '../lib/env.js';
import { startCpuMeter, type CpuUse } from '../lib/cpu-meter.js';
import { nowMs } from '../lib/stats.js';

export const W2_ITEMS = 10_000;

const item = task({ name: 'w2-item' }, (x: number) => x);

const fanOut = flow({ name: 'w2-map' }, async (params: { items: number }) => {
  const items = Array.from({ length: params.items }, (_, i) => i);
  const results = await item.map(items).result();
  return results.length;
});

export interface W2Run {
  ms: number;
  tasksPerSecond: number;
  commits: Commit[] | null;
  /** What the run cost the process, from the call to the last commit. */
  cpu: CpuUse;
}

/** One run against a fresh store; the time runs from the call until the flow run is Completed. */
export async function runW2(items = W2_ITEMS): Promise<W2Run> {
  const env = await openEngineStore('w2');
  try {
    const stopCpu = startCpuMeter();
    const start = nowMs();
    const outcome = await fanOut.run({ items });
    await env.store.flush();
    const ms = nowMs() - start;
    const cpu = stopCpu();
    if (!outcome.ok || outcome.result !== items) {
      throw new Error(`W2 flow run ended ${outcome.state.name} with ${String(outcome.result)}: ${String(outcome.error)}`);
    }
    const completed = env.database.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM task_runs WHERE state_type = 'COMPLETED'").get()!.n;
    if (completed !== items) throw new Error(`W2 stored ${completed} completed task runs, expected ${items}`);
    return { ms, tasksPerSecond: (items / ms) * 1000, commits: env.commits, cpu };
  } finally {
    await env.dispose();
  }
}
