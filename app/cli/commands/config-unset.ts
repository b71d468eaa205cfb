import { unsetProfileSettings } from '../../core/index.js';
import { EXIT_OK } from '../errors.js';
import type { CommandRun } from '../command.js';
import { parseSettingNames } from '../settings/assignments.js';
import { requireProfileInEffect } from '../settings/load-settings.js';
import { openProfiles } from '../settings/open-profiles.js';
import { updateProfilesFile } from '../settings/profiles-file.js';

/** `flowdeck config unset`; its name, usage and options are in the command table (index.ts). */
export const run: CommandRun = async (args, ctx) => {
  const keys = parseSettingNames(args.positionals);
  const { doc, path } = openProfiles(ctx);
  const profile = requireProfileInEffect(ctx.env, doc, path).name;
  const held = doc.profiles.get(profile) ?? {};
  const present = keys.filter((key) => held[key] !== undefined);
  if (present.length > 0) updateProfilesFile(path, (current) => unsetProfileSettings(current, profile, present));
  for (const key of keys) {
    ctx.print(present.includes(key) ? `Unset ${key} in profile '${profile}'.` : `${key} was not set in profile '${profile}'.`);
    if (ctx.env[key]?.trim()) ctx.note(`${key} is still set in the environment, which takes precedence over the profile.`);
  }
  return EXIT_OK;
};
