import { requireProfile } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { flag } from '../command-helpers.js';
import { indent, renderFields } from '../output/fields.js';
import { shownProfileSettings } from '../output/settings.js';
import { requireProfileInEffect } from '../settings/load-settings.js';
import { noteProfileOverride, openProfiles } from '../settings/open-profiles.js';
import { describeProfileServer } from '../settings/server-target.js';

/** `flowdeck profile inspect`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const { doc, path } = openProfiles(ctx);
  const inEffect = args.positionals[0] === undefined ? requireProfileInEffect(ctx.env, doc, path) : null;
  const name = inEffect?.name ?? args.positionals[0];
  const values = requireProfile(doc, name);
  const settings = shownProfileSettings(values);
  const active = name === doc.active;
  if (flag(args, 'json')) {
    ctx.printJson({ name, active, settings });
    return EXIT_OK;
  }
  const { colors } = ctx;
  ctx.print(colors.bold(`Profile ${name}${active ? ' (active)' : ''}`));
  ctx.print(
    renderFields([
      ['server', describeProfileServer(values, ctx.databasePath)],
      ['file', path],
    ]),
  );
  ctx.print();
  const entries = Object.entries(settings);
  ctx.print(colors.bold(`Settings (${entries.length})`));
  if (entries.length === 0) {
    ctx.print(indent('None: every setting comes from the environment or its default.'));
  } else {
    ctx.print(renderFields(entries.map(([key, value]) => [key, String(value)])));
  }
  if (inEffect) noteProfileOverride(ctx, inEffect, doc.active);
  return EXIT_OK;
};
