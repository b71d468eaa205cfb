import { eventKindOf, type EventKind, type LogEvent, type StateEvent } from '../../core/api/index.js';
import type { EventReads } from '../store/run-store.js';

/** Where a stream stands: the last states row and the last logs row it has passed. */
interface StreamPosition {
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

function flowRunOf(event: StoredEvent): string {
  return event.type === 'state' ? event.flowRunId : event.log.flowRunId;
}

/** An event with the id of the row it was read from. */
interface PagedEvent {
  id: number;
  event: StoredEvent;
}

interface EventPage {
  events: PagedEvent[];
  /** After the last event of the page, or further when the filter left out the rows up to a bound. */
  position: StreamPosition;
  /** Whether more rows may follow right away. */
  more: boolean;
}

/** Which rows a page may take, besides its size. */
type EventPageOptions = { flowRunId?: string; limit: number } & (
  | { upTo?: StreamPosition; scanIds?: undefined }
  /**
   * With scanIds, each table's read looks at no more than this many ids past the position, so a
   * page filtered by flow run costs the same however sparse the run's rows are in the table.
   */
  | { upTo: StreamPosition; scanIds: number }
);

/** The highest id a table's read may reach: undefined when unbounded. */
function boundOf(afterId: number, upToId: number | undefined, scanIds: number | undefined): number | undefined {
  if (upToId === undefined) return undefined;
  return scanIds === undefined ? upToId : Math.min(upToId, afterId + scanIds);
}

/**
 * The next page of states and log lines after a position. Each table is read in id order and the
 * two are merged by timestamp, so a run's states and log lines come in the order they happened;
 * each table keeps its id order, which is what makes the cursor exact. When one table's read
 * stopped short (its page is full, or its scan ended before upTo) and is used up, the merge stops
 * there: the other table's later rows might belong after rows of the first table not yet read.
 */
export function readEventPage(reads: EventReads, after: StreamPosition, options: EventPageOptions): EventPage {
  const { flowRunId, upTo, limit, scanIds } = options;
  const stateBound = boundOf(after.stateId, upTo?.stateId, scanIds);
  const logBound = boundOf(after.logId, upTo?.logId, scanIds);
  const states = reads.listStatesAfter(after.stateId, { flowRunId, upToId: stateBound, limit });
  const logs = reads.listLogsAfter(after.logId, { flowRunId, upToId: logBound, limit });
  const statesShort = states.length === limit || (stateBound !== undefined && stateBound < upTo!.stateId);
  const logsShort = logs.length === limit || (logBound !== undefined && logBound < upTo!.logId);
  const position = { ...after };
  const events: PagedEvent[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const state = states[i];
    const log = logs[j];
    if (state === undefined && (statesShort || log === undefined)) break;
    if (log === undefined && logsShort) break;
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
      position.logId = log.id;
      j++;
      events.push({ id: log.id, event: { type: 'log', cursor: encodeEventCursor(position), log } });
    }
  }
  // A bounded table whose rows were all read and used: the rows up to its bound that the filter
  // left out are passed too, so the next page does not look at them again.
  if (stateBound !== undefined && states.length < limit && i === states.length) position.stateId = Math.max(position.stateId, stateBound);
  if (logBound !== undefined && logs.length < limit && j === logs.length) position.logId = Math.max(position.logId, logBound);
  return { events, position, more: statesShort || logsShort };
}

interface EventSubscriber {
  flowRunId?: string;
  /** Only these kinds of event; all when left out. */
  events?: ReadonlySet<EventKind>;
  /** Where to resume; none starts at the current end of the store. */
  after?: StreamPosition;
  send(event: StoredEvent): void;
  /**
   * Resolves once most of what was sent has left: a catch-up reads its next page only then, so
   * a reader that is slow, or stops, holds back its own replay and nothing else. Left out, pages
   * follow each other a turn of the event loop apart.
   */
  drained?(): Promise<void>;
  /** The catch-up could not read the store (the hub reported why); the subscription has ended. */
  failed?(): void;
}

function wants(subscriber: EventSubscriber, event: StoredEvent): boolean {
  return subscriber.events === undefined || subscriber.events.has(eventKindOf(event));
}

function wantsStates(subscriber: EventSubscriber): boolean {
  return subscriber.events === undefined || subscriber.events.has('flow-state') || subscriber.events.has('task-state');
}

function wantsLogs(subscriber: EventSubscriber): boolean {
  return subscriber.events === undefined || subscriber.events.has('log');
}

interface EventHubOptions {
  pollIntervalMs?: number;
  pageSize?: number;
  /** Pages one poll reads at most before yielding to the event loop. */
  maxPagesPerPoll?: number;
  /** Rows of each table a catch-up reads at a time. */
  catchUpPageSize?: number;
  /** Ids of each table one catch-up page looks at most (see readEventPage's scanIds). */
  catchUpScanIds?: number;
  onError: (error: unknown) => void;
}

interface Subscription {
  subscriber: EventSubscriber;
  /**
   * Rows at or below these ids were delivered by the catch-up or were before the cursor. Null
   * while catching up: the poller passes the subscription by until the catch-up reaches it.
   */
  floor: StreamPosition | null;
  ended: boolean;
  /** Ends a catch-up's wait for the subscriber to drain. */
  wake: (() => void) | null;
}

