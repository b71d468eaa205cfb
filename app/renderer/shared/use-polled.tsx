import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../core/error-message.js';

export interface Polled<T> {
  /** The last answer; kept while a later read fails, so the page does not empty. */
  data: T | null;
  /** Why the last read failed; null once one succeeds. */
  error: string | null;
  /** Reads again now (after an action changed what is shown). */
  reload(): void;
}

/**
 * What `read` answers, read again every `everyMs` while the page is open: counts, next runs and
 * worker health change on their own, without anyone on the page doing anything. `key` names what
 * is read: a new key starts afresh.
 */
export function usePolled<T>(read: () => Promise<T>, key: string, everyMs: number): Polled<T> {
  const [state, setState] = useState<{ key: string; data: T | null; error: string | null }>({ key, data: null, error: null });
  const [tick, setTick] = useState(0);
  const latestRead = useRef(read);
  latestRead.current = read;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // The next read is counted from this one's answer, so a slow server is never asked twice at once.
    const next = () => {
      if (live) timer = setTimeout(() => setTick((n) => n + 1), everyMs);
    };
    latestRead.current().then(
      (data) => {
        if (live) setState({ key, data, error: null });
        next();
      },
      (error: unknown) => {
        if (live) setState((was) => ({ key, data: was.key === key ? was.data : null, error: errorMessage(error) }));
        next();
      },
    );
    return () => {
      live = false;
      if (timer !== null) clearTimeout(timer);
    };
  }, [key, tick, everyMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.key === key ? state : { data: null, error: null };
  return { data: current.data, error: current.error, reload };
}
