import { watch, type FSWatcher } from 'node:fs';

/** How long changes of the WAL file are gathered before waiters are told. */
const FILE_CHANGE_COALESCE_MS = 3;

/**
 * Tells waiters in this process that the database may have changed: at once when this process
 * wrote (`changed()`), and when another process did, through a watch on the database's WAL
 * file, which every commit writes. The watch runs only while someone waits.
 */
export class StoreChangeSignal {
  private readonly listeners = new Set<() => void>();
  private watcher: FSWatcher | null = null;
  private scheduled = false;
  private fileChangeDue = false;

  constructor(private readonly walPath: string) {}

  /** Calls `listener` after each change until the returned function is called. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    this.startWatching();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  /** This process committed a change. */
  changed(): void {
    if (this.listeners.size === 0 || this.scheduled) return;
    // One call per burst of writes: a commit touches the WAL file several times.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  /**
   * Another process (or this one) wrote the WAL file. Each commit writes it several times, and a
   * flow process writing many small commits while someone waits would pay for every event: the
   * watch is closed at the first and opened again a few milliseconds later, before the waiters
   * read, so no change between the two goes unseen.
   */
  private fileChanged(): void {
    if (this.fileChangeDue) return;
    this.fileChangeDue = true;
    this.stopWatching();
    setTimeout(() => {
      this.fileChangeDue = false;
      if (this.listeners.size === 0) return;
      this.startWatching();
      for (const listener of [...this.listeners]) listener();
    }, FILE_CHANGE_COALESCE_MS);
  }

  close(): void {
    this.listeners.clear();
    this.stopWatching();
  }

  private startWatching(): void {
    if (this.watcher || this.fileChangeDue) return;
    try {
      this.watcher = watch(this.walPath, { persistent: false }, () => this.fileChanged());
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      // No WAL file to watch (an in-memory database): changes of this process still signal.
      this.watcher = null;
    }
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
