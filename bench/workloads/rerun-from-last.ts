/**
 * Run from the last task: a completed run of one flow that maps a task over 10,000 items is
 * recorded in a real SQLite store (with its results file), then run again from its last task run
 * as a new linked run. The figure is the time from the re-run's call until the last item's body
 * starts: the reuse plan read from the store, 9,999 calls recorded Cached with their recorded
 * results read back, and the chosen one started. The SQL reads the reuse lookup makes are counted
 * from the store's own connection. Its floor is raw SQLite doing the least of that work: the one
 * read of the recorded task runs, the 10,000 recorded results read back from one file, and the
 * inserts of 10,000 Cached task run rows and their states.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { newId } from '../../app/core/index.js';
import { flow, task } from '../../app/engine/index.js';
import { openEngineStore, openRawDatabase, type EngineStore } from '../lib/env.js';
import { nowMs } from '../lib/stats.js';

export const RERUN_TASKS = 10_000;

/** The store commits at most this many operations at once; the floor groups its inserts the same. */
const BATCH = 512;

let bodiesRun = 0;
let lastStartedAt: number | null = null;
let lastItem = -1;

const item = task({ name: 'rerun-item' }, (x: number) => {
  bodiesRun++;
  if (x === lastItem && lastStartedAt === null) lastStartedAt = nowMs();
  // A value JSON cannot carry, so the reused results are read back whole.
  return { x, at: new Date(x) };
});

const fanOut = flow({ name: 'rerun-from-last' }, async (params: { items: number }) => {
  const results = await item.map(Array.from({ length: params.items }, (_, i) => i)).result();
  return results.length;
});

export interface RerunFromLastRun {
  /** From the re-run's call to the last item's body starting. */
  toLastBodyMs: number;
  /** From the re-run's call to the re-run Completed, every row committed. */
  toCompletedMs: number;
  /** The recording run, for scale. */
  recordMs: number;
  /** Task bodies the re-run ran: the last item alone when the plan is right. */
  bodiesRun: number;
  cachedRuns: number;
  /** SQL reads the store made to read what the re-run reuses, and the calls of the store that made them. */
  lookupQueries: number;
  lookupCalls: number;
  /** Time spent in the store reading what the re-run reuses. */
  lookupMs: number;
  /** Every SQL read the store made from the re-run's call to the last body starting. */
  readsToLastBody: number;
}

type Step = (...args: unknown[]) => unknown;

/**
 * Counts the reads made through every prepared statement of a connection (all share one
 * prototype) while `counting()` is true. Returns the undo.
 */
function countReads(db: EngineStore['database'], counting: () => boolean, onRead: () => void): () => void {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, Step>;
  const saved = { get: proto.get, all: proto.all, iterate: proto.iterate };
  for (const name of ['get', 'all', 'iterate'] as const) {
    const original = saved[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (counting()) onRead();
      return original.apply(this, args);
    };
  }
  return () => Object.assign(proto, saved);
}

export async function runRerunFromLast(items = RERUN_TASKS): Promise<RerunFromLastRun> {
  const env = await openEngineStore('rerun-from-last');
  let restore = () => {};
  try {
    const recordStart = nowMs();
    const first = await fanOut.run({ items });
    await env.store.flush();
    const recordMs = nowMs() - recordStart;
    if (!first.ok || first.result !== items) throw new Error(`the recording run ended ${first.state.name}: ${String(first.error)}`);
    const last = env.database
      .prepare<[string], { id: string }>('SELECT id FROM task_runs WHERE flow_run_id = ? ORDER BY dynamic_key DESC LIMIT 1')
      .get(first.flowRunId)!;

    let inLookup = false;
    let toLastBody = true;
    let lookupQueries = 0;
    let lookupCalls = 0;
    let lookupMs = 0;
    let readsToLastBody = 0;
    restore = countReads(
      env.database,
      () => toLastBody,
      () => {
        readsToLastBody++;
        if (inLookup) lookupQueries++;
      },
    );
    const recordedRuns = env.store.recordedRuns.bind(env.store);
    env.store.recordedRuns = async (id) => {
      lookupCalls++;
      inLookup = true;
      const began = nowMs();
      try {
        return await recordedRuns(id);
      } finally {
        lookupMs += nowMs() - began;
        inLookup = false;
      }
    };

    bodiesRun = 0;
    lastStartedAt = null;
    lastItem = items - 1;
    const start = nowMs();
    const rerun = await fanOut.run(
      { items },
      { reuse: { fromFlowRunId: first.flowRunId, runAgain: [last.id] }, rerunOf: { flowRunId: first.flowRunId, taskRunId: last.id } },
    );
    await env.store.flush();
    const toCompletedMs = nowMs() - start;
    toLastBody = false;
    if (!rerun.ok || rerun.result !== items) throw new Error(`the re-run ended ${rerun.state.name}: ${String(rerun.error)}`);
    if (lastStartedAt === null) throw new Error("the re-run never started the last item's body");
    const cachedRuns = env.database
      .prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM task_runs WHERE flow_run_id = ? AND state_name = 'Cached'")
      .get(rerun.flowRunId)!.n;
    return {
      toLastBodyMs: lastStartedAt - start,
      toCompletedMs,
      recordMs,
      bodiesRun,
      cachedRuns,
      lookupQueries,
      lookupCalls,
      lookupMs,
      readsToLastBody,
    };
  } finally {
    restore();
    await env.dispose();
  }
}

