/**
 * History replay under load: the real server (`flowdeck server start`) over a store of 1,000,000
 * events, ten WebSocket subscribers in another process replaying all of it from a zero cursor,
 * while this process asks GET /api/health every ~10 ms. The events are a flow run's and a task
 * run's states and log lines: the two runs made through the store's own API, the million rows
 * written in SQL into the same tables. Measured: the health answers' latency, beside the same
 * requests to the same server idle; the time until all ten have every event; the server's
 * resident memory at rest before, at its peak during the replays, and at rest after they left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { newId } from '../../app/core/index.js';
import { openStore } from '../../app/server/index.js';
import { configureConnection } from '../../app/server/store/index.js';
import { makeTempHome } from '../lib/env.js';
import { startReplaySubscribers } from '../lib/replay-subscribers.js';
import { residentSetKb } from '../lib/rss.js';
import { startServerProcess } from '../lib/server-process.js';
import { max, nowMs, percentile } from '../lib/stats.js';
import { REST_MS } from './server-memory.js';

export const REPLAY_EVENTS = 1_000_000;
export const REPLAY_SUBSCRIBERS = 10;
/** One state for every nine log lines. */
const REPLAY_STATES = REPLAY_EVENTS / 10;
export const HEALTH_EVERY_MS = 10;
/** Health requests to the idle server: the floor. */
const IDLE_SAMPLES = 300;
const RSS_EVERY_MS = 100;

const NO_RETRIES = { retries: 0, retryDelaySeconds: [0] };

export interface Latency {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ReplayRun {
  events: number;
  subscribers: number;
  seedMs: number;
  /** GET /api/health to the same server with no subscriber. */
  idleHealthMs: Latency;
  /** GET /api/health while the ten replay. */
  healthMs: Latency;
  /** From the subscribes to the last subscriber's last event. */
  replayMs: number;
  eachReplayMs: number[];
  restingRssKb: number;
  peakRssKb: number;
  /** REST_MS after every subscriber left. */
  afterRssKb: number;
}

function summary(samples: number[]): Latency {
  return { samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: max(samples) };
}

/** The two runs through the store, then the million rows in SQL, in one transaction. */
async function seed(dbPath: string): Promise<void> {
  const store = await openStore({ kind: 'sqlite', path: dbPath });
  const flowRunId = newId();
  const taskRunId = newId();
  try {
    await store.createFlowRun({
      id: flowRunId,
      flowName: 'replay',
      name: 'long-history',
      retryPolicy: NO_RETRIES,
      transitionId: newId(),
      state: { type: 'RUNNING', name: 'Running' },
    });
    await store.createTaskRun({
      id: taskRunId,
      flowRunId,
      taskKey: 'step',
      name: 'step-0',
      dynamicKey: 0,
      retryPolicy: NO_RETRIES,
      transitionId: newId(),
      state: { type: 'RUNNING', name: 'Running' },
    });
  } finally {
    await store.close();
  }
  const db = new Database(dbPath, { timeout: 60_000 });
  configureConnection(db);
  try {
    const stored = db.prepare<[], { n: number }>('SELECT (SELECT COUNT(*) FROM states) + (SELECT COUNT(*) FROM logs) AS n').get()!.n;
    const states = REPLAY_STATES;
    const logs = REPLAY_EVENTS - stored - states;
    const t0 = Date.now() - REPLAY_EVENTS;
    const numbers = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
    db.transaction(() => {
      db.prepare(
        `${numbers} INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, transition_id)
         SELECT CASE i % 2 WHEN 0 THEN ? ELSE ? END, CASE i % 2 WHEN 0 THEN 'flow' ELSE 'task' END,
           'RUNNING', 'Running', ? + i * 10, 1, printf('%08x-0000-4000-8000-%012x', i, i) FROM n`,
      ).run(states, flowRunId, taskRunId, t0);
      db.prepare(
        `${numbers} INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
         SELECT ?, ?, 20, printf('step-0 processed record %d of the nightly batch', i), ? + i, 1, 'task' FROM n`,
      ).run(logs, flowRunId, taskRunId, t0);
    })();
  } finally {
    db.close();
  }
}

async function healthMs(api: string): Promise<number> {
  const started = nowMs();
  const response = await fetch(`${api}/health`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${api}/health answered ${response.status}`);
  return nowMs() - started;
}

/** Health requests ~HEALTH_EVERY_MS apart until `until` settles; their latencies. */
async function pollHealth(api: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  const samples: number[] = [];
  while (!done) {
    samples.push(await healthMs(api));
    await sleep(HEALTH_EVERY_MS);
  }
  return samples;
}

/** The server's resident set read every RSS_EVERY_MS until `until` settles; the highest. */
async function peakRss(pid: number, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  let peak = 0;
  while (!done) {
    peak = Math.max(peak, await residentSetKb(pid));
    await sleep(RSS_EVERY_MS);
  }
  return peak;
}

export async function runReplay(progress: (message: string) => void = () => {}): Promise<ReplayRun> {
  const home = makeTempHome('replay');
  progress(`replay: writing ${REPLAY_EVENTS} events`);
  const seedStarted = nowMs();
  try {
    await seed(home.dbPath);
  } catch (error) {
    home.cleanup();
    throw error;
  }
  const seedMs = nowMs() - seedStarted;
  const server = await startServerProcess('replay', { home });
  try {
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      idle.push(await healthMs(server.api));
      await sleep(HEALTH_EVERY_MS);
    }
    await sleep(REST_MS);
    const restingRssKb = await residentSetKb(server.pid);

    progress(`replay: ${REPLAY_SUBSCRIBERS} subscribers replaying ${REPLAY_EVENTS} events each`);
    const subscribers = startReplaySubscribers(server.api, REPLAY_EVENTS, REPLAY_SUBSCRIBERS);
    try {
      await subscribers.opened;
      const [loaded, peak, replayed] = await Promise.all([
        pollHealth(server.api, subscribers.replayed),
        peakRss(server.pid, subscribers.closed),
        subscribers.replayed,
      ]);
      await subscribers.closed;
      await sleep(REST_MS);
      const afterRssKb = await residentSetKb(server.pid);
      return {
        events: REPLAY_EVENTS,
        subscribers: REPLAY_SUBSCRIBERS,
        seedMs,
        idleHealthMs: summary(idle),
        healthMs: summary(loaded),
        replayMs: replayed.ms,
        eachReplayMs: replayed.eachMs,
        restingRssKb,
        peakRssKb: peak,
        afterRssKb,
      };
    } finally {
      await subscribers.stop();
    }
  } finally {
    await server.stop();
  }
}
