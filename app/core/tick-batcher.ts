export interface TickBatcherOptions {
  /** Buffered log lines that make a batch worth handing on at once. */
  linesForBatch: number;
  /** How long a log line may wait when nothing else comes to carry it sooner. */
  lineDelayMs: number;
  /** Takes what was gathered; runs once in the tick after work came (or the line delay ran out). */
  onTick: () => void;
}

/**
 * Gathers the items (operations, say) and log lines handed in during one tick of the event loop
 * and hands them on together in the next, so that whatever is proposed at once is written or sent
 * at once. In `onTick` the owner takes what it wants (takeItems, takeLines), in the order it
 * came; what it leaves waits for the next tick it schedules. A tick waits with Node's
 * setImmediate, after the I/O callbacks of the current one, so this runs in Node only.
 */
export class TickBatcher<Item, Line> {
  private queue: Item[] = [];
  /**
   * Where the items not yet taken start in `queue`. Taking a batch moves it instead of copying
   * what is left: a long queue taken a batch at a time would be copied again for every batch.
   */
  private head = 0;
  private buffer: Line[] = [];
  private scheduled = false;
  private lineTimer: ReturnType<typeof setTimeout> | null = null;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: TickBatcherOptions) {}

  /** Items handed in and not yet taken, oldest first. */
  get items(): readonly Item[] {
    this.dropTaken();
    return this.queue;
  }

  /** Whether a tick has been asked for and has not run yet. */
  get isScheduled(): boolean {
    return this.scheduled;
  }

  get isEmpty(): boolean {
    return this.queue.length === this.head && this.buffer.length === 0;
  }

  add(item: Item): void {
    this.queue.push(item);
    this.schedule();
  }

  /** Log lines wait for a batch that carries them, or for the line delay, whichever is sooner. */
  addLines(lines: readonly Line[]): void {
    if (this.stopped) return;
    for (const line of lines) this.buffer.push(line);
    if (this.buffer.length >= this.options.linesForBatch) this.schedule();
    else if (this.lineTimer === null && !this.scheduled) {
      this.lineTimer = setTimeout(() => {
        this.lineTimer = null;
        this.schedule();
      }, this.options.lineDelayMs);
    }
  }

  /** Asks for a tick: the rest of this tick's calls join the same batch. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      // A batch taken at once (runNow) meanwhile leaves nothing for this tick to do.
      if (this.scheduled) this.runNow();
    });
  }

  /** Hands on what was gathered now instead of at the tick. */
  runNow(): void {
    this.scheduled = false;
    if (this.lineTimer) {
      clearTimeout(this.lineTimer);
      this.lineTimer = null;
    }
    if (this.stopped) return;
    this.options.onTick();
  }

  /** The first `count` items, which leave the batcher. */
  takeItems(count: number): Item[] {
    const end = Math.min(this.head + count, this.queue.length);
    const taken = this.head === 0 && end === this.queue.length ? this.queue : this.queue.slice(this.head, end);
    if (end === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else {
      this.head = end;
      // Once the taken part is the larger, what is left is copied down: each item is copied
      // about once however long the queue, and taken items are not held for long.
      if (this.head >= this.queue.length - this.head) this.dropTaken();
    }
    return taken;
  }

  private dropTaken(): void {
    if (this.head === 0) return;
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }

  /** The first `count` log lines, which leave the batcher. */
  takeLines(count: number): Line[] {
    const taken = this.buffer.length <= count ? this.buffer : this.buffer.slice(0, count);
    this.buffer = taken === this.buffer ? [] : this.buffer.slice(count);
    return taken;
  }

  /** Resolves when the owner says it is idle (wakeIdle); asks for a tick meanwhile. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    });
  }

  /** Resolves everyone waiting in whenIdle(). */
  wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Takes no more log lines and runs no more ticks; items still held stay for the owner to answer. */
  stop(): void {
    this.stopped = true;
    if (this.lineTimer) clearTimeout(this.lineTimer);
  }
}
