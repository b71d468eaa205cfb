import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { noSuchPool, poolOption } from '../deployments/missing-resource.js';
import { renderWorkerTable } from '../deployments/pool-tables.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck worker ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pool = poolOption(args.values.pool, 'whose workers to list');
  const source = await ctx.deployments();
  const workers = await source.listWorkers(pool);
  if (!workers) throw await noSuchPool(source, pool);
  if (flag(args, 'json')) {
    ctx.printJson(workers);
    return EXIT_OK;
  }
  if (workers.length === 0) {
    ctx.print(`No workers in work pool '${pool}'. Start one with: flowdeck worker start --pool ${pool}`);
    return EXIT_OK;
  }
  ctx.print(renderWorkerTable(workers, ctx.colors));
  return EXIT_OK;
};
