import { describe, expect, it } from 'vitest';
import { CountedWork } from '../../app/engine/counted-work.js';

describe('CountedWork', () => {
  it('holds one promise in the outstanding work while any piece is unfinished, settled by the last', async () => {
    const outstanding = new Set<Promise<unknown>>();
    const work = new CountedWork(outstanding);
    work.add();
    work.add();
    expect(outstanding.size).toBe(1);
    expect(work.size).toBe(2);
    const [waiting] = outstanding;
    let settled = false;
    void waiting.then(() => (settled = true));
    work.done();
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(outstanding.size).toBe(1);
    work.done();
    await waiting;
    expect(settled).toBe(true);
    expect(outstanding.size).toBe(0);
    // Later work to wait for stands in a promise of its own.
    work.add();
    expect([...outstanding]).not.toContain(waiting);
    work.done();
    expect(outstanding.size).toBe(0);
  });

  it('refuses more work done than awaited', () => {
    const work = new CountedWork(new Set());
    expect(() => work.done()).toThrow(/more work was marked done than was awaited/);
  });
});
