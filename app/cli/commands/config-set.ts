import { setProfileSettings, type SettingName } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import { defineCommand } from '../command.js';
import { formatSettingValue } from '../output/settings.js';
import { parseAssignments } from '../settings/assignments.js';
import { requireProfileInEffect } from '../settings/load-settings.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

export default defineCommand({
  name: 'config set',
  summary: 'Change settings of the profile in effect; all are checked before any is saved',
  usage: 'KEY=VALUE...',
  positionals: { min: 1, max: Infinity, names: ['KEY=VALUE'] },
  async run(args, ctx) {
    const values = parseAssignments(args.positionals);
    const { doc, path } = openProfiles(ctx);
    const profile = requireProfileInEffect(ctx.env, doc, path).name;
    updateProfilesFile(path, (current) => setProfileSettings(current, profile, values));
    for (const [key, value] of Object.entries(values) as [SettingName, unknown][]) {
      ctx.print(`Set ${key} to '${formatSettingValue(key, value)}' in profile '${profile}'.`);
      if (ctx.env[key]?.trim()) ctx.note(`${key} is also set in the environment, which takes precedence over the profile.`);
    }
    return EXIT_OK;
  },
});
