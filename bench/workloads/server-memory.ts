/**
 * Server memory at rest: the real server (`flowdeck server start`) in its own process, over a
 * database holding a few finished runs. It answers health checks, a flow-run listing, one run's
 * reads, and a WebSocket subscriber that replays the whole history and leaves; then it is left
 * at rest for REST_MS and its resident set is read from outside.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { openEventStream, type EventStream } from '../../app/core/api/index.js';
import { newId } from '../../app/core/index.js';
import { encodeEventCursor } from '../../app/server/http/event-hub.js';
import { openStore } from '../../app/server/index.js';
import { databaseOf, makeTempHome } from '../lib/env.js';
import { residentSetKb } from '../lib/rss.js';
import { startServerProcess } from '../lib/server-process.js';

export const REST_MS = 2_000;
const FLOW_RUNS = 20;
const TASKS_PER_RUN = 10;
const HEALTH_CHECKS = 20;
/** How long the replay may take before the bench gives up on it; no measurement. */
const SAFETY_NET_MS = 30_000;

const NO_RETRIES = { retries: 0, retryDelaySeconds: [0] };

export interface ServerMemoryRun {
  /** Right after it printed its address, before any request. */
  startedRssKb: number;
  /** After the requests and REST_MS at rest. */
  restingRssKb: number;
  requests: number;
  /** States and log lines the subscriber replayed. */
  replayedEvents: number;
  restMs: number;
}

/** Finished flow runs with their task runs and a log line each; returns how many events that is. */
async function seed(dbPath: string): Promise<{ flowRunIds: string[]; events: number }> {
  const store = await openStore({ kind: 'sqlite', path: dbPath });
  try {
    const flowRunIds: string[] = [];
    for (let f = 0; f < FLOW_RUNS; f++) {
      const flowRunId = newId();
      flowRunIds.push(flowRunId);
      const flowState = (type: 'RUNNING' | 'COMPLETED', name: string) =>
        store.setState({ kind: 'flow', runId: flowRunId, transitionId: newId(), state: { type, name } });
      await store.createFlowRun({
        id: flowRunId,
        flowName: 'server-memory',
        name: `seeded-${f}`,
        retryPolicy: NO_RETRIES,
        transitionId: newId(),
        state: { type: 'PENDING', name: 'Pending' },
      });
      await flowState('RUNNING', 'Running');
      await Promise.all(
        Array.from({ length: TASKS_PER_RUN }, async (_, t) => {
          const id = newId();
          const taskState = (type: 'RUNNING' | 'COMPLETED', name: string) =>
            store.setState({ kind: 'task', runId: id, transitionId: newId(), state: { type, name } });
          await store.createTaskRun({
            id,
            flowRunId,
            taskKey: 'step',
            name: `step-${t}`,
            dynamicKey: t,
            retryPolicy: NO_RETRIES,
            transitionId: newId(),
            state: { type: 'PENDING', name: 'Pending' },
          });
          await taskState('RUNNING', 'Running');
          store.writeLogs([{ flowRunId, taskRunId: id, level: 20, message: `step ${t} done`, timestamp: Date.now(), attempt: 1 }]);
          await taskState('COMPLETED', 'Completed');
        }),
      );
      await flowState('COMPLETED', 'Completed');
    }
    await store.flush();
    const count = (table: 'states' | 'logs') => databaseOf(store).prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
    return { flowRunIds, events: count('states') + count('logs') };
  } finally {
    await store.close();
  }
}

async function get(url: string): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
}

/** Subscribes from the very start of the store, takes every event, then closes. */
async function replayAndLeave(api: string, expected: number): Promise<number> {
  let received = 0;
  let stream: EventStream | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the replay gave ${received} of ${expected} events`)), SAFETY_NET_MS);
      stream = openEventStream({
        baseUrl: api,
        WebSocket,
        cursor: encodeEventCursor({ stateId: 0, logId: 0 }),
        onEvent: (event) => {
          if (event.type !== 'error' && ++received === expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return received;
  } finally {
    (stream as EventStream | null)?.close();
  }
}

export async function runServerMemory(): Promise<ServerMemoryRun> {
  const home = makeTempHome('server-memory');
  let seeded: Awaited<ReturnType<typeof seed>>;
  try {
    seeded = await seed(home.dbPath);
  } catch (error) {
    home.cleanup();
    throw error;
  }
  const server = await startServerProcess('server-memory', { home });
  try {
    const startedRssKb = await residentSetKb(server.pid);
    const run = seeded.flowRunIds[0];
    const urls = [
      ...Array.from({ length: HEALTH_CHECKS }, () => `${server.api}/health`),
      `${server.api}/flow-runs`,
      `${server.api}/flow-runs/${run}`,
      `${server.api}/flow-runs/${run}/task-runs`,
      `${server.api}/flow-runs/${run}/logs`,
    ];
    for (const url of urls) await get(url);
    const replayedEvents = await replayAndLeave(server.api, seeded.events);
    await sleep(REST_MS);
    return { startedRssKb, restingRssKb: await residentSetKb(server.pid), requests: urls.length, replayedEvents, restMs: REST_MS };
  } finally {
    await server.stop();
  }
}
