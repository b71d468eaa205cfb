import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { renderFields } from '../output/fields.js';
import { formatTime } from '../output/format.js';
import { openVariables } from '../variables/variables-source.js';
import { unknownVariable } from '../variables/variable-text.js';

/** `flowdeck variable inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const variable = await (await openVariables(ctx)).getVariable(name);
  if (!variable) throw unknownVariable(name);
  if (flag(args, 'json')) {
    ctx.printJson(variable);
    return EXIT_OK;
  }
  ctx.print(ctx.colors.bold(`Variable ${variable.name}`));
  ctx.print(
    renderFields([
      ['name', variable.name],
      ['value', JSON.stringify(variable.value, null, 2)],
      ['tags', variable.tags.length > 0 ? variable.tags.join(', ') : '-'],
      ['created', formatTime(variable.createdAt)],
      ['updated', formatTime(variable.updatedAt)],
    ]),
  );
  return EXIT_OK;
};
