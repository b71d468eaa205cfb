import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { renderTable } from '../output/table.js';

/** `flowdeck work-pool ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pools = await (await ctx.deployments()).listWorkPools();
  if (flag(args, 'json')) {
    ctx.printJson(pools);
    return EXIT_OK;
  }
  if (pools.length === 0) {
    ctx.print('No work pools. Create one with: flowdeck work-pool create NAME');
    return EXIT_OK;
  }
  const rows = pools.map((p) => [
    p.name,
    p.type,
    p.paused ? 'yes' : 'no',
    p.concurrencyLimit === null ? '-' : String(p.concurrencyLimit),
    p.queues.map((q) => q.name).join(', '),
    `${p.workers.filter((w) => w.status === 'ONLINE').length} of ${p.workers.length}`,
    String(p.runs.waiting),
    String(p.runs.late),
    String(p.runs.running),
  ]);
  ctx.print(renderTable(['POOL', 'TYPE', 'PAUSED', 'LIMIT', 'QUEUES', 'WORKERS ONLINE', 'WAITING', 'LATE', 'RUNNING'], rows, ctx.colors.bold));
  return EXIT_OK;
};
