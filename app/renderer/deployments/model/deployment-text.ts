import type { Deployment, DeploymentSchedule, DeploymentSummary } from '../../../core/api/deployments.js';
import { formatDue, formatRelative } from '../../shared/relative-time.js';

/** Deployments as the page lists them: by flow, then by name, as `FLOW/NAME` reads. */
export function sortDeployments<T extends Pick<Deployment, 'flowName' | 'name'>>(deployments: readonly T[]): T[] {
  return [...deployments].sort((a, b) => a.flowName.localeCompare(b.flowName) || a.name.localeCompare(b.name));
}

/** One schedule in words, saying so when it is kept but makes no runs. */
export function scheduleText(schedule: Pick<DeploymentSchedule, 'description' | 'active'>): string {
  return schedule.active ? schedule.description : `${schedule.description} (inactive)`;
}

/** All of a deployment's schedules in words, or that it runs only when asked. */
export function schedulesText(schedules: readonly Pick<DeploymentSchedule, 'description' | 'active'>[]): string {
  return schedules.length === 0 ? 'no schedule: runs when asked' : schedules.map(scheduleText).join('; ');
}

/** Where its runs go: `pool / queue`, the pool's default queue left implicit, or its own `serve` process. */
export function placementText(deployment: Pick<Deployment, 'workPool' | 'workQueue'>): string {
  if (deployment.workPool === null) return 'its own serve process';
  return deployment.workQueue === null ? deployment.workPool : `${deployment.workPool} / ${deployment.workQueue}`;
}

/** When its next run is due, or why none is: paused, or nothing scheduled. */
export function nextRunText(deployment: Pick<DeploymentSummary, 'nextRunAt' | 'paused'>, now: number): string {
  if (deployment.paused) return 'paused';
  if (deployment.nextRunAt === null) return 'none scheduled';
  return deployment.nextRunAt < now ? formatDue(deployment.nextRunAt, now, false) : formatRelative(deployment.nextRunAt, now);
}
