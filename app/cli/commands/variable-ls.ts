import type { CommandRun } from '../command.js';
import { flag, stringListOption, stringOption } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { openVariables } from '../variables/variables-source.js';
import { valuePreview } from '../variables/variable-text.js';

/** `flowdeck variable ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const tags = stringListOption(args, 'tag');
  const nameContains = stringOption(args, 'name');
  const variables = await (await openVariables(ctx)).listVariables({ tags, nameContains: nameContains || undefined });
  if (flag(args, 'json')) {
    ctx.printJson(variables);
    return EXIT_OK;
  }
  if (variables.length === 0) {
    const filtered = tags.length > 0 || nameContains;
    ctx.print(filtered ? 'No variables match.' : 'No variables. Set one with: flowdeck variable set NAME VALUE');
    return EXIT_OK;
  }
  const rows = variables.map((v) => [v.name, valuePreview(v.value), v.tags.join(', '), formatTime(v.updatedAt)]);
  ctx.print(renderTable(['NAME', 'VALUE', 'TAGS', 'UPDATED'], rows, ctx.colors.bold));
  return EXIT_OK;
};
