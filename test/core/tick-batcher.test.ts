import { afterEach, describe, expect, it } from 'vitest';
import { TickBatcher, type TickBatcherOptions } from '../../app/core/tick-batcher.js';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything each tick took, items and lines alike. */
interface Taken {
  items: string[];
  lines: string[];
}

const batchers: TickBatcher<string, string>[] = [];

/** A batcher whose ticks take everything, or as much as `take` says, and record it. */
function recording(options: Partial<TickBatcherOptions> & { take?: number } = {}) {
  const ticks: Taken[] = [];
  const batcher: TickBatcher<string, string> = new TickBatcher<string, string>({
    linesForBatch: options.linesForBatch ?? 1000,
    // Long enough that a test sees lines wait; the tests that want the delay to run out say so.
    lineDelayMs: options.lineDelayMs ?? 60_000,
    onTick: options.onTick ?? (() => ticks.push({ items: batcher.takeItems(options.take ?? Infinity), lines: batcher.takeLines(Infinity) })),
  });
  batchers.push(batcher);
  return { batcher, ticks };
}

afterEach(() => {
  for (const batcher of batchers.splice(0)) batcher.stop();
});

describe('TickBatcher', () => {
  it('hands on the items of one tick together, in the order they came, and later ones in a later tick', async () => {
    const { batcher, ticks } = recording();
    batcher.add('a');
    batcher.add('b');
    batcher.add('c');
    expect(ticks).toEqual([]);
    await nextTick();
    batcher.add('d');
    await nextTick();
    expect(ticks).toEqual([
      { items: ['a', 'b', 'c'], lines: [] },
      { items: ['d'], lines: [] },
    ]);
  });

  it('keeps log lines for the next batch, which carries them with its items', async () => {
    const { batcher, ticks } = recording();
    batcher.addLines(['one', 'two']);
    await nextTick();
    expect(ticks).toEqual([]);
    expect(batcher.isEmpty).toBe(false);
    batcher.add('a');
    await nextTick();
    expect(ticks).toEqual([{ items: ['a'], lines: ['one', 'two'] }]);
    expect(batcher.isEmpty).toBe(true);
  });

  it('hands log lines on alone once they fill a batch', async () => {
    const { batcher, ticks } = recording({ linesForBatch: 3 });
    batcher.addLines(['one', 'two']);
    batcher.addLines(['three']);
    await nextTick();
    expect(ticks).toEqual([{ items: [], lines: ['one', 'two', 'three'] }]);
  });

  it('hands log lines on alone when the line delay runs out', async () => {
    let ticked!: () => void;
    const tick = new Promise<void>((resolve) => (ticked = resolve));
    const taken: string[][] = [];
    const batcher: TickBatcher<string, string> = new TickBatcher<string, string>({
      linesForBatch: 1000,
      lineDelayMs: 1,
      onTick: () => {
        taken.push(batcher.takeLines(Infinity));
        ticked();
      },
    });
    batchers.push(batcher);
    batcher.addLines(['one']);
    await tick;
    expect(taken).toEqual([['one']]);
  });

  it('leaves what a tick did not take for the next tick its owner asks for', async () => {
    const { batcher, ticks } = recording({ take: 2 });
    for (const item of ['a', 'b', 'c', 'd', 'e']) batcher.add(item);
    await nextTick();
    expect(ticks.map((t) => t.items)).toEqual([['a', 'b']]);
    expect(batcher.items).toEqual(['c', 'd', 'e']);
    batcher.schedule();
    await nextTick();
    batcher.schedule();
    await nextTick();
    expect(ticks.map((t) => t.items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('hands a long queue on in order, batch by batch, with items added between the batches after the rest', () => {
    const batcher = new TickBatcher<number, string>({ linesForBatch: 1000, lineDelayMs: 60_000, onTick: () => {} });
    for (let i = 0; i < 100; i++) batcher.add(i);
    const taken: number[] = [];
    let next = 100;
    while (!batcher.isEmpty) {
      const batch = batcher.takeItems(7);
      expect(batch.length).toBeLessThanOrEqual(7);
      taken.push(...batch);
      if (next < 150) batcher.add(next++);
      // Nothing lost, nothing twice: what was taken and what waits are every item added, in order.
      expect([...taken, ...batcher.items]).toEqual(Array.from({ length: next }, (_, i) => i));
    }
    batcher.stop();
    expect(taken).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('runs at once on runNow, and the tick that was due then finds nothing to do', async () => {
    const { batcher, ticks } = recording();
    batcher.add('a');
    expect(batcher.isScheduled).toBe(true);
    batcher.runNow();
    expect(batcher.isScheduled).toBe(false);
    expect(ticks).toEqual([{ items: ['a'], lines: [] }]);
    await nextTick();
    expect(ticks).toHaveLength(1);
  });

  it('resolves whenIdle only once its owner says so, and asks for a tick meanwhile', async () => {
    const { batcher, ticks } = recording();
    batcher.addLines(['one']);
    let idle = false;
    const waiting = batcher.whenIdle().then(() => (idle = true));
    await nextTick();
    expect(ticks).toEqual([{ items: [], lines: ['one'] }]);
    expect(idle).toBe(false);
    batcher.wakeIdle();
    await waiting;
    expect(idle).toBe(true);
  });

  it('once stopped, takes no log lines and runs no tick, keeping its items for its owner', async () => {
    const { batcher, ticks } = recording();
    batcher.add('a');
    batcher.stop();
    batcher.addLines(['late']);
    await nextTick();
    expect(ticks).toEqual([]);
    expect(batcher.isScheduled).toBe(false);
    expect(batcher.takeItems(Infinity)).toEqual(['a']);
    expect(batcher.takeLines(Infinity)).toEqual([]);
  });
});
