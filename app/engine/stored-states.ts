import type { StateType } from '../core/index.js';
import { onAbort } from './abort-listeners.js';
import { beatCount } from './heartbeats.js';

interface Waiter {
  afterBeat: number;
  match: (type: StateType) => boolean;
  resolve: (type: StateType) => void;
}

/**
 * The state types the heartbeat reads from the store for one flow run, for code that waits for a
 * change made elsewhere, such as a resume. Only beats sent after the wait began count: the answer
 * to an earlier beat may predate the transition the run itself just made.
 */
export class StoredStates {
  private readonly waiters = new Set<Waiter>();

  heard(type: StateType, beat: number): void {
    for (const waiter of this.waiters) {
      if (beat > waiter.afterBeat && waiter.match(type)) {
        this.waiters.delete(waiter);
        waiter.resolve(type);
      }
    }
  }

  /** Resolves with the first type a later beat reads that matches; rejects when the signal fires. */
  waitFor(match: (type: StateType) => boolean, signal: AbortSignal): Promise<StateType> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        afterBeat: beatCount(),
        match,
        resolve: (type) => {
          stopListening();
          resolve(type);
        },
      };
      const stopListening = onAbort(signal, () => {
        this.waiters.delete(waiter);
        reject(signal.reason);
      });
      this.waiters.add(waiter);
    });
  }
}
