import { defineCommand } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { flag } from '../command-helpers.js';
import { renderTable } from '../output/table.js';
import { profileInEffect } from '../settings/load-settings.js';
import { noteProfileOverride, openProfiles } from '../settings/open-profiles.js';
import { describeProfileServer } from '../settings/server-target.js';

export default defineCommand({
  name: 'profile ls',
  summary: 'List profiles and the server each talks to; * marks the one in effect',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'Print the profiles as a JSON list' } },
  positionals: { min: 0, max: 0, names: [] },
  async run(args, ctx) {
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
  },
});
