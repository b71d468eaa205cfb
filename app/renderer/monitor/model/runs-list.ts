import type { ApiClient } from '../../../core/api/client.js';
import { ApiUnreachableError } from '../../../core/api/errors.js';
import type { EventStream, EventStreamOptions, EventStreamStatus } from '../../../core/api/event-stream.js';
import type { ServerEvent } from '../../../core/api/events.js';
import type { FlowRunListQuery } from '../../../core/api/flow-runs.js';
import { advanceRunTiming } from '../../../core/orchestration/bookkeeping.js';
import type { FlowRunSummary } from '../../../core/runs.js';
import type { State } from '../../../core/states.js';
import { errorMessage } from '../../../core/error-message.js';

/** The list of runs as the page shows it. */
export interface RunsListView {
  items: readonly FlowRunSummary[];
  /** The first page: being read, read, or could not be read. */
  status: 'loading' | 'ready' | 'error';
  /** Why the first page could not be read; `unreachable` when the server did not answer at all. */
  error: { message: string; unreachable: boolean } | null;
  /** More runs follow on the server. */
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last "more" could not be read; reading more again retries. */
  moreError: string | null;
  /** New runs matching the filters, above the top of the list, not shown yet. */
  newRuns: number;
  /** More new runs than one page: showing them reads the list again from the top. */
  manyNewRuns: boolean;
  stream: EventStreamStatus;
}

interface RunsListOptions {
  client: Pick<ApiClient, 'listFlowRuns'>;
  /** The listing's query, taken once: every page of one list uses the same. */
  query: FlowRunListQuery;
  pageSize: number;
  /** The event stream of every run; without it the list does not follow changes. */
  openStream?: (options: Pick<EventStreamOptions, 'events' | 'onEvent' | 'onStatus'>) => EventStream;
  onChange: (view: RunsListView) => void;
  /** Publishes at most once per this many ms, so a burst of changes is one redraw. */
  publishEveryMs?: number;
}

/** Whether run `a` comes before run `b` newest first: later creation, or on a tie the greater id. */
function newerThan(a: FlowRunSummary, b: FlowRunSummary): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/** A run after a state the stream brought: the state, and the times and attempts it implies. */
export function withState(run: FlowRunSummary, state: State): FlowRunSummary {
  if (state.timestamp < run.state.timestamp) return run;
  const timing = advanceRunTiming(run, run.state.type, state.type, state.timestamp);
  return { ...run, ...timing, state };
}

/**
 * A page's worth of runs at a time, read as the list is scrolled (keyset cursor), kept live from
 * the event stream: runs on the list change state in place; runs the list has not seen make it ask
 * the server for the top of the list again, which tells new runs matching the filters apart from
 * old runs that merely changed. New runs wait above the list until `showNewRuns()` (the page calls
 * it at once while the list is scrolled to the top); oldest first, they join at the end once the
 * end is reached.
 */
export class RunsList {
  private items: FlowRunSummary[] = [];
  private readonly index = new Map<string, number>();
  private cursor: string | null = null;
  /** The cursor the last page read was read with, to read that page again for runs added after it. */
  private lastPageCursor: string | undefined = undefined;
  private pendingNew: FlowRunSummary[] = [];
  private view: RunsListView;
  private readonly stream: EventStream | null;
  /** Bumped on each reload, so answers to an earlier read are dropped. */
  private generation = 0;
  private closed = false;
  private publishTimer: ReturnType<typeof setTimeout> | null = null;
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  private atTop = true;

  constructor(private readonly options: RunsListOptions) {
    this.view = {
      items: [],
      status: 'loading',
      error: null,
      hasMore: false,
      loadingMore: false,
      moreError: null,
      newRuns: 0,
      manyNewRuns: false,
      stream: options.openStream ? 'connecting' : 'closed',
    };
    void this.reload();
    this.stream = options.openStream
      ? options.openStream({
          // A list of runs shows flow runs' states; task states and log lines would only be dropped.
          events: ['flow-state'],
          onEvent: (event) => this.onEvent(event),
          onStatus: (status) => {
            if (this.closed) return;
            this.publish({ stream: status });
            // What was stored between a read and the stream (re)opening is asked for now, or
            // once the first page is in.
            if (status === 'open' && this.view.status === 'ready') void this.checkForNewRuns();
            // The server is back after the first read failed: read again without being asked.
            if (status === 'open' && this.view.status === 'error') void this.reload();
          },
        })
      : null;
  }

  get current(): RunsListView {
    return this.view;
  }

  private get sort(): 'newest' | 'oldest' {
    return this.options.query.sort === 'oldest' ? 'oldest' : 'newest';
  }

