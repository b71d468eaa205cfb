/**
 * Work a flow run waits for before it ends (its task runs, their Completed states' answers),
 * counted rather than each held as a promise: while any is unfinished, one promise stands for all
 * of it in the flow run's outstanding work, which a map of thousands of runs feels.
 */
export class CountedWork {
  private count = 0;
  private settled: Promise<void> | null = null;
  private resolveSettled: (() => void) | null = null;

  constructor(private readonly outstanding: Set<Promise<unknown>>) {}

  /** How much of it is unfinished. */
  get size(): number {
    return this.count;
  }

  /** One more piece to wait for. */
  add(): void {
    if (this.count++ > 0) return;
    const settled = new Promise<void>((resolve) => (this.resolveSettled = resolve));
    this.settled = settled;
    this.outstanding.add(settled);
  }

  /** One piece is finished (or will never be): the flow run waits for it no more. */
  done(): void {
    if (this.count === 0) throw new Error('more work was marked done than was awaited');
    if (--this.count > 0) return;
    const settled = this.settled!;
    const resolve = this.resolveSettled!;
    this.settled = null;
    this.resolveSettled = null;
    this.outstanding.delete(settled);
    resolve();
  }
}