/**
 * The floor: on a raw database with the store's schema holding a recorded run of `items` task
 * runs, one read of them with their result refs (the store's own query), each recorded result
 * read back from one file of V8-serialized entries, then `items` Cached task run rows with their
 * states, BATCH to a transaction.
 */
export function rerunFloor(items = RERUN_TASKS): { ms: number } {
  const { db, dispose, home } = openRawDatabase('floor-rerun');
  try {
    const entries = Array.from({ length: items }, (_, i) => serialize({ value: { x: i, at: new Date(i) }, code: 'hash' }));
    const offsets: number[] = [];
    entries.reduce((at, entry) => (offsets.push(at), at + entry.length), 0);
    const resultsFile = join(home, 'floor.results');
    writeFileSync(resultsFile, Buffer.concat(entries));
    const flowRunId = newId();
    const insertState = db.prepare(
      `INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, transition_id, result_ref) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
    );
    const insertTaskRun = db.prepare(
      `INSERT INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, state_type, state_name, state_id, tags, retry_policy,
                              inputs, upstream, created_at, last_transition_id, flow_run_attempt, reused_from, result)
       VALUES (?, ?, 'rerun-item', ?, ?, 'COMPLETED', ?, ?, '[]', '{"retries":0,"retryDelaySeconds":[0]}', ?, '[]', ?, ?, 1, ?, ?)`,
    );
    const write = (runId: string, i: number, name: string, reusedFrom: string | null) => {
      const transitionId = newId();
      const ref = `storage/runs/${flowRunId}.results#${i * 40}+40`;
      const stateId = insertState.run(runId, 'task', 'COMPLETED', name, Date.now(), transitionId, ref).lastInsertRowid;
      insertTaskRun.run(runId, flowRunId, `rerun-item-${i}`, i, name, stateId, `[${i}]`, Date.now(), transitionId, reusedFrom, `{"x":${i}}`);
    };
    const recorded = Array.from({ length: items }, () => newId());
    db.transaction(() => recorded.forEach((id, i) => write(id, i, 'Completed', null))).immediate();
    const fresh = Array.from({ length: items }, () => newId());
    const read = db.prepare(
      `SELECT t.id, t.name, t.task_key, t.dynamic_key, t.flow_run_attempt, t.state_type, t.state_name, s.result_ref, t.reused_from, t.upstream
         FROM task_runs t JOIN states s ON s.id = t.state_id WHERE t.flow_run_id = ? ORDER BY t.created_at, t.id`,
    );

    const start = nowMs();
    const rows = read.all(flowRunId) as { id: string }[];
    if (rows.length !== items) throw new Error(`the floor read ${rows.length} recorded rows, expected ${items}`);
    const fd = openSync(resultsFile, 'r');
    try {
      for (let i = 0; i < items; i++) {
        const data = Buffer.allocUnsafe(entries[i].length);
        readSync(fd, data, 0, data.length, offsets[i]);
        if ((deserialize(data) as { value: { x: number } }).value.x !== i) throw new Error(`the floor read a wrong result at ${i}`);
      }
    } finally {
      closeSync(fd);
    }
    for (let from = 0; from < items; from += BATCH) {
      db.transaction(() => {
        for (let i = from; i < Math.min(items, from + BATCH); i++) write(fresh[i], i, 'Cached', rows[i].id);
      }).immediate();
    }
    return { ms: nowMs() - start };
  } finally {
    dispose();
  }
}
