import { cannotWrite, sqliteCode, type StoreError } from './store-error.js';

/**
 * How long writes must go without failing before the database counts as writable again. On a
 * full disk a small transaction can still fit where a failed one left room while larger ones
 * keep failing; without this the server would say "failing" and "recovered" again and again.
 */
const RECOVERY_QUIET_MS = 3_000;

/** Why the database cannot be written. */
export interface WriteProblem {
  /** What is wrong and what to do, in a sentence (the StoreError's message). */
  message: string;
  /** The SQLite result code, e.g. SQLITE_FULL. */
  code: string;
  /** When writes began to fail, in ms since the epoch. */
  since: number;
}

export type WriteHealthChange = { kind: 'failing'; problem: WriteProblem } | { kind: 'recovered'; problem: WriteProblem; at: number };

/**
 * Whether the store's writes succeed: told of every write transaction's outcome, it keeps the
 * current problem (if any) for the health check and tells its listeners once when writes begin
 * to fail and once when they succeed again.
 */
export class WriteHealth {
  private problem: WriteProblem | null = null;
  private lastFailure = 0;
  private recoveredAt = 0;
  private succeededSinceFailure = false;
  private recheck: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(change: WriteHealthChange) => void>();

  constructor(
    private readonly path: string,
    private readonly now: () => number,
  ) {}

  /** Why writes fail now, or null when they succeed. */
  get current(): WriteProblem | null {
    this.settle();
    return this.problem;
  }

  /** Whether writes are failing now, as last recorded (without settling a recovery). */
  get failing(): boolean {
    return this.problem !== null;
  }

  /**
   * From when a run's silence may be counted, in ms since the epoch: now while writes fail (the
   * beats that came were not stored), else the moment they last recovered (0 if they never failed),
   * so every run has a full heartbeat timeout to be heard again.
   */
  silenceCountsFrom(): number {
    this.settle();
    return this.problem ? this.now() : this.recoveredAt;
  }

  /** Records a failed write; returns the error to throw in its place. */
  failed(error: unknown): StoreError {
    const storeError = cannotWrite(this.path, error);
    this.lastFailure = this.now();
    this.succeededSinceFailure = false;
    if (!this.problem) {
      this.problem = { message: storeError.message, code: sqliteCode(error), since: this.lastFailure };
      this.tell({ kind: 'failing', problem: this.problem });
    }
    return storeError;
  }

  /** Records a committed write transaction. */
  succeeded(): void {
    if (!this.problem) return;
    this.succeededSinceFailure = true;
    if (!this.settle()) this.settleLater();
  }

  /** Listens for changes; returns a function that stops listening. */
  onChange(listener: (change: WriteHealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    this.listeners.clear();
  }

  /** Settles once the quiet time after the last failure is over, so recovery is told even when no write follows. */
  private settleLater(): void {
    if (this.recheck) return;
    this.recheck = setTimeout(
      () => {
        this.recheck = null;
        if (!this.settle() && this.succeededSinceFailure) this.settleLater();
      },
      Math.max(0, this.lastFailure + RECOVERY_QUIET_MS - this.now()),
    );
    this.recheck.unref();
  }

  /** Declares the database writable again once a write has succeeded and none failed for a while. */
  private settle(): boolean {
    if (!this.problem) return true;
    const at = this.now();
    if (!this.succeededSinceFailure || at - this.lastFailure < RECOVERY_QUIET_MS) return false;
    const problem = this.problem;
    this.problem = null;
    this.recoveredAt = at;
    this.tell({ kind: 'recovered', problem, at });
    return true;
  }

  private tell(change: WriteHealthChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
