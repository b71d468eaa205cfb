import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { noSuchPool, poolOption } from '../deployments/missing-resource.js';
import { renderQueueTable } from '../deployments/pool-tables.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-queue ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pool = poolOption(args.values.pool, 'whose queues to list');
  const source = await ctx.deployments();
  const queues = await source.listWorkQueues(pool);
  if (!queues) throw await noSuchPool(source, pool);
  if (flag(args, 'json')) {
    ctx.printJson(queues);
    return EXIT_OK;
  }
  ctx.print(renderQueueTable(queues, ctx.colors));
  return EXIT_OK;
};
