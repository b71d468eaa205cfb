import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openEventStream, type EventStreamStatus, type ServerEvent } from '../../../app/core/api/index.js';
import { newId } from '../../../app/core/index.js';
import { openTestStore } from '../../helpers/store-factory.js';
import { readEventPage, type StoredEvent } from '../../../app/server/http/event-hub.js';
import { flowRunRequest, startTestServer, taskRunRequest, useTestServer, type TestServer } from './support.js';

const KEY = 'correct horse battery staple';

/** Waits for a condition the server's poller makes true; generous, and never a timing check. */
function eventually(check: () => void): Promise<void> {
  return vi.waitFor(check, { timeout: 10_000, interval: 5 });
}

function subscribers(server: TestServer): number {
  return server.server.events.subscribers;
}

/** Whether a subscriber is in: the stream has no acknowledgement, so tests ask the server. */
function subscribed(server: TestServer): boolean {
  return subscribers(server) > 0;
}

interface Client {
  ws: WebSocket;
  /** Every message received until stop(). */
  messages: ServerEvent[];
  subscribe(message?: Record<string, unknown>): void;
  /** Stops recording and closes the socket; messages arriving later are as if never received. */
  stop(): Promise<void>;
}

function eventsUrl(server: TestServer, query = ''): string {
  return `${server.url.replace(/^http/, 'ws')}/api/events${query}`;
}

