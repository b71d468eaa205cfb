// Checks a parsed profiles document (from TOML, JSON, an IPC message) and turns it into profiles.
// Layout: `active = "NAME"` and one `[profiles.NAME]` table per profile.
import { SettingsError, SettingValueError } from './errors.js';
import { DEFAULT_PROFILE, profileNameProblem, type ProfilesDocument } from './profiles.js';
import { parseSetting, profileKeyProblem, type ProfileSettings } from './registry.js';

/** Where in the document a problem is, so a file reader can point at its line. */
export interface ProfilesLocation {
  /** The profile whose table holds it; absent for top-level keys. */
  profile?: string;
  /** The key at fault. */
  key?: string;
}

/** A profiles document that cannot be used as it is. */
export class ProfilesDataError extends SettingsError {
  constructor(
    message: string,
    readonly at: ProfilesLocation,
  ) {
    super(message);
    this.name = 'ProfilesDataError';
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function readProfile(name: string, table: unknown): ProfileSettings {
  const nameProblem = profileNameProblem(name);
  if (nameProblem) throw new ProfilesDataError(nameProblem, { profile: name });
  if (!isTable(table)) throw new ProfilesDataError(`profiles.${name} must be a table of settings`, { profile: name });
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(table)) {
    const keyProblem = profileKeyProblem(key);
    if (keyProblem) throw new ProfilesDataError(`[profiles.${name}]: ${keyProblem}`, { profile: name, key });
    try {
      values[key] = parseSetting(key as keyof ProfileSettings, raw);
    } catch (error) {
      if (error instanceof SettingValueError) {
        throw new ProfilesDataError(`[profiles.${name}] ${key} ${error.message}`, { profile: name, key });
      }
      throw error;
    }
  }
  return values;
}

function topLevelKeyProblem(key: string, value: unknown): string {
  if (isTable(value)) return `unknown table [${key}]; profiles are [profiles.NAME] tables, e.g. [profiles.${key}]`;
  if (profileKeyProblem(key) === null) return `${key} is outside any profile; put it under a [profiles.NAME] table`;
  return `unknown key '${key}'; the file holds 'active' and [profiles.NAME] tables`;
}

export function profilesFromData(data: Record<string, unknown>): ProfilesDocument {
  for (const [key, value] of Object.entries(data)) {
    if (key !== 'active' && key !== 'profiles') throw new ProfilesDataError(topLevelKeyProblem(key, value), { key });
  }
  const profilesData = data.profiles ?? {};
  if (!isTable(profilesData)) throw new ProfilesDataError("'profiles' must hold [profiles.NAME] tables", { key: 'profiles' });
  const profiles = new Map(Object.entries(profilesData).map(([name, table]) => [name, readProfile(name, table)]));

  // A hand-written file may leave `active` out; it then means the profile a new home starts with.
  const active = data.active ?? DEFAULT_PROFILE;
  if (typeof active !== 'string') throw new ProfilesDataError("'active' must be a profile name in quotes", { key: 'active' });
  if (!profiles.has(active)) {
    const known = profiles.size > 0 ? `; profiles: ${[...profiles.keys()].join(', ')}` : '';
    throw new ProfilesDataError(`active profile '${active}' has no [profiles.${active}] table${known}`, { key: 'active' });
  }
  return { active, profiles };
}
