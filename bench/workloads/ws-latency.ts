/**
 * WebSocket state-change latency: the real server in its own process (`flowdeck server start`),
 * this process subscribed to /api/events with the core client, and state changes written by a
 * store of this process opened on the server's database file, as a flow process writes
 * them. Latency = the message's arrival - the moment its write was durable (the store's promise
 * resolved). Task runs go Pending, Running, Completed: three changes each, a few ms apart.
 */
import WebSocket from 'ws';
import { openEventStream, type EventStream, type ServerEvent } from '../../app/core/api/index.js';
import { newId, type OrchestrationResult } from '../../app/core/index.js';
import { openStore, type RunStore } from '../../app/server/index.js';
import { pace } from '../lib/pace.js';
import { startServerProcess } from '../lib/server-process.js';
import { max, nowMs, percentile } from '../lib/stats.js';

export const WS_CHANGES = 300;
export const WS_WARM_UP = 30;
/** How long the run waits for the last messages before counting them lost; no measurement. */
const SAFETY_NET_MS = 5_000;

const NO_RETRIES = { retries: 0, retryDelaySeconds: [0] };

export interface WsLatencyRun {
  changes: number;
  /** Changes whose message never came within the safety net. */
  lost: number;
  p50: number;
  p99: number;
  max: number;
}

interface Change {
  /** Matches the message it produces: run id and state name. */
  key: string;
  write(): Promise<OrchestrationResult>;
}

function keyOf(runId: string, stateName: string): string {
  return `${runId} ${stateName}`;
}

/** An endless series of task-run changes in one flow run. */
function* changes(store: RunStore, flowRunId: string): Generator<Change> {
  for (let i = 0; ; i++) {
    const id = newId();
    const to = (type: 'RUNNING' | 'COMPLETED', name: string): Change => ({
      key: keyOf(id, name),
      write: () => store.setState({ kind: 'task', runId: id, transitionId: newId(), state: { type, name } }),
    });
    yield {
      key: keyOf(id, 'Pending'),
      write: () =>
        store.createTaskRun({
          id,
          flowRunId,
          taskKey: 'ws-step',
          name: `ws-step-${i}`,
          dynamicKey: i,
          retryPolicy: NO_RETRIES,
          transitionId: newId(),
          state: { type: 'PENDING', name: 'Pending' },
        }),
    };
    yield to('RUNNING', 'Running');
    yield to('COMPLETED', 'Completed');
  }
}

/** Arrival times of state messages by key, and a way to wait for one. */
class Arrivals {
  private readonly times = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();

  onEvent = (event: ServerEvent): void => {
    if (event.type !== 'state') return;
    const key = keyOf(event.runId, event.state.name);
    this.times.set(key, nowMs());
    this.waiters.get(key)?.();
  };

  at(key: string): number | undefined {
    return this.times.get(key);
  }

  /** Whether the message came within `ms`. */
  wait(key: string, ms: number): Promise<boolean> {
    if (this.times.has(key)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(false);
      }, ms);
      this.waiters.set(key, () => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(true);
      });
    });
  }
}

/** Keeps a server that never answers from hanging the bench; no measurement. */
async function withSafetyNet<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${SAFETY_NET_MS / 1000}s for ${what}`)), SAFETY_NET_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function write(change: Change): Promise<number> {
  const result = await change.write();
  const durable = nowMs();
  if (result.status !== 'ACCEPT') throw new Error(`the store refused ${change.key}: ${result.status}`);
  return durable;
}

export async function runWsLatency(count = WS_CHANGES, warmUp = WS_WARM_UP): Promise<WsLatencyRun> {
  const server = await startServerProcess('ws-latency');
  let store: RunStore | null = null;
  let stream: EventStream | null = null;
  try {
    store = await openStore({ kind: 'sqlite', path: server.dbPath });
    // No pid: the server's crash sweep leaves the run alone without heartbeats.
    const flowRunId = newId();
    const created = await store.createFlowRun({
      id: flowRunId,
      flowName: 'ws-latency',
      name: 'bench-run',
      retryPolicy: NO_RETRIES,
      transitionId: newId(),
      state: { type: 'RUNNING', name: 'Running' },
    });
    if (created.status !== 'ACCEPT') throw new Error(`the store refused the flow run: ${created.status}`);

    const arrivals = new Arrivals();
    let markOpen!: () => void;
    const opened = new Promise<void>((resolve) => (markOpen = resolve));
    stream = openEventStream({
      baseUrl: server.api,
      WebSocket,
      onEvent: arrivals.onEvent,
      onStatus: (status) => status === 'open' && markOpen(),
    });
    await withSafetyNet(opened, `the event stream of the server at ${server.url} to open`);
    const series = changes(store, flowRunId);
    // The stream does not acknowledge the subscription: changes until one comes through.
    for (let attempt = 1; ; attempt++) {
      const change = series.next().value as Change;
      await write(change);
      if (await arrivals.wait(change.key, 1_000)) break;
      if (attempt === 10) throw new Error(`the server at ${server.url} streamed none of ${attempt} state changes`);
    }
    for (let i = 0; i < warmUp; i++) {
      await pace();
      await write(series.next().value as Change);
    }

    const durableAt = new Map<string, number>();
    let last = '';
    for (let i = 0; i < count; i++) {
      await pace();
      const change = series.next().value as Change;
      durableAt.set(change.key, await write(change));
      last = change.key;
    }
    await arrivals.wait(last, SAFETY_NET_MS);
    const latency: number[] = [];
    for (const [key, durable] of durableAt) {
      const arrived = arrivals.at(key);
      if (arrived !== undefined) latency.push(arrived - durable);
    }
    return {
      changes: count,
      lost: count - latency.length,
      p50: percentile(latency, 50),
      p99: percentile(latency, 99),
      max: max(latency),
    };
  } finally {
    stream?.close();
    await store?.close();
    await server.stop();
  }
}
