import type { CommandRun } from '../command.js';
import { noSuchPool } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-pool pause`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const name = args.positionals[0];
  const before = await source.getWorkPool(name);
  if (!before) throw await noSuchPool(source, name);
  if (before.paused) {
    ctx.print(`Work pool '${name}' is already paused.`);
    return EXIT_OK;
  }
  const pool = await source.updateWorkPool(name, { paused: true });
  if (!pool) throw await noSuchPool(source, name);
  ctx.print(`Paused work pool '${pool.name}': its workers start none of its runs until it is resumed.`);
  return EXIT_OK;
};
