import type { Deployment } from '../../core/api/deployments.js';
import { nextRunTimes } from '../../core/schedules/index.js';
import type { CliContext } from '../context.js';

/** How many of the next run times the banner shows. */
const NEXT_RUNS_SHOWN = 3;

function timeText(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** What a serve process says when it starts: its deployment, its schedules in words and when it runs next. */
export function printServing(ctx: CliContext, deployment: Deployment, where: string, limit: number): void {
  const c = ctx.colors;
  ctx.print(
    `${c.bold('Serving')}   ${deployment.fullName} ${c.gray(deployment.id)} (up to ${limit} run${limit === 1 ? '' : 's'} at once, on ${where})`,
  );
  const active = deployment.schedules.filter((s) => s.active);
  if (deployment.schedules.length === 0)
    ctx.print(`${c.bold('Schedule')}  none: it runs when asked to (flowdeck deployment run ${deployment.fullName})`);
  for (const schedule of deployment.schedules) {
    ctx.print(`${c.bold('Schedule')}  ${schedule.description}${schedule.active ? '' : c.gray(' (inactive)')}`);
  }
  if (deployment.paused) ctx.print(`${c.bold('Paused')}    its schedules make no runs until it is resumed`);
  else if (active.length > 0) {
    const now = new Date();
    const times = active
      .flatMap((s) => nextRunTimes(s.schedule, now, { count: NEXT_RUNS_SHOWN }).map((time) => time.getTime()))
      .sort((a, b) => a - b)
      .slice(0, NEXT_RUNS_SHOWN);
    ctx.print(`${c.bold('Next runs')} ${times.map(timeText).join(', ')}`);
  }
  ctx.print(c.gray('Ctrl+C stops taking runs and waits for running ones to finish'));
}
