/**
 * The physical floors: the same rows written straight to SQLite with the same durability and
 * commit grouping as the engine, bare async calls, plain timers, a bare loopback WebSocket and
 * an idle Node process. Each returns durations or samples; run.ts measures them beside the
 * engine in the same run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnNode } from './lib/children.js';
import { startCpuMeter, type CpuUse } from './lib/cpu-meter.js';
import { openRawDatabase } from './lib/env.js';
import { pace } from './lib/pace.js';
import { IdPool, idsFor, RawRows } from './lib/raw-rows.js';
import { residentSetKb } from './lib/rss.js';
import { median, nowMs } from './lib/stats.js';
import { closeSocket, openSocket } from './lib/ws-client.js';
import { startEchoPeer } from './lib/ws-echo.js';

/** The store's largest group commit, in operations. */
const BATCH = 512;

/**
 * W1's floor: one flow run and `tasks` sequential task runs, grouped as the store groups them:
 * the engine hands a task's value on while its Completed state is being committed, so one
 * transaction holds task k-1's log line and Completed state with task k's row, Pending and
 * Running. Returns the elapsed milliseconds and the number of transactions.
 */
export function sequentialTasksFloor(tasks: number): { ms: number; commits: number; cpu: CpuUse } {
  const { db, dispose } = openRawDatabase('floor-w1');
  try {
    const rows = new RawRows(db, new IdPool(idsFor(tasks)));
    let commits = 0;
    const tx = <T>(body: () => T): T => {
      commits++;
      return db.transaction(body).immediate();
    };
    const stopCpu = startCpuMeter();
    const start = nowMs();
    const flowRun = tx(() => rows.createFlowRun('w1-sequential', 'bench-run'));
    tx(() => rows.transition('flow', flowRun, 'RUNNING', 'Running', null));
    let previous: { run: ReturnType<RawRows['createRunningTaskRun']>; index: number } | null = null;
    for (let i = 0; i < tasks; i++) {
      const done: typeof previous = previous;
      const run = tx(() => {
        if (done) {
          rows.log(flowRun.id, done.run.id, `step ${done.index}`);
          rows.transition('task', done.run, 'COMPLETED', 'Completed', String(done.index));
        }
        return rows.createRunningTaskRun(flowRun.id, 'w1-step', i, `[${i}]`);
      });
      previous = { run, index: i };
    }
    const last = previous;
    tx(() => {
      if (last) {
        rows.log(flowRun.id, last.run.id, `step ${last.index}`);
        rows.transition('task', last.run, 'COMPLETED', 'Completed', String(last.index));
      }
    });
    tx(() => rows.transition('flow', flowRun, 'COMPLETED', 'Completed', String(tasks)));
    const ms = nowMs() - start;
    return { ms, commits, cpu: stopCpu() };
  } finally {
    dispose();
  }
}

/**
 * W2's floor: one flow run and `items` mapped task runs, grouped as the store's group commit
 * groups a map: every task run row + Pending + Running in one transaction, every Completed in
 * the next.
 */
export function mapFloor(items: number): { ms: number; commits: number; cpu: CpuUse } {
  const { db, dispose } = openRawDatabase('floor-w2');
  try {
    const rows = new RawRows(db, new IdPool(idsFor(items)));
    let commits = 0;
    const tx = <T>(body: () => T): T => {
      commits++;
      return db.transaction(body).immediate();
    };
    const stopCpu = startCpuMeter();
    const start = nowMs();
    const flowRun = tx(() => rows.createFlowRun('w2-map', 'bench-run'));
    tx(() => rows.transition('flow', flowRun, 'RUNNING', 'Running', null));
    // The store commits at most BATCH operations at once: a create and a Running are two.
    const runs: ReturnType<RawRows['createRunningTaskRun']>[] = [];
    for (let from = 0; from < items; from += BATCH / 2) {
      tx(() => {
        for (let i = from; i < Math.min(items, from + BATCH / 2); i++) {
          runs.push(rows.createRunningTaskRun(flowRun.id, 'w2-item', i, `[${i}]`));
        }
      });
    }
    for (let from = 0; from < runs.length; from += BATCH) {
      tx(() => {
        for (let i = from; i < Math.min(runs.length, from + BATCH); i++) {
          rows.transition('task', runs[i], 'COMPLETED', 'Completed', String(i));
        }
      });
    }
    tx(() => rows.transition('flow', flowRun, 'COMPLETED', 'Completed', String(items)));
    const ms = nowMs() - start;
    return { ms, commits, cpu: stopCpu() };
  } finally {
    dispose();
  }
}

