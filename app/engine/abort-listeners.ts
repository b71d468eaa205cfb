/**
 * Abort callbacks on signals that many runs listen to at once (a flow run's signal, followed by
 * every task run attempt in it). EventTarget looks for a duplicate on every addEventListener and
 * walks its whole list on every removeEventListener, so 10,000 task runs listening to one signal
 * cost 10,000² steps; here each signal gets one listener and a Set.
 */
const callbacks = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts, like addEventListener('abort', callback, { once: true });
 * returns what removes it again. As with EventTarget, nothing is called for a signal that had
 * already aborted, and a callback that throws does not stop the others.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let set = callbacks.get(signal);
  if (!set) {
    const registered = new Set<() => void>();
    signal.addEventListener('abort', () => dispatch(registered), { once: true });
    callbacks.set(signal, registered);
    set = registered;
  }
  set.add(callback);
  const listeners = set;
  return () => {
    listeners.delete(callback);
  };
}

function dispatch(set: Set<() => void>): void {
  // Those added while dispatching are not called and those removed are not, as for events.
  for (const callback of [...set]) {
    if (!set.delete(callback)) continue;
    try {
      callback();
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
    }
  }
}
