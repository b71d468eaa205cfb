import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { openVariables } from '../variables/variables-source.js';
import { unknownVariable, valueText } from '../variables/variable-text.js';

/** `flowdeck variable get`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const variable = await (await openVariables(ctx)).getVariable(name);
  if (!variable) throw unknownVariable(name);
  if (flag(args, 'json')) ctx.printJson(variable.value);
  else ctx.print(valueText(variable.value));
  return EXIT_OK;
};
