/**
 * The answers a flow run still waits for before it ends, such as its task runs' Completed states,
 * counted rather than each held as a promise: while any is unanswered, one promise stands for all
 * of them in the flow run's outstanding work, which a map of thousands of runs feels.
 */
export class PendingRecords {
  private count = 0;
  private settled: Promise<void> | null = null;
  private resolveSettled: (() => void) | null = null;

  constructor(private readonly outstanding: Set<Promise<unknown>>) {}

  /** One more answer to wait for. */
  add(): void {
    if (this.count++ > 0) return;
    const settled = new Promise<void>((resolve) => (this.resolveSettled = resolve));
    this.settled = settled;
    this.outstanding.add(settled);
  }

  /** One answer came (or will never come): the flow run waits for it no more. */
  done(): void {
    if (this.count === 0) throw new Error('more answers were marked done than were awaited');
    if (--this.count > 0) return;
    const settled = this.settled!;
    const resolve = this.resolveSettled!;
    this.settled = null;
    this.resolveSettled = null;
    this.outstanding.delete(settled);
    resolve();
  }
}