async function connect(server: TestServer, options: { query?: string; headers?: Record<string, string> } = {}): Promise<Client> {
  const ws = new WebSocket(eventsUrl(server, options.query), { headers: options.headers });
  const messages: ServerEvent[] = [];
  let recording = true;
  ws.on('message', (data) => {
    if (recording) messages.push(JSON.parse((data as Buffer).toString()) as ServerEvent);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    subscribe(message = {}) {
      ws.send(JSON.stringify({ type: 'subscribe', ...message }));
    },
    async stop() {
      recording = false;
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close();
      await closed;
    },
  };
}

/** The status the server answers an upgrade with when it refuses it. */
function refusal(server: TestServer, options: { query?: string; headers?: Record<string, string> } = {}): Promise<number | 'open'> {
  const ws = new WebSocket(eventsUrl(server, options.query), { headers: options.headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('error', reject);
  });
}

/** What an engine run stores: a flow run and its task runs moving through their states, with log lines. */
class FakeRun {
  readonly id = newId();
  private step = 0;
  constructor(
    private readonly server: TestServer,
    private readonly flowName = 'etl',
  ) {}

  async start(): Promise<void> {
    const { store } = this.server;
    await store.createFlowRun(flowRunRequest({ id: this.id, flowName: this.flowName }));
    await store.setState({ kind: 'flow', runId: this.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    await this.log(null, 'flow started');
  }

  /** One task run from Pending to Completed, logging while it runs. */
  async task(): Promise<void> {
    const { store } = this.server;
    const task = taskRunRequest(this.id, { name: `step-${this.step}`, dynamicKey: this.step });
    this.step++;
    await store.createTaskRun(task);
    await store.setState({ kind: 'task', runId: task.id, transitionId: newId(), state: { type: 'RUNNING', name: 'Running' } });
    await this.log(task.id, `${task.name} working`);
    await this.log(task.id, `${task.name} done`);
    await store.setState({ kind: 'task', runId: task.id, transitionId: newId(), state: { type: 'COMPLETED', name: 'Completed' } });
  }

  async finish(): Promise<void> {
    await this.log(null, 'flow finished');
    await this.server.store.setState({ kind: 'flow', runId: this.id, transitionId: newId(), state: { type: 'COMPLETED', name: 'Completed' } });
  }

  private async log(taskRunId: string | null, message: string): Promise<void> {
    this.server.store.writeLogs([{ flowRunId: this.id, taskRunId, level: 20, message, timestamp: Date.now(), attempt: 1 }]);
    await this.server.store.flush();
  }

  /** Every stored state and log line of the run, in the order the stream delivers each table. */
  stored(): { states: unknown[]; logs: unknown[] } {
    const { store } = this.server;
    return {
      states: store
        .listStatesAfter(0, { flowRunId: this.id, limit: 100_000 })
        .map(({ kind, runId, flowRunId, state }) => ({ kind, runId, flowRunId, state })),
      logs: store.listLogsAfter(0, { flowRunId: this.id, limit: 100_000 }),
    };
  }
}

/** Messages split by table, in the order received, without cursors. */
function received(messages: readonly ServerEvent[]): { states: unknown[]; logs: unknown[] } {
  const states: unknown[] = [];
  const logs: unknown[] = [];
  for (const message of messages) {
    if (message.type === 'state') states.push({ kind: message.kind, runId: message.runId, flowRunId: message.flowRunId, state: message.state });
    if (message.type === 'log') logs.push(message.log);
  }
  return { states, logs };
}

function countOf(messages: readonly ServerEvent[]): number {
  return messages.filter((m) => m.type !== 'error').length;
}

function storedCount(run: FakeRun): number {
  const { states, logs } = run.stored();
  return states.length + logs.length;
}

describe('the event stream', () => {
  const server = useTestServer();

  it("streams a flow run's states and log lines as they are stored, in order", async () => {
    const client = await connect(server.current);
    client.subscribe();
    const run = new FakeRun(server.current);
    // Let the subscription land before the run starts: without a cursor it starts at the end.
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    await run.start();
    await run.task();
    await run.task();
    await run.finish();
    await eventually(() => expect(countOf(client.messages)).toBe(storedCount(run)));
    expect(received(client.messages)).toEqual(run.stored());
    const kinds = client.messages.map((m) =>
      m.type === 'state' ? `${m.kind}:${m.state.type}` : m.type === 'log' ? `log:${m.log.message}` : 'error',
    );
    expect(kinds[0]).toBe('flow:PENDING');
    expect(kinds).toEqual(expect.arrayContaining(['flow:RUNNING', 'task:COMPLETED', 'log:step-0 working', 'flow:COMPLETED']));
    // Every message carries a cursor, and no two the same.
    expect(new Set(client.messages.map((m) => (m.type === 'error' ? '' : m.cursor))).size).toBe(client.messages.length);
    await client.stop();
  });

  it('sends nothing stored before a subscription without a cursor', async () => {
    const before = new FakeRun(server.current);
    await before.start();
    const client = await connect(server.current);
    client.subscribe();
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    const after = new FakeRun(server.current);
    await after.start();
    await eventually(() => expect(countOf(client.messages)).toBe(storedCount(after)));
    expect(client.messages.every((m) => (m.type === 'state' ? m.flowRunId === after.id : m.type === 'log' && m.log.flowRunId === after.id))).toBe(
      true,
    );
    await client.stop();
  });

  it('filters by flow run', async () => {
    const watched = new FakeRun(server.current, 'watched');
    const other = new FakeRun(server.current, 'other');
    const filtered = await connect(server.current);
    const everything = await connect(server.current);
    filtered.subscribe({ flowRunId: watched.id });
    everything.subscribe();
    await eventually(() => expect(subscribers(server.current)).toBe(2));
    await watched.start();
    await other.start();
    await watched.task();
    await other.task();
    await other.finish();
    await watched.finish();
    await eventually(() => expect(countOf(everything.messages)).toBe(storedCount(watched) + storedCount(other)));
    await eventually(() => expect(countOf(filtered.messages)).toBe(storedCount(watched)));
    expect(received(filtered.messages)).toEqual(watched.stored());
    // The unfiltered subscriber sees both, each run's rows in their stored order.
    const all = received(everything.messages);
    expect(all.states.filter((s) => (s as { flowRunId: string }).flowRunId === other.id)).toEqual(other.stored().states);
    expect(all.logs.filter((l) => (l as { flowRunId: string }).flowRunId === other.id)).toEqual(other.stored().logs);
    await filtered.stop();
    await everything.stop();
  });

  it('filters by kind of event, live and when resuming, alone or with a flow run', async () => {
    const run = new FakeRun(server.current);
    const flowStates = await connect(server.current);
    const taskStatesAndLogs = await connect(server.current);
    flowStates.subscribe({ events: ['flow-state'] });
    taskStatesAndLogs.subscribe({ flowRunId: run.id, events: ['task-state', 'log'] });
    await eventually(() => expect(subscribers(server.current)).toBe(2));
    await run.start();
    await run.task();
    await run.finish();
    const stored = run.stored();
    const storedFlowStates = stored.states.filter((s) => (s as { kind: string }).kind === 'flow');
    const storedTaskStates = stored.states.filter((s) => (s as { kind: string }).kind === 'task');
    await eventually(() => expect(countOf(flowStates.messages)).toBe(storedFlowStates.length));
    await eventually(() => expect(countOf(taskStatesAndLogs.messages)).toBe(storedTaskStates.length + stored.logs.length));
    expect(received(flowStates.messages)).toEqual({ states: storedFlowStates, logs: [] });
    expect(received(taskStatesAndLogs.messages)).toEqual({ states: storedTaskStates, logs: stored.logs });
    await flowStates.stop();
    await taskStatesAndLogs.stop();

    // Resuming from the first message's cursor replays only what is asked for.
    const first = flowStates.messages[0];
    if (first.type === 'error') throw new Error(first.message);
    const resumed = await connect(server.current);
    resumed.subscribe({ events: ['flow-state'], cursor: first.cursor });
    await eventually(() => expect(countOf(resumed.messages)).toBe(storedFlowStates.length - 1));
    expect(received(resumed.messages)).toEqual({ states: storedFlowStates.slice(1), logs: [] });

    // A kind the server does not know, or none at all, is refused with the field named.
    resumed.subscribe({ events: ['everything'] });
    resumed.subscribe({ events: [] });
    await eventually(() => expect(resumed.messages.filter((m) => m.type === 'error')).toHaveLength(2));
    for (const message of resumed.messages.filter((m) => m.type === 'error')) expect(message.type === 'error' && message.message).toMatch(/^events/);
    await resumed.stop();
  });

  it("follows flow runs' states alone with openEventStream", async () => {
    const run = new FakeRun(server.current);
    const seen: ServerEvent[] = [];
    const stream = openEventStream({ baseUrl: `${server.current.url}/api`, events: ['flow-state'], onEvent: (event) => seen.push(event), WebSocket });
    try {
      await eventually(() => expect(subscribed(server.current)).toBe(true));
      await run.start();
      await run.task();
      await run.finish();
      const flowStateCount = run.stored().states.filter((s) => (s as { kind: string }).kind === 'flow').length;
      await eventually(() => expect(seen.length).toBe(flowStateCount));
      expect(seen.every((event) => event.type === 'state' && event.kind === 'flow')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('resumes after the last cursor with no gap and no duplicate', async () => {
    const run = new FakeRun(server.current);
    const first = await connect(server.current);
    first.subscribe({ flowRunId: run.id });
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    await run.start();
    await run.task();
    await eventually(() => expect(countOf(first.messages)).toBeGreaterThan(3));
    // Drop the socket while the run goes on writing.
    await first.stop();
    const seen = [...first.messages];
    const last = seen[seen.length - 1];
    if (last.type === 'error') throw new Error(last.message);
    await run.task();
    await run.task();
    const second = await connect(server.current);
    second.subscribe({ flowRunId: run.id, cursor: last.cursor });
    await run.task();
    await run.finish();
    await eventually(() => expect(countOf(seen) + countOf(second.messages)).toBe(storedCount(run)));
    expect(received([...seen, ...second.messages])).toEqual(run.stored());
    await second.stop();
  });

  it('resumes across an idle server and across subscribers with and without a filter', async () => {
    const run = new FakeRun(server.current);
    const first = await connect(server.current);
    first.subscribe();
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    await run.start();
    await eventually(() => expect(countOf(first.messages)).toBe(storedCount(run)));
    await first.stop();
    // No one listens now: the poller stops, and the rows stored meanwhile still reach the next one.
    await eventually(() => expect(subscribers(server.current)).toBe(0));
    await run.task();
    await run.finish();
    const last = first.messages[first.messages.length - 1];
    if (last.type === 'error') throw new Error(last.message);
    const second = await connect(server.current);
    second.subscribe({ cursor: last.cursor });
    await eventually(() => expect(countOf(first.messages) + countOf(second.messages)).toBe(storedCount(run)));
    expect(received([...first.messages, ...second.messages])).toEqual(run.stored());
    await second.stop();
  });

  it('answers a bad subscribe message with an error naming the field and keeps the socket open', async () => {
    const client = await connect(server.current);
    client.ws.send('{not json');
    client.subscribe({ flowRunId: 5 });
    client.subscribe({ cursor: 'not-a-cursor' });
    client.ws.send(JSON.stringify({ type: 'unsubscribe' }));
    client.subscribe({ colour: 'blue' });
    await eventually(() => expect(client.messages.length).toBe(5));
    expect(client.messages.map((m) => m.type)).toEqual(['error', 'error', 'error', 'error', 'error']);
    const texts = client.messages.map((m) => (m.type === 'error' ? m.message : ''));
    expect(texts[0]).toMatch(/not JSON/);
    expect(texts[1]).toMatch(/^flowRunId: /);
    expect(texts[2]).toMatch(/^cursor: /);
    expect(texts[3]).toMatch(/^type: /);
    expect(texts[4]).toMatch(/colour/);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    // A good one afterwards works.
    client.subscribe();
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    const run = new FakeRun(server.current);
    await run.start();
    await eventually(() => expect(countOf(client.messages)).toBe(storedCount(run)));
    await client.stop();
  });

  it('catches rows another process writes to the same database', async () => {
    const client = await connect(server.current);
    client.subscribe();
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    const elsewhere = await openTestStore({ path: server.current.dbPath, sweepOnOpen: false });
    try {
      const request = flowRunRequest();
      await elsewhere.createFlowRun(request);
      elsewhere.writeLogs([{ flowRunId: request.id, taskRunId: null, level: 20, message: 'from elsewhere', timestamp: Date.now(), attempt: 1 }]);
      await elsewhere.flush();
      await eventually(() => expect(countOf(client.messages)).toBe(2));
      expect(client.messages.map((m) => m.type).sort()).toEqual(['log', 'state']);
    } finally {
      await elsewhere.close();
    }
    await client.stop();
  });

  it('pages through states and log lines by cursor, each table in id order, whatever the page size', async () => {
    const run = new FakeRun(server.current);
    const other = new FakeRun(server.current, 'other');
    await run.start();
    await other.start();
    await run.task();
    await other.task();
    await run.finish();
    for (const limit of [1, 2, 3, 1000]) {
      for (const flowRunId of [run.id, undefined]) {
        const events: StoredEvent[] = [];
        let position = { stateId: 0, logId: 0 };
        for (;;) {
          const page = readEventPage(server.current.store, position, { flowRunId, limit });
          events.push(...page.events.map((e) => e.event));
          position = page.position;
          if (!page.more) break;
        }
        if (flowRunId) {
          expect(received(events)).toEqual(run.stored());
        } else {
          expect(countOf(events)).toBe(storedCount(run) + storedCount(other));
        }
      }
    }
  });

  it('answers a plain GET with 426', async () => {
    const answer = await fetch(`${server.current.api}/events`);
    expect(answer.status).toBe(426);
    expect(((await answer.json()) as { message: string }).message).toMatch(/WebSocket/);
  });

  it('stops polling when no one is subscribed', async () => {
    const client = await connect(server.current);
    client.subscribe();
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    expect(server.current.server.events.polling).toBe(true);
    await client.stop();
    await eventually(() => expect(subscribers(server.current)).toBe(0));
    expect(server.current.server.events.polling).toBe(false);
  });

  it('follows the stream with openEventStream, reconnecting after a drop at the last cursor', async () => {
    const events: ServerEvent[] = [];
    const statuses: EventStreamStatus[] = [];
    const run = new FakeRun(server.current);
    const stream = openEventStream({
      baseUrl: server.current.api,
      flowRunId: run.id,
      WebSocket,
      minReconnectDelayMs: 10,
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
    });
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    await run.start();
    await run.task();
    await eventually(() => expect(countOf(events)).toBe(storedCount(run)));
    // The server drops every socket; the stream reconnects and resumes.
    for (const socket of server.current.server.app.websocketServer.clients) socket.terminate();
    await run.task();
    await run.finish();
    await eventually(() => expect(countOf(events)).toBe(storedCount(run)));
    expect(received(events)).toEqual(run.stored());
    expect(statuses).toContain('reconnecting');
    expect(stream.status).toBe('open');
    stream.close();
    expect(stream.status).toBe('closed');
  });
});

describe('the event stream with an API key', () => {
  const server = useTestServer({ apiKey: KEY });

  it('refuses the upgrade with 401 without a valid key', async () => {
    expect(await refusal(server.current)).toBe(401);
    expect(await refusal(server.current, { headers: { authorization: 'Bearer wrong' } })).toBe(401);
    expect(await refusal(server.current, { query: '?token=wrong' })).toBe(401);
    expect(await refusal(server.current, { query: '?token=' })).toBe(401);
  });

  it('takes the key as a bearer header or a token query parameter', async () => {
    for (const options of [{ headers: { authorization: `Bearer ${KEY}` } }, { query: `?token=${encodeURIComponent(KEY)}` }]) {
      const client = await connect(server.current, options);
      client.subscribe();
      await eventually(() => expect(subscribed(server.current)).toBe(true));
      const run = new FakeRun(server.current);
      await run.start();
      await eventually(() => expect(countOf(client.messages)).toBe(storedCount(run)));
      await client.stop();
      await eventually(() => expect(subscribers(server.current)).toBe(0));
    }
  });

  it('keeps the token query parameter to the WebSocket: REST routes still want the header', async () => {
    const answer = await fetch(`${server.current.api}/health?token=${encodeURIComponent(KEY)}`);
    expect(answer.status).toBe(401);
  });

  it('lets openEventStream in with the key', async () => {
    const events: ServerEvent[] = [];
    const run = new FakeRun(server.current);
    const stream = openEventStream({ baseUrl: server.current.api, apiKey: KEY, WebSocket, onEvent: (e) => events.push(e) });
    await eventually(() => expect(subscribed(server.current)).toBe(true));
    await run.start();
    await eventually(() => expect(countOf(events)).toBe(storedCount(run)));
    stream.close();
  });
});

describe('the event stream without an API key', () => {
  it('lets any client in', async () => {
    const server = await startTestServer();
    try {
      expect(await refusal(server)).toBe('open');
      expect(await refusal(server, { headers: { authorization: 'Bearer anything' } })).toBe('open');
    } finally {
      await server.close();
    }
  });
});
