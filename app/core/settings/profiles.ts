// Profiles as data: what a profiles document holds and the changes people make to it. Reading and
// writing the file is the job of whoever owns files (the CLI, the desktop app's main process).
import { SettingsError } from './errors.js';
import type { ProfileSettings, SettingName } from './registry.js';

/** The profile a new FLOWDECK_HOME starts with: no API URL, so the local database. */
export const DEFAULT_PROFILE = 'local';

export interface ProfilesDocument {
  /** The profile commands use unless FLOWDECK_PROFILE picks another. */
  active: string;
  /** Profiles in the order they are listed. */
  profiles: ReadonlyMap<string, ProfileSettings>;
}

export function defaultProfilesDocument(): ProfilesDocument {
  return { active: DEFAULT_PROFILE, profiles: new Map([[DEFAULT_PROFILE, {}]]) };
}

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

/** Names stay bare TOML keys and safe in file names and shell commands. */
export function profileNameProblem(name: string): string | null {
  return PROFILE_NAME.test(name) ? null : `profile names use only letters, digits, - and _, got '${name}'`;
}

function checkNewName(doc: ProfilesDocument, name: string): void {
  const problem = profileNameProblem(name);
  if (problem) throw new SettingsError(problem);
  if (doc.profiles.has(name)) throw new SettingsError(`a profile named '${name}' already exists`);
}

function listed(doc: ProfilesDocument): string {
  return doc.profiles.size === 0 ? 'there are none' : `profiles: ${[...doc.profiles.keys()].join(', ')}`;
}

export function requireProfile(doc: ProfilesDocument, name: string): ProfileSettings {
  const profile = doc.profiles.get(name);
  if (!profile) throw new SettingsError(`no profile named '${name}' (${listed(doc)})`);
  return profile;
}

function withProfiles(doc: ProfilesDocument, change: (profiles: Map<string, ProfileSettings>) => void): ProfilesDocument {
  const profiles = new Map(doc.profiles);
  change(profiles);
  return { active: doc.active, profiles };
}

/** Adds an empty profile, or a copy of `from`'s settings. */
export function createProfile(doc: ProfilesDocument, name: string, from?: string): ProfilesDocument {
  checkNewName(doc, name);
  const values = from === undefined ? {} : { ...requireProfile(doc, from) };
  return withProfiles(doc, (profiles) => profiles.set(name, values));
}

/** The active profile cannot be deleted: every command would then fail to find its settings. */
export function deleteProfile(doc: ProfilesDocument, name: string): ProfilesDocument {
  requireProfile(doc, name);
  if (doc.active === name) throw new SettingsError(`cannot delete profile '${name}': it is the active profile`);
  return withProfiles(doc, (profiles) => profiles.delete(name));
}

export function useProfile(doc: ProfilesDocument, name: string): ProfilesDocument {
  requireProfile(doc, name);
  return { active: name, profiles: doc.profiles };
}

export function setProfileSettings(doc: ProfilesDocument, name: string, values: ProfileSettings): ProfilesDocument {
  const current = requireProfile(doc, name);
  return withProfiles(doc, (profiles) => profiles.set(name, { ...current, ...values }));
}

export function unsetProfileSettings(doc: ProfilesDocument, name: string, keys: readonly SettingName[]): ProfilesDocument {
  const next = { ...requireProfile(doc, name) };
  for (const key of keys) delete next[key];
  return withProfiles(doc, (profiles) => profiles.set(name, next));
}
