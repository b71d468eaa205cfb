import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { poolCell, schedulesCell } from '../deployments/deployment-output.js';
import { EXIT_OK } from '../errors.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';

/** `flowdeck deployment ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const deployments = await (await ctx.deployments()).listDeployments();
  if (flag(args, 'json')) {
    ctx.printJson(deployments);
    return EXIT_OK;
  }
  if (deployments.length === 0) {
    ctx.print('No deployments. Deploy flows with: flowdeck deploy (from flowdeck.yaml) or flowdeck deploy FILE --name NAME');
    return EXIT_OK;
  }
  const rows = deployments.map((d) => [d.fullName, schedulesCell(d), poolCell(d), d.paused ? 'yes' : 'no', formatTime(d.nextRunAt)]);
  ctx.print(renderTable(['DEPLOYMENT', 'SCHEDULES', 'POOL', 'PAUSED', 'NEXT RUN'], rows, ctx.colors.bold));
  return EXIT_OK;
};
