import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { EXIT_OK } from '../errors.js';
import { renderTable } from '../output/table.js';

/** `flowdeck block type ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const types = await (await ctx.blocks()).listTypes();
  if (flag(args, 'json')) {
    ctx.printJson(types);
    return EXIT_OK;
  }
  const rows = types.map((type) => {
    const fields = Object.keys(type.schema.properties ?? {}).map((field) => (type.secretFields.includes(field) ? `${field}*` : field));
    return [type.slug, fields.join(', '), type.description];
  });
  ctx.print(renderTable(['TYPE', 'FIELDS (* secret)', 'DESCRIPTION'], rows, ctx.colors.bold));
  return EXIT_OK;
};
