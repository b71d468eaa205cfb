import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck automation delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  await (await ctx.automations()).delete(args.positionals[0]);
  ctx.print(`Deleted automation ${args.positionals[0]}.`);
  return EXIT_OK;
};
