import { onAbort } from './abort-listeners.js';

/**
 * Waits until `until` (ms since the epoch), or rejects as soon as the signal fires. A timer can
 * fire a millisecond or so before the wall clock reaches its end (Node dates it from the event
 * loop's cached time, and the wall clock can be slewed), so it waits again for what is left.
 */
export async function sleepUntil(until: number, signal?: AbortSignal): Promise<void> {
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) await sleep(left, signal);
  if (signal?.aborted) throw signal.reason;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopListening?.();
      resolve();
    }, ms);
    const stopListening = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : undefined;
  });
}
