/**
 * CPU time a piece of work costs this process, and how much of it went to garbage collection:
 * wall time alone hides a regression that a second core or an idle wait absorbs.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface CpuUse {
  /** User and system CPU time of the whole process (every thread), in milliseconds. */
  cpuMs: number;
  /** Time V8 spent collecting garbage, in milliseconds. */
  gcMs: number;
}

/** Starts measuring; the returned function stops and answers what was used since. */
export function startCpuMeter(): () => CpuUse {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(started);
    // Entries are delivered later; the ones not yet delivered are taken here.
    for (const entry of observer.takeRecords()) gcMs += entry.duration;
    observer.disconnect();
    return { cpuMs: (used.user + used.system) / 1000, gcMs };
  };
}