/**
 * One poller per server, shared by every subscriber: it reads what was stored after the last
 * row it saw and hands each row to the subscribers whose filter it matches. Polling the database
 * rather than hooking the store's writes also catches rows other processes write to the same file.
 * It runs only while someone is subscribed. A subscriber with a cursor is first caught up a page
 * at a time, as its socket takes them, and joins the poller's rows where its catch-up ends.
 */
export class EventHub {
  private readonly subscriptions = new Set<Subscription>();
  private position: StreamPosition | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxPagesPerPoll: number;
  private readonly catchUpPageSize: number;
  private readonly catchUpScanIds: number;
  /** Catch-ups waiting for their turn to read a page. */
  private readonly turns: (() => void)[] = [];
  private turnScheduled = false;

  constructor(
    private readonly reads: EventReads,
    private readonly options: EventHubOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5;
    this.pageSize = options.pageSize ?? 500;
    this.maxPagesPerPoll = options.maxPagesPerPoll ?? 20;
    this.catchUpPageSize = options.catchUpPageSize ?? 150;
    this.catchUpScanIds = options.catchUpScanIds ?? 20_000;
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Subscribers still being sent what they missed. */
  get catchingUpCount(): number {
    let count = 0;
    for (const subscription of this.subscriptions) if (subscription.floor === null) count++;
    return count;
  }

  get isPolling(): boolean {
    return this.timer !== null;
  }

  /**
   * Sends what the subscriber missed since its cursor, then everything new. The catch-up goes a
   * page at a time, each once the subscriber has drained the last, and the live events start
   * where it ends. Returns the unsubscribe function, which also stops a catch-up.
   */
  subscribe(subscriber: EventSubscriber): () => void {
    if (this.closed) throw new Error('the event hub is closed');
    const current = this.start();
    const subscription: Subscription = { subscriber, floor: subscriber.after ? null : current, ended: false, wake: null };
    this.subscriptions.add(subscription);
    if (subscriber.after) void this.catchUp(subscription, subscriber.after);
    return () => this.end(subscription);
  }

  /** Stops polling, ends every catch-up and drops every subscriber (on server close). */
  close(): void {
    this.closed = true;
    for (const subscription of this.subscriptions) this.release(subscription);
    this.subscriptions.clear();
    this.stop();
  }

  /**
   * Each page reads up to where the poller stands at that moment. Once a page reaches it, the
   * poller delivers the rows after it: both run on this thread, so nothing is stored between the
   * last page and the poller's next read unseen, and nothing is sent twice.
   */
  private async catchUp(subscription: Subscription, after: StreamPosition): Promise<void> {
    const { subscriber } = subscription;
    const states = wantsStates(subscriber);
    const logs = wantsLogs(subscriber);
    let from = after;
    try {
      for (;;) {
        await this.turn();
        const current = this.position;
        if (subscription.ended || current === null) return;
        // A table the subscriber wants nothing of is not read: its bound is where it stands.
        const upTo = { stateId: states ? current.stateId : from.stateId, logId: logs ? current.logId : from.logId };
        const page = readEventPage(this.reads, from, {
          flowRunId: subscriber.flowRunId,
          upTo,
          limit: this.catchUpPageSize,
          scanIds: this.catchUpScanIds,
        });
        for (const { event } of page.events) {
          if (subscription.ended) return;
          if (wants(subscriber, event)) subscriber.send(event);
        }
        from = page.position;
        if (!page.more) {
          subscription.floor = { stateId: Math.max(from.stateId, current.stateId), logId: Math.max(from.logId, current.logId) };
          return;
        }
        await this.drained(subscription);
      }
    } catch (error) {
      if (subscription.ended) return;
      this.options.onError(error);
      this.end(subscription);
      subscriber.failed?.();
    }
  }

  /**
   * Resolves at the catch-up's turn: one page of one catch-up per turn of the event loop, each
   * in turn, so requests are answered between pages however many subscribers are catching up.
   */
  private turn(): Promise<void> {
    return new Promise((resolve) => {
      this.turns.push(resolve);
      this.scheduleTurn();
    });
  }

  private scheduleTurn(): void {
    if (this.turnScheduled || this.turns.length === 0) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      // The page runs right after this callback; the next turn comes after the next I/O poll.
      this.turns.shift()!();
      this.scheduleTurn();
    });
  }

  /** Waits for the subscriber to drain, or for the subscription to end. */
  private async drained(subscription: Subscription): Promise<void> {
    const drained = subscription.subscriber.drained?.();
    if (drained === undefined || subscription.ended) return;
    await new Promise<void>((resolve) => {
      subscription.wake = resolve;
      drained.then(resolve, resolve);
    });
    subscription.wake = null;
  }

  private release(subscription: Subscription): void {
    subscription.ended = true;
    subscription.wake?.();
    subscription.wake = null;
  }

  private end(subscription: Subscription): void {
    this.release(subscription);
    this.subscriptions.delete(subscription);
    if (this.subscriptions.size === 0) this.stop();
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
      if (floor === null) continue;
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
