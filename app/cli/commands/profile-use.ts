import { useProfile } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';
import { describeProfileServer } from '../settings/server-target.js';

/** `flowdeck profile use`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const { doc, path } = openProfiles(ctx);
  if (doc.active === name) {
    ctx.print(`Profile '${name}' is already the active profile.`);
  } else {
    updateProfilesFile(path, (current) => useProfile(current, name));
    ctx.print(`Switched to profile '${name}'.`);
  }
  // What the profile itself says; the environment may still override it (noted below).
  ctx.print(`Server: ${describeProfileServer(doc.profiles.get(name) ?? {}, ctx.databasePath)}`);
  const picked = ctx.env.FLOWDECK_PROFILE?.trim();
  if (picked && picked !== name) ctx.note(`FLOWDECK_PROFILE=${picked} in the environment still picks '${picked}' wherever it is set.`);
  if (ctx.env.FLOWDECK_API_URL?.trim()) ctx.note('FLOWDECK_API_URL in the environment overrides the server of every profile.');
  return EXIT_OK;
};
