import { requireProfile, resolveSettings, type ProfilesDocument, type ResolvedSettings } from '../../core/settings/index.js';
import { UsageError } from '../errors.js';
import { profilesPath, readProfilesFile } from './profiles-file.js';

export interface ProfileInEffect {
  name: string;
  /** True when FLOWDECK_PROFILE picked it rather than the file's `active`. */
  pickedByEnv: boolean;
  /** False when FLOWDECK_PROFILE names a profile the file does not have. */
  exists: boolean;
}

/** FLOWDECK_PROFILE if set, else the file's active profile. */
export function profileInEffect(env: Record<string, string | undefined>, doc: ProfilesDocument): ProfileInEffect {
  const picked = env.FLOWDECK_PROFILE?.trim() || null;
  const name = picked ?? doc.active;
  return { name, pickedByEnv: picked !== null, exists: doc.profiles.has(name) };
}

/** The profile in effect, refusing a FLOWDECK_PROFILE that names no profile. */
export function requireProfileInEffect(env: Record<string, string | undefined>, doc: ProfilesDocument, path: string): ProfileInEffect {
  const profile = profileInEffect(env, doc);
  if (!profile.exists) {
    const known = [...doc.profiles.keys()].join(', ') || 'none';
    throw new UsageError(`FLOWDECK_PROFILE names profile '${profile.name}', which ${path} does not have (profiles: ${known})`);
  }
  return profile;
}

export interface LoadedSettings {
  profilesPath: string;
  doc: ProfilesDocument;
  profile: ProfileInEffect;
  resolved: ResolvedSettings;
}

/** The settings in effect: environment, then the profile in effect, then defaults. */
export function loadSettings(env: Record<string, string | undefined>, home: string): LoadedSettings {
  const file = readProfilesFile(profilesPath(home));
  const profile = requireProfileInEffect(env, file.doc, file.path);
  const values = requireProfile(file.doc, profile.name);
  return {
    profilesPath: file.path,
    doc: file.doc,
    profile,
    resolved: resolveSettings({ env, profile: { name: profile.name, values } }),
  };
}
