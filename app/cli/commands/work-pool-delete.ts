import type { CommandRun } from '../command.js';
import { noSuchPool } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-pool delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const name = args.positionals[0];
  if (!(await source.deleteWorkPool(name))) throw await noSuchPool(source, name);
  ctx.print(`Deleted work pool '${name}' and its queues.`);
  return EXIT_OK;
};