/** W4's floor: `lines` log rows from `tasks` task runs, `batch` rows per transaction. */
export function logLinesFloor(lines: number, tasks: number, batch: number): { ms: number; commits: number } {
  const { db, dispose } = openRawDatabase('floor-w4');
  try {
    const rows = new RawRows(db, new IdPool(idsFor(tasks)));
    const flowRun = db.transaction(() => rows.createFlowRun('w4-logs', 'bench-run')).immediate();
    const taskRunIds = db
      .transaction(() => Array.from({ length: tasks }, (_, t) => rows.createTaskRun(flowRun.id, 'w4-chatty', t, `[${t}]`).id))
      .immediate();
    const perTask = Math.ceil(lines / tasks);
    let commits = 0;
    const start = nowMs();
    const write = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) {
        rows.log(flowRun.id, taskRunIds[Math.floor(n / perTask)], `line ${n % perTask} of task ${Math.floor(n / perTask)}`);
      }
    });
    for (let from = 0; from < lines; from += batch) {
      write.immediate(from, Math.min(lines, from + batch));
      commits++;
    }
    return { ms: nowMs() - start, commits };
  } finally {
    dispose();
  }
}

async function trivial(i: number): Promise<number> {
  return i;
}

/** `calls` awaited trivial async function calls in sequence; the median of `repeats`, in ms. */
export async function bareAsyncCalls(calls: number, repeats = 51): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = nowMs();
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += await trivial(i);
    const ms = nowMs() - start;
    if (sum < 0) throw new Error('unreachable');
    times.push(ms);
  }
  return median(times);
}

/**
 * Lateness of plain setTimeout timers: each wave's delays (ms) are all armed at once, as the
 * retries of a map fail together; returns how late each fired, in ms.
 */
export async function timerLateness(waves: readonly (readonly number[])[]): Promise<number[]> {
  const late: number[] = [];
  for (const delays of waves) {
    const start = nowMs();
    await Promise.all(
      delays.map(
        (delay) =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              late.push(nowMs() - (start + delay));
              resolve();
            }, delay),
          ),
      ),
    );
  }
  return late;
}

/** About the size of a state event as the server sends it. */
const ECHO_PAYLOAD = JSON.stringify({ type: 'state', padding: 'x'.repeat(360) });

/**
 * One-way times (half the round trip, in ms) of a message between this process and a bare `ws`
 * echo server in another, over loopback: `samples` messages paced as the server's events are,
 * after `warmUp` untimed ones.
 */
export async function webSocketOneWay(samples: number, warmUp: number): Promise<number[]> {
  return (await webSocketRoundTrip(samples, warmUp)).map((ms) => ms / 2);
}

/** Round trips (ms) of the same paced messages to the same bare echo peer: a request and its answer. */
export async function webSocketRoundTrip(samples: number, warmUp: number): Promise<number[]> {
  const peer = await startEchoPeer();
  try {
    const socket = await openSocket(peer.url);
    try {
      const echo = () =>
        new Promise<number>((resolve, reject) => {
          const start = nowMs();
          socket.once('message', () => resolve(nowMs() - start));
          socket.send(ECHO_PAYLOAD, (error) => error && reject(error));
        });
      for (let i = 0; i < warmUp; i++) await echo();
      const roundTrips: number[] = [];
      for (let i = 0; i < samples; i++) {
        await pace();
        roundTrips.push(await echo());
      }
      return roundTrips;
    } finally {
      await closeSocket(socket);
    }
  } finally {
    await peer.stop();
  }
}

/**
 * Resident memory (KiB) of a bare `node -e` process that does nothing, read the way the
 * server's is, after the same time at rest.
 */
export async function idleNodeRssKb(restMs: number): Promise<number> {
  const child = spawnNode(['-e', "process.stdout.write('ready\\n'); setInterval(() => {}, 1 << 30);"]);
  try {
    await child.waitForOutput(/ready/, 'an idle node process');
    await sleep(restMs);
    return await residentSetKb(child.pid);
  } finally {
    await child.stop('SIGKILL');
  }
}
