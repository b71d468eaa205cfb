import type { CommandRun } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { flag } from '../command-helpers.js';
import { renderTable } from '../output/table.js';
import { profileInEffect } from '../settings/load-settings.js';
import { noteProfileOverride, openProfiles } from '../settings/open-profiles.js';
import { describeProfileServer } from '../settings/server-target.js';

/** `flowdeck profile ls`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { doc } = openProfiles(ctx);
  const inEffect = profileInEffect(ctx.env, doc);
  const profiles = [...doc.profiles].map(([name, values]) => ({ name, active: name === inEffect.name, values }));
  if (flag(args, 'json')) {
    ctx.printJson(profiles.map(({ name, active, values }) => ({ name, active, apiUrl: values.FLOWDECK_API_URL ?? null })));
    return EXIT_OK;
  }
  const rows = profiles.map(({ name, active, values }) => [
    active ? '*' : '',
    active ? ctx.colors.bold(name) : name,
    describeProfileServer(values, ctx.databasePath),
  ]);
  ctx.print(renderTable(['', 'NAME', 'SERVER'], rows, ctx.colors.bold));
  noteProfileOverride(ctx, inEffect, doc.active);
  return EXIT_OK;
};
