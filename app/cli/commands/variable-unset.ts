import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { openVariables } from '../variables/variables-source.js';
import { unknownVariable } from '../variables/variable-text.js';

/** `flowdeck variable unset`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  if (!(await (await openVariables(ctx)).deleteVariable(name))) throw unknownVariable(name);
  ctx.print(`Unset variable '${name}'.`);
  return EXIT_OK;
};
