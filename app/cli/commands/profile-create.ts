import { createProfile } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import { defineCommand } from '../command.js';
import { stringOption } from '../command-helpers.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

export default defineCommand({
  name: 'profile create',
  summary: "Add a profile, empty or a copy of another's settings",
  usage: 'NAME [--from OTHER]',
  options: { from: { type: 'string', value: 'OTHER', description: "Start from a copy of this profile's settings" } },
  positionals: { min: 1, max: 1, names: ['NAME'] },
  async run(args, ctx) {
    const name = args.positionals[0];
    const from = stringOption(args, 'from');
    const { path } = openProfiles(ctx);
    updateProfilesFile(path, (doc) => createProfile(doc, name, from));
    ctx.print(`Created profile '${name}'${from === undefined ? '' : ` with the settings of '${from}'`}.`);
    ctx.print(`Switch to it with: flowdeck profile use ${name}`);
    return EXIT_OK;
  },
});
