import { onAbort } from './abort-listeners.js';

/** Waits until `until` (ms since the epoch), or rejects as soon as the signal fires. */
export function sleepUntil(until: number, signal?: AbortSignal): Promise<void> {
  return sleep(until - Date.now(), signal);
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
