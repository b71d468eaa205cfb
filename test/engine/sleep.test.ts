// A retry must not start before the time its AwaitingRetry state names, even when the timer fires
// before the wall clock gets there.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleepUntil } from '../../app/engine/sleep.js';

describe('sleepUntil', () => {
  afterEach(() => vi.restoreAllMocks());

  it('waits again when the timer fires before the wall clock reaches the end', async () => {
    const realNow = Date.now.bind(Date);
    const started = realNow();
    // A wall clock that was slewed back 15 ms just after the timer was set.
    let calls = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => (calls++ === 0 ? 1_000 : 1_000 + (realNow() - started) - 15));
    await sleepUntil(1_040);
    expect(Date.now()).toBeGreaterThanOrEqual(1_040);
    expect(realNow() - started).toBeGreaterThanOrEqual(54);
  });

  it('resolves at once for a time already past, and rejects for an aborted signal', async () => {
    await expect(sleepUntil(Date.now() - 10)).resolves.toBeUndefined();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(sleepUntil(Date.now() + 1_000, controller.signal)).rejects.toThrow('stop');
    await expect(sleepUntil(Date.now() - 1, controller.signal)).rejects.toThrow('stop');
    const later = new AbortController();
    const waiting = sleepUntil(Date.now() + 60_000, later.signal);
    later.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
