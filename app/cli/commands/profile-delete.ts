import { deleteProfile, requireProfile } from '../../core/index.js';
import { defineCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

export default defineCommand({
  name: 'profile delete',
  summary: 'Remove a profile and its settings (not the active one)',
  usage: 'NAME',
  positionals: { min: 1, max: 1, names: ['NAME'] },
  async run(args, ctx) {
    const name = args.positionals[0];
    const { doc, path } = openProfiles(ctx);
    requireProfile(doc, name);
    if (doc.active === name) {
      throw new UsageError(`cannot delete profile '${name}': it is the active profile. Switch to another first: flowdeck profile use NAME`);
    }
    updateProfilesFile(path, (current) => deleteProfile(current, name));
    ctx.print(`Deleted profile '${name}'.`);
    return EXIT_OK;
  },
});