  /** Reads the list again from the first page (to retry after an error, or to show many new runs). */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.pendingNew = [];
    this.publish({ status: this.view.status === 'ready' ? 'ready' : 'loading', error: null, newRuns: 0, manyNewRuns: false }, true);
    try {
      const page = await this.options.client.listFlowRuns({ query: { ...this.options.query, limit: this.options.pageSize } });
      if (generation !== this.generation || this.closed) return;
      this.items = [];
      this.index.clear();
      this.append(page.items);
      this.cursor = page.nextCursor;
      this.lastPageCursor = undefined;
      this.publish({ status: 'ready', error: null, hasMore: page.nextCursor !== null, moreError: null, loadingMore: false }, true);
      if (this.stream?.status === 'open') void this.checkForNewRuns();
    } catch (error) {
      if (generation !== this.generation || this.closed) return;
      this.publish({ status: 'error', error: { message: errorMessage(error), unreachable: error instanceof ApiUnreachableError } }, true);
    }
  }

  /** Reads the next page, unless one is being read or there is none. */
  async loadMore(): Promise<void> {
    if (this.view.status !== 'ready' || this.view.loadingMore || this.cursor === null || this.closed) return;
    const generation = this.generation;
    const cursor = this.cursor;
    this.publish({ loadingMore: true, moreError: null }, true);
    try {
      const page = await this.options.client.listFlowRuns({ query: { ...this.options.query, limit: this.options.pageSize, cursor } });
      if (generation !== this.generation || this.closed) return;
      this.append(page.items);
      this.cursor = page.nextCursor;
      this.lastPageCursor = cursor;
      this.publish({ loadingMore: false, hasMore: page.nextCursor !== null });
    } catch (error) {
      if (generation !== this.generation || this.closed) return;
      this.publish({ loadingMore: false, moreError: errorMessage(error) }, true);
    }
  }

  /** Tells the list whether its top is in sight: then new runs are shown as they come. */
  setAtTop(atTop: boolean): void {
    this.atTop = atTop;
    if (atTop && this.view.newRuns > 0 && !this.view.manyNewRuns) this.showNewRuns();
  }

  /** Puts the new runs waiting above the list on it (or reads it again when they are many). */
  showNewRuns(): void {
    if (this.view.manyNewRuns) {
      void this.reload();
      return;
    }
    if (this.pendingNew.length === 0) return;
    const fresh = this.pendingNew.filter((run) => !this.index.has(run.id));
    this.pendingNew = [];
    this.items = [...fresh, ...this.items];
    this.reindex();
    this.publish({ newRuns: 0 }, true);
  }

  close(): void {
    this.closed = true;
    if (this.publishTimer !== null) clearTimeout(this.publishTimer);
    this.stream?.close();
  }

  private append(runs: readonly FlowRunSummary[]): void {
    for (const run of runs) {
      if (this.index.has(run.id)) continue;
      this.index.set(run.id, this.items.length);
      this.items.push(run);
    }
  }

  private reindex(): void {
    this.index.clear();
    this.items.forEach((run, i) => this.index.set(run.id, i));
  }

  /** Replaces a run on the list with what the server says now, keeping a newer state heard live. */
  private refreshRun(run: FlowRunSummary): void {
    const at = this.index.get(run.id);
    if (at === undefined) return;
    if (this.items[at].state.timestamp <= run.state.timestamp) this.items[at] = run;
  }

  private onEvent(event: ServerEvent): void {
    if (this.closed || event.type !== 'state' || event.kind !== 'flow') return;
    const at = this.index.get(event.runId);
    if (at !== undefined) {
      this.items[at] = withState(this.items[at], event.state);
      this.publish();
      return;
    }
    const waiting = this.pendingNew.findIndex((run) => run.id === event.runId);
    if (waiting >= 0) {
      this.pendingNew[waiting] = withState(this.pendingNew[waiting], event.state);
      return;
    }
    // A run not on the list: new, or one further down that changed. The server tells which.
    void this.checkForNewRuns();
  }

  /** Asks for the top of the list (or, oldest first at the end, the last page) once at a time. */
  private checkForNewRuns(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      try {
        do {
          this.checkAgain = false;
          await (this.sort === 'newest' ? this.checkTop() : this.checkEnd());
        } while (this.checkAgain && !this.closed);
      } catch {
        // The stream keeps going; the next event or a reload asks again.
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  private async checkTop(): Promise<void> {
    if (this.view.status !== 'ready' || this.closed) return;
    const generation = this.generation;
    const page = await this.options.client.listFlowRuns({ query: { ...this.options.query, limit: this.options.pageSize } });
    if (generation !== this.generation || this.closed) return;
    for (const run of page.items) this.refreshRun(run);
    const top = this.items[0];
    if (top === undefined) {
      // The list was empty: the first runs show at once.
      this.append(page.items);
      this.cursor = page.nextCursor;
      this.publish({ hasMore: page.nextCursor !== null }, true);
      return;
    }
    const newer = page.items.filter((run) => newerThan(run, top) && !this.index.has(run.id));
    const many = newer.length === page.items.length && page.nextCursor !== null;
    this.pendingNew = newer;
    this.publish({ newRuns: newer.length, manyNewRuns: many }, true);
    if (this.atTop && newer.length > 0) {
      if (many) await this.reload();
      else this.showNewRuns();
    }
  }

  /** Oldest first, new runs belong at the end: once it is reached, the last page is read again. */
  private async checkEnd(): Promise<void> {
    if (this.view.status !== 'ready' || this.cursor !== null || this.view.loadingMore || this.closed) return;
    const generation = this.generation;
    const cursor = this.lastPageCursor;
    const page = await this.options.client.listFlowRuns({
      query: { ...this.options.query, limit: this.options.pageSize, ...(cursor ? { cursor } : {}) },
    });
    if (generation !== this.generation || this.closed || this.cursor !== null) return;
    for (const run of page.items) this.refreshRun(run);
    this.append(page.items);
    this.cursor = page.nextCursor;
    this.publish({ hasMore: page.nextCursor !== null }, true);
  }

  private publish(changes: Partial<RunsListView> = {}, now = false): void {
    this.view = { ...this.view, ...changes };
    if (this.closed) return;
    if (now) {
      this.flush();
      return;
    }
    this.publishTimer ??= setTimeout(() => this.flush(), this.options.publishEveryMs ?? 100);
  }

  private flush(): void {
    if (this.publishTimer !== null) clearTimeout(this.publishTimer);
    this.publishTimer = null;
    if (this.closed) return;
    this.view = { ...this.view, items: this.items.slice() };
    this.options.onChange(this.view);
  }
}
