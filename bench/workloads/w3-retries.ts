/**
 * W3: 1,000 task runs submitted at once (map); 30% of them (every item with i % 10 < 3) fail
 * twice before succeeding. retries=2, retryDelaySeconds=0.01, retryJitterFactor=0.5.
 * Lateness of a retry = timestamp of its Retrying state - scheduledTime of the AwaitingRetry
 * state before it, read from the store's states table after the run.
 */
import { flow, getRunContext, task } from '../../app/engine/index.js';
import { openEngineStore } from '../lib/env.js';
import { max, nowMs, percentile } from '../lib/stats.js';

export const W3_TASKS = 1_000;
export const W3_FAILURES_PER_FLAKY_TASK = 2;

export function isFlaky(i: number): boolean {
  return i % 10 < 3;
}

const flaky = task({ name: 'w3-flaky', retries: 2, retryDelaySeconds: 0.01, retryJitterFactor: 0.5 }, (i: number) => {
  if (isFlaky(i) && getRunContext().taskRun!.attempt <= W3_FAILURES_PER_FLAKY_TASK) {
    throw new Error(`planned failure of item ${i}`);
  }
  return i;
});

const retryStorm = flow({ name: 'w3-retries' }, async (params: { tasks: number }) => {
  const results = await flaky.map(Array.from({ length: params.tasks }, (_, i) => i)).result();
  return results.length;
});

export interface W3Run {
  ms: number;
  /** Lateness of every retry, in ms. */
  lateness: number[];
  p50: number;
  p99: number;
  max: number;
  /** The delays the store chose (scheduledTime - AwaitingRetry timestamp), per retry round. */
  delayWaves: number[][];
}

interface StateRow {
  run_id: string;
  name: string;
  timestamp: number;
  scheduled_time: number | null;
}

export async function runW3(tasks = W3_TASKS): Promise<W3Run> {
  const env = await openEngineStore('w3');
  try {
    const start = nowMs();
    const outcome = await retryStorm.run({ tasks });
    await env.store.flush();
    const ms = nowMs() - start;
    if (!outcome.ok || outcome.result !== tasks) {
      throw new Error(`W3 flow run ended ${outcome.state.name}: ${String(outcome.error)}`);
    }
    const rows = env.database
      .prepare<[], StateRow>("SELECT run_id, name, timestamp, scheduled_time FROM states WHERE run_kind = 'task' ORDER BY run_id, id")
      .all();
    const lateness: number[] = [];
    const delayWaves: number[][] = [];
    let run = '';
    let due: number | null = null;
    let round = 0;
    for (const row of rows) {
      if (row.run_id !== run) {
        run = row.run_id;
        due = null;
        round = 0;
      }
      if (row.name === 'AwaitingRetry' && row.scheduled_time !== null) {
        due = row.scheduled_time;
        (delayWaves[round] ??= []).push(row.scheduled_time - row.timestamp);
        round++;
      } else if (row.name === 'Retrying' && due !== null) {
        lateness.push(row.timestamp - due);
        due = null;
      }
    }
    const expected = Array.from({ length: tasks }, (_, i) => i).filter(isFlaky).length * W3_FAILURES_PER_FLAKY_TASK;
    if (lateness.length !== expected) throw new Error(`W3 found ${lateness.length} retries in the states table, expected ${expected}`);
    return { ms, lateness, p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: max(lateness), delayWaves };
  } finally {
    await env.dispose();
  }
}
