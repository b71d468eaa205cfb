import { setProfileSettings, type SettingName } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { formatSettingValue } from '../output/settings.js';
import { parseAssignments } from '../settings/assignments.js';
import { requireProfileInEffect } from '../settings/load-settings.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

/** `flowdeck config set`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const values = parseAssignments(args.positionals);
  const { doc, path } = openProfiles(ctx);
  const profile = requireProfileInEffect(ctx.env, doc, path).name;
  updateProfilesFile(path, (current) => setProfileSettings(current, profile, values));
  for (const [key, value] of Object.entries(values) as [SettingName, unknown][]) {
    ctx.print(`Set ${key} to '${formatSettingValue(key, value)}' in profile '${profile}'.`);
    if (ctx.env[key]?.trim()) ctx.note(`${key} is also set in the environment, which takes precedence over the profile.`);
  }
  return EXIT_OK;
};
