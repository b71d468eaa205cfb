import { eventKindOf, type EventKind, type LogEvent, type StateEvent } from '../../core/api/index.js';
import type { RunReads } from '../store/run-reads.js';

/** Where a stream stands: the last states row and the last logs row it has passed. */
export interface StreamPosition {
  stateId: number;
  logId: number;
}

export type StoredEvent = StateEvent | LogEvent;

/**
 * Cursors are opaque to clients: base64url of the position right after the message that carries
 * it. Both tables' ids only grow, so "rows after this position" is exactly what a client missed.
 */
export function encodeEventCursor(position: StreamPosition): string {
  return Buffer.from(JSON.stringify([position.stateId, position.logId]), 'utf8').toString('base64url');
}

export function decodeEventCursor(text: string): StreamPosition | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    return { stateId: value[0] as number, logId: value[1] as number };
  }
  return null;
}

export function flowRunOf(event: StoredEvent): string {
  return event.type === 'state' ? event.flowRunId : event.log.flowRunId;
}

/** An event with the id of the row it was read from. */
export interface PagedEvent {
  id: number;
  event: StoredEvent;
}

export interface EventPage {
  events: PagedEvent[];
  /** After the last event of the page. */
  position: StreamPosition;
  /** Whether more rows may follow right away. */
  more: boolean;
}

/**
 * The next page of states and log lines after a position. Each table is read in id order and the
 * two are merged by timestamp, so a run's states and log lines come in the order they happened;
 * each table keeps its id order, which is what makes the cursor exact. When one table's page is
 * full and used up, the merge stops there: the other table's later rows might belong after rows
 * of the first table not yet read.
 */
export function readEventPage(
  reads: RunReads,
  after: StreamPosition,
  options: { flowRunId?: string; upTo?: StreamPosition; limit: number },
): EventPage {
  const { flowRunId, upTo, limit } = options;
  const states = reads.listStatesAfter(after.stateId, { flowRunId, upToId: upTo?.stateId, limit });
  const logs = reads.listLogsAfter(after.logId, { flowRunId, upToId: upTo?.logId, limit });
  const statesFull = states.length === limit;
  const logsFull = logs.length === limit;
  const position = { ...after };
  const events: PagedEvent[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const state = states[i];
    const log = logs[j];
    if (state === undefined && (statesFull || log === undefined)) break;
    if (log === undefined && logsFull) break;
    if (state !== undefined && (log === undefined || state.state.timestamp <= log.timestamp)) {
      position.stateId = state.id;
      i++;
      events.push({
        id: state.id,
        event: {
          type: 'state',
          cursor: encodeEventCursor(position),
          kind: state.kind,
          runId: state.runId,
          flowRunId: state.flowRunId,
          state: state.state,
        },
      });
    } else {
      position.logId = log!.id;
      j++;
      events.push({ id: log!.id, event: { type: 'log', cursor: encodeEventCursor(position), log: log! } });
    }
  }
  return { events, position, more: statesFull || logsFull };
}

export interface EventSubscriber {
  flowRunId?: string;
  /** Only these kinds of event; all when left out. */
  events?: ReadonlySet<EventKind>;
  /** Where to resume; none starts at the current end of the store. */
  after?: StreamPosition;
  send(event: StoredEvent): void;
}

function wants(subscriber: EventSubscriber, event: StoredEvent): boolean {
  return subscriber.events === undefined || subscriber.events.has(eventKindOf(event));
}

export interface EventHubOptions {
  pollIntervalMs?: number;
  pageSize?: number;
  /** Pages one poll reads at most before yielding to the event loop. */
  maxPagesPerPoll?: number;
  onError: (error: unknown) => void;
}

interface Subscription {
  subscriber: EventSubscriber;
  /** Rows at or below these ids were delivered by the catch-up or were before the cursor. */
  floor: StreamPosition;
}

/**
 * One poller per server, shared by every subscriber: it reads what was stored after the last
 * row it saw and hands each row to the subscribers whose filter it matches. Polling the database
 * rather than hooking the store's writes also catches rows other processes write to the same file.
 * It runs only while someone is subscribed.
 */
export class EventHub {
  private readonly subscriptions = new Set<Subscription>();
  private position: StreamPosition | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxPagesPerPoll: number;

  constructor(
    private readonly reads: RunReads,
    private readonly options: EventHubOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5;
    this.pageSize = options.pageSize ?? 500;
    this.maxPagesPerPoll = options.maxPagesPerPoll ?? 20;
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  get isPolling(): boolean {
    return this.timer !== null;
  }

  /**
   * Sends what the subscriber missed since its cursor, then everything new. The catch-up reads
   * up to where the poller stands and the poller goes on from there; both run on this thread,
   * so nothing is stored between them unseen. Returns the unsubscribe function.
   */
  subscribe(subscriber: EventSubscriber): () => void {
    if (this.closed) throw new Error('the event hub is closed');
    const current = this.start();
    const after = subscriber.after;
    if (after) {
      let from = after;
      for (;;) {
        const page = readEventPage(this.reads, from, { flowRunId: subscriber.flowRunId, upTo: current, limit: this.pageSize });
        for (const { event } of page.events) if (wants(subscriber, event)) subscriber.send(event);
        if (!page.more) break;
        from = page.position;
      }
    }
    const floor = after
      ? { stateId: Math.max(after.stateId, current.stateId), logId: Math.max(after.logId, current.logId) }
      : { ...current };
    const subscription: Subscription = { subscriber, floor };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      if (this.subscriptions.size === 0) this.stop();
    };
  }

  /** Stops polling and drops every subscriber (on server close). */
  close(): void {
    this.closed = true;
    this.subscriptions.clear();
    this.stop();
  }

  private start(): StreamPosition {
    if (this.position === null) {
      const last = this.reads.lastEventIds();
      this.position = { stateId: last.stateId, logId: last.logId };
    }
    if (this.timer === null) this.schedule();
    return { ...this.position };
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // Rows stored while no one listens are nobody's: the next subscriber starts afresh.
    this.position = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.poll(), this.pollIntervalMs);
    // The server's socket keeps the process alive; the poller alone should not.
    this.timer.unref();
  }

  private poll(): void {
    if (this.position === null || this.subscriptions.size === 0) {
      this.stop();
      return;
    }
    try {
      for (let pages = 0; pages < this.maxPagesPerPoll; pages++) {
        const page = readEventPage(this.reads, this.position, { limit: this.pageSize });
        this.position = page.position;
        for (const paged of page.events) this.fanOut(paged);
        if (!page.more) break;
      }
    } catch (error) {
      this.options.onError(error);
    }
    if (this.subscriptions.size > 0 && !this.closed) this.schedule();
    else this.stop();
  }

  private fanOut({ id, event }: PagedEvent): void {
    const flowRunId = flowRunOf(event);
    for (const { subscriber, floor } of this.subscriptions) {
      if ((subscriber.flowRunId !== undefined && subscriber.flowRunId !== flowRunId) || !wants(subscriber, event)) continue;
      if (id <= (event.type === 'state' ? floor.stateId : floor.logId)) continue;
      try {
        subscriber.send(event);
      } catch (error) {
        this.options.onError(error);
      }
    }
  }
}
