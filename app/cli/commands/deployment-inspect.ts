import type { DeploymentRun } from '../../core/api/index.js';
import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import type { CliContext } from '../context.js';
import { poolCell, scheduleWords } from '../deployments/deployment-output.js';
import { findDeployment } from '../deployments/find-deployment.js';
import { EXIT_OK } from '../errors.js';
import { describeJson, describeRetryPolicy, describeTags } from '../output/describe.js';
import { indent, renderFields } from '../output/fields.js';
import { formatStateName, formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';

function runsSection(ctx: CliContext, title: string, runs: readonly DeploymentRun[], when: 'expected' | 'started'): void {
  ctx.print();
  ctx.print(ctx.colors.bold(`${title} (${runs.length})`));
  if (runs.length === 0) {
    ctx.print(indent('None.'));
    return;
  }
  const rows = runs.map((r) => [
    r.id,
    r.name,
    formatStateName(r.state, ctx.colors),
    formatTime(when === 'expected' ? r.expectedStartTime : r.startTime),
    ...(when === 'started' ? [formatTime(r.endTime)] : []),
  ]);
  const headers = when === 'expected' ? ['FLOW RUN', 'NAME', 'STATE', 'DUE'] : ['FLOW RUN', 'NAME', 'STATE', 'STARTED', 'ENDED'];
  ctx.print(indent(renderTable(headers, rows, ctx.colors.bold)));
}

/** `flowdeck deployment inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const d = await findDeployment(await ctx.deployments(), args.positionals[0]);
  if (flag(args, 'json')) {
    ctx.printJson(d);
    return EXIT_OK;
  }
  const schedules = scheduleWords(d);
  const limit =
    d.concurrencyLimit === null
      ? 'none'
      : `${d.concurrencyLimit} at once; more runs ${d.collisionStrategy === 'ENQUEUE' ? 'wait' : 'are cancelled'} (${d.collisionStrategy})`;
  ctx.print(ctx.colors.bold(`Deployment ${d.fullName}`));
  ctx.print(
    renderFields([
      ['id', d.id],
      ['flow', d.flowName],
      ['entrypoint', d.entrypoint],
      ['description', d.description ?? '-'],
      ['version', d.version ?? '-'],
      ['tags', describeTags(d.tags)],
      ['work pool', d.workPool === null ? '- (runs in its own serve process)' : poolCell(d)],
      ['schedules', schedules.length > 0 ? schedules.join('\n') : 'none: runs start with flowdeck deployment run'],
      ['parameters', describeJson(d.parameters)],
      ['concurrency', limit],
      ['catch-up', d.catchUp],
      ['retries', describeRetryPolicy(d.retryPolicy)],
      ['paused', d.paused ? 'yes' : 'no'],
      ['bundle', d.bundle ?? '-'],
      ['created', formatTime(d.createdAt)],
      ['updated', formatTime(d.updatedAt)],
    ]),
  );
  runsSection(ctx, 'Upcoming runs', d.upcoming, 'expected');
  runsSection(ctx, 'Recent runs', d.recent, 'started');
  return EXIT_OK;
};
