import { deleteProfile, requireProfile } from '../../core/index.js';
import type { CommandRun } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

/** `flowdeck profile delete`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const name = args.positionals[0];
  const { doc, path } = openProfiles(ctx);
  requireProfile(doc, name);
  if (doc.active === name) {
    throw new UsageError(`cannot delete profile '${name}': it is the active profile. Switch to another first: flowdeck profile use NAME`);
  }
  updateProfilesFile(path, (current) => deleteProfile(current, name));
  ctx.print(`Deleted profile '${name}'.`);
  return EXIT_OK;
};
