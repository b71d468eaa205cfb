import type { CommandRun } from '../command.js';
import { noSuchQueue, poolOption } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-queue delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const pool = poolOption(args.values.pool, 'the queue is in');
  const name = args.positionals[0];
  const source = await ctx.deployments();
  if (!(await source.deleteWorkQueue(pool, name))) throw await noSuchQueue(source, pool, name);
  ctx.print(`Deleted queue '${name}' of work pool '${pool}'; its waiting runs moved to the pool's default queue.`);
  return EXIT_OK;
};
