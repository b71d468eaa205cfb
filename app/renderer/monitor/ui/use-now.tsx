import { useEffect, useState } from 'react';

/** Now, again every `everyMs` while `ticking`: for bars and durations of runs still going. */
export function useNow(ticking: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [ticking, everyMs]);
  return ticking ? now : Date.now();
}
