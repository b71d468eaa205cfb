import type { Deployment } from '../../core/api/index.js';
import { nextRunTimes } from '../../core/schedules/index.js';

/** Each schedule in words, an inactive one said so. */
export function scheduleWords(deployment: Pick<Deployment, 'schedules'>): string[] {
  return deployment.schedules.map((s) => (s.active ? s.description : `${s.description} (inactive)`));
}

/** The schedules in one table cell. */
export function schedulesCell(deployment: Pick<Deployment, 'schedules'>): string {
  const words = scheduleWords(deployment);
  return words.length > 0 ? words.join('; ') : '-';
}

/** `pool/queue`, the pool alone for its default queue, or `-` for a deployment served by its own process. */
export function poolCell(deployment: Pick<Deployment, 'workPool' | 'workQueue'>): string {
  if (deployment.workPool === null) return '-';
  return deployment.workQueue ? `${deployment.workPool}/${deployment.workQueue}` : deployment.workPool;
}

/** The next times its active schedules make runs, soonest first; none for a paused deployment. */
export function nextScheduledTimes(deployment: Pick<Deployment, 'schedules' | 'paused'>, after: Date, count: number): number[] {
  if (deployment.paused) return [];
  const times = deployment.schedules.filter((s) => s.active).flatMap((s) => nextRunTimes(s.schedule, after, { count }).map((time) => time.getTime()));
  return [...new Set(times)].sort((a, b) => a - b).slice(0, count);
}
