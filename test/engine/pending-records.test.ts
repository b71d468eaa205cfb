import { describe, expect, it } from 'vitest';
import { PendingRecords } from '../../app/engine/pending-records.js';

describe('PendingRecords', () => {
  it('holds one promise in the outstanding work while any answer is awaited, settled by the last', async () => {
    const outstanding = new Set<Promise<unknown>>();
    const records = new PendingRecords(outstanding);
    records.add();
    records.add();
    expect(outstanding.size).toBe(1);
    const [waiting] = outstanding;
    let settled = false;
    void waiting.then(() => (settled = true));
    records.done();
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(outstanding.size).toBe(1);
    records.done();
    await waiting;
    expect(settled).toBe(true);
    expect(outstanding.size).toBe(0);
    // A later answer to wait for stands in a promise of its own.
    records.add();
    expect([...outstanding]).not.toContain(waiting);
    records.done();
    expect(outstanding.size).toBe(0);
  });

  it('refuses more answers done than awaited', () => {
    const records = new PendingRecords(new Set());
    expect(() => records.done()).toThrow(/more answers were marked done than were awaited/);
  });
});
