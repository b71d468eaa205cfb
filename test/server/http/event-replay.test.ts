// Replaying a large history to /api/events subscribers: a page at a time, held back by a reader
// that stops reading, handed over to the live stream without a gap or a duplicate, and stopped
// when the subscriber goes.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerEvent } from '../../../app/core/api/index.js';
import { decodeEventCursor, encodeEventCursor, EventHub, type StoredEvent } from '../../../app/server/http/event-hub.js';
import { sqliteOf } from '../../helpers/store-factory.js';
import { flowRunRequest, taskRunRequest, useTestServer, type TestServer } from './support.js';

const FROM_THE_START = encodeEventCursor({ stateId: 0, logId: 0 });
/** A page of the catch-up is a few hundred rows of a few hundred bytes: well below this. */
const ABOUT_A_PAGE_BYTES = 1024 * 1024;
/** Safety nets for waits on the server, never a timing check. */
const REPLAY_TIMEOUT_MS = 120_000;

function eventually(check: () => void, timeout = 20_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 5 });
}

interface History {
  flowRunId: string;
  stateIds: number[];
  logIds: number[];
}

/** Every states and logs row id stored, in id order: what a replay from the start must deliver. */
function storedIds(server: TestServer): { stateIds: number[]; logIds: number[] } {
  const db = sqliteOf(server.store).database;
  return {
    stateIds: db.prepare<[], number>('SELECT id FROM states ORDER BY id').pluck().all(),
    logIds: db.prepare<[], number>('SELECT id FROM logs ORDER BY id').pluck().all(),
  };
}

/**
 * A flow run and one task run made through the store, then `states` states of the two and `logs`
 * log lines written in SQL at once, with interleaved timestamps: a large history in a second.
 */
async function seedHistory(server: TestServer, counts: { states: number; logs: number }): Promise<History> {
  const { store } = server;
  const flow = flowRunRequest({ flowName: 'history' });
  await store.createFlowRun(flow);
  const task = taskRunRequest(flow.id);
  await store.createTaskRun(task);
  const db = sqliteOf(store).database;
  const t0 = Date.now() - 3_600_000;
  const numbers = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
  db.transaction(() => {
    db.prepare(
      `${numbers} INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt)
       SELECT CASE i % 2 WHEN 0 THEN ? ELSE ? END, CASE i % 2 WHEN 0 THEN 'flow' ELSE 'task' END, 'RUNNING', 'Running', ? + i * ?, 1 FROM n`,
    ).run(counts.states, flow.id, task.id, t0, Math.max(1, Math.floor(counts.logs / counts.states)));
    db.prepare(
      `${numbers} INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
       SELECT ?, ?, 20, printf('line %d of a long history', i), ? + i, 1, 'task' FROM n`,
    ).run(counts.logs, flow.id, task.id, t0);
  })();
  return { flowRunId: flow.id, ...storedIds(server) };
}

/** Where two id sequences first differ, or 'same'. */
function difference(received: readonly number[], stored: readonly number[]): string {
  const length = Math.max(received.length, stored.length);
  for (let i = 0; i < length; i++) {
    if (received[i] !== stored[i])
      return `at ${i} of ${received.length} received (${stored.length} stored): got ${received[i]}, expected ${stored[i]}`;
  }
  return 'same';
}

/**
 * A subscriber over a real WebSocket that keeps only the row ids it received (a state's from its
 * cursor, a log line's own), per table and flow run, in order: a large replay in little memory.
 */
