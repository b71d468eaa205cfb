/**
 * W4: 1,000,000 log lines from 100 concurrent task runs, 10,000 each through
 * getRunLogger().info. Each task yields to the event loop every 100 lines, as a task doing
 * real work between log lines would. Measured until every line is durable (store.flush()).
 */
import { flow, getRunLogger, task } from '../../app/engine/index.js';
import { openEngineStore, type Commit } from '../lib/env.js';
import { nowMs } from '../lib/stats.js';

export const W4_TASKS = 100;
export const W4_LINES_PER_TASK = 10_000;
const LINES_BETWEEN_YIELDS = 100;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const chatty = task({ name: 'w4-chatty' }, async (t: number, lines: number) => {
  const logger = getRunLogger();
  for (let i = 0; i < lines; i++) {
    logger.info(`line ${i} of task ${t}`);
    if (i % LINES_BETWEEN_YIELDS === LINES_BETWEEN_YIELDS - 1) await yieldToLoop();
  }
  return lines;
});

const logStorm = flow({ name: 'w4-logs' }, async (params: { tasks: number; lines: number }) => {
  const written = await chatty
    .map(
      Array.from({ length: params.tasks }, (_, t) => t),
      params.lines,
    )
    .result();
  return written.reduce((a, b) => a + b, 0);
});

export interface W4Run {
  ms: number;
  lines: number;
  linesPerSecond: number;
  commits: Commit[] | null;
}

export async function runW4(tasks = W4_TASKS, linesPerTask = W4_LINES_PER_TASK): Promise<W4Run> {
  const env = await openEngineStore('w4');
  try {
    const start = nowMs();
    const outcome = await logStorm.run({ tasks, lines: linesPerTask });
    await env.store.flush();
    const ms = nowMs() - start;
    if (!outcome.ok) throw new Error(`W4 flow run ended ${outcome.state.name}: ${String(outcome.error)}`);
    const lines = env.database.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM logs').get()!.n;
    const expected = tasks * linesPerTask;
    if (lines !== expected) throw new Error(`W4 stored ${lines} log lines, expected ${expected}`);
    return { ms, lines, linesPerSecond: (lines / ms) * 1000, commits: env.commits };
  } finally {
    await env.dispose();
  }
}
