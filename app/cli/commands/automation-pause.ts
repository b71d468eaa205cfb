import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';

/** `flowdeck automation pause`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const automation = await (await ctx.automations()).update(args.positionals[0], { enabled: false });
  ctx.print(`Paused automation ${automation.name}.`);
  return EXIT_OK;
};
