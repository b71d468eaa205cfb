import type Database from 'better-sqlite3';
import type { ConcurrencyLimit, SlotOutcome } from '../../core/index.js';
import { StoreError } from './store-error.js';
import type { WriteBatch } from './transition-writer.js';

/** The transition being orchestrated: a rule opens its savepoint before writing, so a refusal can undo it. */
interface RuleWrites {
  openSavepoint(): void;
}

/** Limits on how many task runs with a tag may run at once, and the slots that running task runs hold. */
export class ConcurrencyLimits {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly writeBatch: WriteBatch,
  ) {
    this.stmt = {
      limitFor: db.prepare<[string], { slot_limit: number }>('SELECT slot_limit FROM concurrency_limits WHERE tag = ?'),
      slotsInUse: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM concurrency_slots WHERE tag = ? AND task_run_id != ?'),
      takeSlot: db.prepare('INSERT OR IGNORE INTO concurrency_slots (tag, task_run_id, acquired_at) VALUES (?, ?, ?)'),
      releaseSlots: db.prepare('DELETE FROM concurrency_slots WHERE task_run_id = ?'),
    };
  }

  set(tag: string, limit: number): ConcurrencyLimit {
    if (!tag.trim()) throw new StoreError('a concurrency limit needs a tag', 'INVALID');
    if (!Number.isInteger(limit) || limit < 0) {
      throw new StoreError(`the limit must be a whole number of 0 or more, got ${limit}`, 'INVALID');
    }
    this.writeBatch(() => {
      this.db
        .prepare(
          `INSERT INTO concurrency_limits (tag, slot_limit, created_at) VALUES (?, ?, ?)
           ON CONFLICT (tag) DO UPDATE SET slot_limit = excluded.slot_limit`,
        )
        .run(tag, limit, this.now());
    });
    return this.get(tag)!;
  }

  get(tag: string): ConcurrencyLimit | null {
    const row = this.db
      .prepare<[string], { tag: string; slot_limit: number; created_at: number }>('SELECT * FROM concurrency_limits WHERE tag = ?')
      .get(tag);
    if (!row) return null;
    const slots = this.db
      .prepare<[string], { task_run_id: string }>('SELECT task_run_id FROM concurrency_slots WHERE tag = ? ORDER BY acquired_at')
      .all(tag)
      .map((s) => s.task_run_id);
    return { tag: row.tag, limit: row.slot_limit, activeSlots: slots, createdAt: row.created_at };
  }

  list(): ConcurrencyLimit[] {
    return this.db
      .prepare<[], { tag: string }>('SELECT tag FROM concurrency_limits ORDER BY tag')
      .all()
      .map((row) => this.get(row.tag)!);
  }

  delete(tag: string): boolean {
    return this.writeBatch(() => {
      this.db.prepare('DELETE FROM concurrency_slots WHERE tag = ?').run(tag);
      return this.db.prepare('DELETE FROM concurrency_limits WHERE tag = ?').run(tag).changes > 0;
    });
  }

  /** Takes a slot under every limited tag, or none when one of them is full. */
  acquireSlots(tags: readonly string[], taskRunId: string, now: number, transition: RuleWrites): SlotOutcome {
    const limited: string[] = [];
    for (const tag of tags) {
      const limit = this.stmt.limitFor.get(tag);
      if (!limit) continue;
      if (limit.slot_limit === 0) return { acquired: false, tag, limit: 0 };
      if (this.stmt.slotsInUse.get(tag, taskRunId)!.n >= limit.slot_limit) {
        return { acquired: false, tag, limit: limit.slot_limit };
      }
      limited.push(tag);
    }
    if (limited.length > 0) transition.openSavepoint();
    for (const tag of limited) this.stmt.takeSlot.run(tag, taskRunId, now);
    return { acquired: true };
  }

  releaseSlots(taskRunId: string, transition: RuleWrites): void {
    transition.openSavepoint();
    this.stmt.releaseSlots.run(taskRunId);
  }
}
