import type { CommandRun } from '../command.js';
import { noSuchPool } from '../deployments/missing-resource.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck work-pool resume`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const source = await ctx.deployments();
  const name = args.positionals[0];
  const before = await source.getWorkPool(name);
  if (!before) throw await noSuchPool(source, name);
  if (!before.paused) {
    ctx.print(`Work pool '${name}' is not paused.`);
    return EXIT_OK;
  }
  const pool = await source.updateWorkPool(name, { paused: false });
  if (!pool) throw await noSuchPool(source, name);
  ctx.print(`Resumed work pool '${pool.name}': its workers start its due runs again.`);
  return EXIT_OK;
};