class Replayer {
  readonly stateIds: number[] = [];
  readonly logIds: number[] = [];
  readonly errors: string[] = [];
  /** Row ids by flow run, for subscribers that change their filter. */
  readonly byRun = new Map<string, { stateIds: number[]; logIds: number[] }>();
  closeCode: number | null = null;
  private waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.take(JSON.parse((data as Buffer).toString()) as ServerEvent));
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const waiter of this.waiters) waiter.reject(new Error(`the socket closed (${code}) after ${this.received} of ${waiter.count} rows`));
      this.waiters = [];
    });
  }

  static async open(server: TestServer): Promise<Replayer> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/events`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Replayer(ws);
  }

  get received(): number {
    return this.stateIds.length + this.logIds.length;
  }

  subscribe(message: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ type: 'subscribe', ...message }));
  }

  /** Resolves once `count` rows have come; fails if the socket closes first. */
  until(count: number): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ count, resolve, reject }));
  }

  /** Stops reading the socket: what the server sends piles up in the kernel, then on the server. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private take(message: ServerEvent): void {
    if (message.type === 'error') {
      this.errors.push(message.message);
      return;
    }
    const run = message.type === 'state' ? message.flowRunId : message.log.flowRunId;
    let ids = this.byRun.get(run);
    if (!ids) this.byRun.set(run, (ids = { stateIds: [], logIds: [] }));
    if (message.type === 'state') {
      const id = decodeEventCursor(message.cursor)!.stateId;
      this.stateIds.push(id);
      ids.stateIds.push(id);
    } else {
      this.logIds.push(message.log.id);
      ids.logIds.push(message.log.id);
    }
    if (this.waiters.length > 0) {
      const done = this.waiters.filter((w) => this.received >= w.count);
      this.waiters = this.waiters.filter((w) => this.received < w.count);
      for (const waiter of done) waiter.resolve();
    }
  }
}

/** The server's end of each event socket, in the order they connected. */
function serverSockets(server: TestServer): WebSocket[] {
  return [...server.server.app.websocketServer.clients] as WebSocket[];
}

/** Writes a task run (its Pending state) and two log lines of a flow run through the store. */
async function storeSomeRows(server: TestServer, flowRunId: string, step: number): Promise<void> {
  const { store } = server;
  await store.createTaskRun(taskRunRequest(flowRunId, { name: `late-${step}`, dynamicKey: step }));
  store.writeLogs([0, 1].map((n) => ({ flowRunId, taskRunId: null, level: 20, message: `late ${step}.${n}`, timestamp: Date.now(), attempt: 1 })));
  await store.flush();
}

describe('replaying a large history', () => {
  const server = useTestServer();

  it(
    'replays to ten subscribers at once while the server goes on answering, each row once and in order',
    async () => {
      const history = await seedHistory(server.current, { states: 10_000, logs: 100_000 });
      const total = history.stateIds.length + history.logIds.length;
      const replayers = await Promise.all(Array.from({ length: 10 }, () => Replayer.open(server.current)));
      const health = { whileReplaying: 0 };
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const answer = await fetch(`${server.current.api}/health`);
          await answer.arrayBuffer();
          expect(answer.status).toBe(200);
          // Counted only while the server itself is still sending history.
          if (server.current.server.events.catchingUp > 0) health.whileReplaying++;
        }
      })();
      try {
        for (const replayer of replayers) replayer.subscribe({ cursor: FROM_THE_START });
        await Promise.all(replayers.map((r) => r.until(total)));
      } finally {
        polling = false;
        await poller;
      }
      // The replays went a page at a time with requests answered in between, not in one block.
      expect(health.whileReplaying).toBeGreaterThanOrEqual(20);
      expect(server.current.server.events.catchingUp).toBe(0);
      for (const replayer of replayers) {
        expect(difference(replayer.stateIds, history.stateIds)).toBe('same');
        expect(difference(replayer.logIds, history.logIds)).toBe('same');
        expect(replayer.errors).toEqual([]);
        expect(replayer.closeCode).toBe(null);
      }
      for (const replayer of replayers) replayer.terminate();
      expect(server.current.unexpected).toEqual([]);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    "holds a paused subscriber's replay at about a page instead of buffering the history, then finishes it",
    async () => {
      const history = await seedHistory(server.current, { states: 5_000, logs: 100_000 });
      const total = history.stateIds.length + history.logIds.length;
      const replayer = await Replayer.open(server.current);
      replayer.pause();
      replayer.subscribe({ cursor: FROM_THE_START });
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(1));
      const [socket] = serverSockets(server.current);
      // The kernel's buffers are full: what the server sends now waits in the process.
      await eventually(() => expect(socket.bufferedAmount).toBeGreaterThan(0));
      let most = 0;
      for (let i = 0; i < 50; i++) {
        most = Math.max(most, socket.bufferedAmount);
        await sleep(10);
      }
      expect(most).toBeLessThan(ABOUT_A_PAGE_BYTES);
      expect(server.current.server.events.catchingUp).toBe(1);
      expect(replayer.received).toBeLessThan(total);

      replayer.resume();
      await replayer.until(total);
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(0));
      expect(difference(replayer.stateIds, history.stateIds)).toBe('same');
      expect(difference(replayer.logIds, history.logIds)).toBe('same');
      expect(replayer.closeCode).toBe(null);
      replayer.terminate();
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'delivers rows stored during a catch-up exactly once, whether they land before or at the hand-over',
    async () => {
      await seedHistory(server.current, { states: 5_000, logs: 100_000 });
      const live = await Replayer.open(server.current);
      live.subscribe();
      await eventually(() => expect(server.current.server.events.subscribers).toBe(1));
      const replayer = await Replayer.open(server.current);
      replayer.pause();
      replayer.subscribe({ cursor: FROM_THE_START });
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(1));
      await eventually(() => expect(serverSockets(server.current)[1].bufferedAmount).toBeGreaterThan(0));

      // Rows stored while the replay is held back: the poller passes them (the live subscriber
      // has them) long before the catch-up gets there.
      const run = flowRunRequest({ flowName: 'late' });
      await server.current.store.createFlowRun(run);
      let step = 0;
      for (; step < 5; step++) await storeSomeRows(server.current, run.id, step);
      await eventually(() => expect(live.received).toBe(1 + 5 * 3));
      expect(server.current.server.events.catchingUp).toBe(1);

      // And rows stored all along as it finishes, through the hand-over and after.
      replayer.resume();
      let duringCatchUp = 0;
      for (let after = 0; after < 5; step++) {
        if (server.current.server.events.catchingUp > 0) duringCatchUp++;
        else after++;
        await storeSomeRows(server.current, run.id, step);
      }
      expect(duringCatchUp).toBeGreaterThan(0);

      const stored = storedIds(server.current);
      await replayer.until(stored.stateIds.length + stored.logIds.length);
      expect(difference(replayer.stateIds, stored.stateIds)).toBe('same');
      expect(difference(replayer.logIds, stored.logIds)).toBe('same');
      // Nothing more comes: no row a second time.
      await live.until(1 + step * 3);
      await sleep(50);
      expect(replayer.received).toBe(stored.stateIds.length + stored.logIds.length);
      const late = storedIds(server.current);
      expect(difference(live.stateIds, late.stateIds.slice(-(1 + step)))).toBe('same');
      expect(difference(live.logIds, late.logIds.slice(-2 * step))).toBe('same');
      replayer.terminate();
      live.terminate();
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'stops catch-ups when their sockets close, and the poller once no one is left',
    async () => {
      const history = await seedHistory(server.current, { states: 5_000, logs: 100_000 });
      const total = history.stateIds.length + history.logIds.length;
      const replayers = await Promise.all(Array.from({ length: 10 }, () => Replayer.open(server.current)));
      for (const replayer of replayers) {
        replayer.pause();
        replayer.subscribe({ cursor: FROM_THE_START });
      }
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(10));
      // Half drop their connection outright; half read on and close it properly.
      for (const [i, replayer] of replayers.entries()) {
        if (i % 2 === 0) {
          replayer.terminate();
        } else {
          replayer.resume();
          replayer.ws.close();
        }
      }
      await eventually(() => expect(server.current.server.events.subscribers).toBe(0));
      expect(server.current.server.events.catchingUp).toBe(0);
      expect(server.current.server.events.polling).toBe(false);
      await eventually(() => expect(serverSockets(server.current)).toHaveLength(0));
      for (const replayer of replayers) expect(replayer.received).toBeLessThan(total);
      expect(server.current.unexpected).toEqual([]);
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    'ends a catch-up when a new subscribe on the same socket replaces it',
    async () => {
      const history = await seedHistory(server.current, { states: 5_000, logs: 100_000 });
      const replayer = await Replayer.open(server.current);
      replayer.pause();
      replayer.subscribe({ cursor: FROM_THE_START });
      await eventually(() => expect(serverSockets(server.current)[0]?.bufferedAmount).toBeGreaterThan(0));
      const run = flowRunRequest({ flowName: 'after the switch' });
      replayer.subscribe({ flowRunId: run.id });
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(0));
      expect(server.current.server.events.subscribers).toBe(1);

      await server.current.store.createFlowRun(run);
      for (let step = 0; step < 3; step++) await storeSomeRows(server.current, run.id, step);
      replayer.resume();
      await eventually(() => expect(replayer.byRun.get(run.id)?.logIds.length).toBe(6));
      const replayed = replayer.byRun.get(history.flowRunId)!;
      // What the first subscription had sent, a start of the history in order; then the new run alone.
      const stateCount = replayed.stateIds.length;
      const logCount = replayed.logIds.length;
      expect(stateCount + logCount).toBeLessThan(history.stateIds.length + history.logIds.length);
      expect(difference(replayed.stateIds, history.stateIds.slice(0, stateCount))).toBe('same');
      expect(difference(replayed.logIds, history.logIds.slice(0, logCount))).toBe('same');
      const late = storedIds(server.current);
      expect(replayer.byRun.get(run.id)).toEqual({ stateIds: late.stateIds.slice(-4), logIds: late.logIds.slice(-6) });
      expect([...replayer.byRun.keys()].sort()).toEqual([history.flowRunId, run.id].sort());
      replayer.terminate();
    },
    REPLAY_TIMEOUT_MS,
  );

  it(
    "replays a flow run's rows alone when they are few among many rows of other runs",
    async () => {
      const history = await seedHistory(server.current, { states: 50_000, logs: 50_000 });
      const sparse = flowRunRequest({ flowName: 'sparse' });
      await server.current.store.createFlowRun(sparse);
      for (let step = 0; step < 3; step++) await storeSomeRows(server.current, sparse.id, step);
      // More history after the sparse run's rows.
      await seedHistory(server.current, { states: 50_000, logs: 50_000 });
      const replayer = await Replayer.open(server.current);
      replayer.subscribe({ flowRunId: sparse.id, cursor: FROM_THE_START });
      await eventually(() => expect(server.current.server.events.catchingUp).toBe(0));
      const stored = server.current.store;
      const states = stored.listStatesAfter(0, { flowRunId: sparse.id, limit: 100 }).map((s) => s.id);
      const logs = stored.listLogsAfter(0, { flowRunId: sparse.id, limit: 100 }).map((l) => l.id);
      await replayer.until(states.length + logs.length);
      expect(states).toHaveLength(4);
      expect(difference(replayer.stateIds, states)).toBe('same');
      expect(difference(replayer.logIds, logs)).toBe('same');
      expect(replayer.byRun.has(history.flowRunId)).toBe(false);
      replayer.terminate();
    },
    REPLAY_TIMEOUT_MS,
  );
});

describe('the event hub', () => {
  const server = useTestServer();

  it('ends its catch-ups when it closes: a subscriber that drains later is sent nothing more', async () => {
    await seedHistory(server.current, { states: 1_000, logs: 10_000 });
    const errors: unknown[] = [];
    const hub = new EventHub(server.current.store, { onError: (error) => errors.push(error) });
    const sent: StoredEvent[] = [];
    let drain!: () => void;
    const stalled = new Promise<void>((resolve) => (drain = resolve));
    hub.subscribe({ after: { stateId: 0, logId: 0 }, send: (event) => sent.push(event), drained: () => stalled });
    // A page sent, and the catch-up waits for the subscriber.
    await eventually(() => expect(sent.length).toBeGreaterThan(0));
    const before = sent.length;
    expect(hub.catchingUpCount).toBe(1);
    hub.close();
    expect(hub.catchingUpCount).toBe(0);
    expect(hub.subscriberCount).toBe(0);
    expect(hub.isPolling).toBe(false);
    drain();
    await sleep(20);
    expect(sent.length).toBe(before);
    expect(() => hub.subscribe({ send: () => {} })).toThrow(/closed/);
    expect(errors).toEqual([]);
  });

  it('gives a catch-up a page at a time, each once the subscriber has drained the last', async () => {
    const history = await seedHistory(server.current, { states: 1_000, logs: 10_000 });
    const errors: unknown[] = [];
    const hub = new EventHub(server.current.store, { onError: (error) => errors.push(error) });
    /** How many events had been sent each time the catch-up waited. */
    const waits: number[] = [];
    const sent: StoredEvent[] = [];
    let holding = true;
    let drain = () => {};
    hub.subscribe({
      after: { stateId: 0, logId: 0 },
      send: (event) => sent.push(event),
      drained: () => {
        waits.push(sent.length);
        return holding ? new Promise<void>((resolve) => (drain = resolve)) : Promise.resolve();
      },
    });
    try {
      for (let page = 1; page <= 3; page++) {
        await eventually(() => expect(waits).toHaveLength(page));
        // Nothing more is read while the subscriber has not drained.
        await sleep(20);
        expect(sent.length).toBe(waits[page - 1]);
        drain();
      }
      // A page holds a few hundred rows of each table at most.
      expect(waits[0]).toBeGreaterThan(0);
      expect(waits[0]).toBeLessThanOrEqual(500);
      holding = false;
      drain();
      await eventually(() => expect(hub.catchingUpCount).toBe(0));
      expect(sent.length).toBe(history.stateIds.length + history.logIds.length);
      expect(errors).toEqual([]);
    } finally {
      hub.close();
    }
  });
});
