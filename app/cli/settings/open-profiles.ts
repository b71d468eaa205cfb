import type { CliContext } from '../context.js';
import type { ProfileInEffect } from './load-settings.js';
import { ensureProfilesFile, profilesPath, type ProfilesFile } from './profiles-file.js';

/**
 * For profile and config commands: writes the default profiles.toml if there is none, since
 * whoever runs them is about to look for it, and reads it. They need the file, not the resolved
 * settings, so a bad setting in the environment does not stop anyone from fixing a profile.
 */
export function openProfiles(ctx: CliContext): ProfilesFile {
  return ensureProfilesFile(profilesPath(ctx.home));
}

/** Says so when FLOWDECK_PROFILE overrides the file's active profile, which is easy to forget. */
export function noteProfileOverride(ctx: CliContext, profile: ProfileInEffect, active: string): void {
  if (!profile.pickedByEnv || profile.name === active) return;
  ctx.note(
    profile.exists
      ? `FLOWDECK_PROFILE picks profile '${profile.name}' for this command; the active profile is '${active}'.`
      : `FLOWDECK_PROFILE names profile '${profile.name}', which does not exist: create it or unset FLOWDECK_PROFILE.`,
  );
}
