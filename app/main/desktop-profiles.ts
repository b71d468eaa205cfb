import { requireProfile, resolveSettings, useProfile, type ProfileSummary, type ServerConnection } from '../core/index.js';
import { ensureProfilesFile, profilesPath, readProfilesFile, updateProfilesFile } from '../server/settings/profiles-file.js';

type Env = Record<string, string | undefined>;

/** FLOWDECK_PROFILE when set (as for every Flowdeck command), else the file's active profile. */
function profileInEffect(env: Env, active: string): string {
  return env.FLOWDECK_PROFILE?.trim() || active;
}

/** Every profile of FLOWDECK_HOME, writing the default file first when there is none (as the CLI does). */
export function listProfiles(home: string, env: Env): ProfileSummary[] {
  const { doc } = ensureProfilesFile(profilesPath(home));
  const inEffect = profileInEffect(env, doc.active);
  return [...doc.profiles].map(([name, values]) => ({ name, active: name === inEffect, apiUrl: values.FLOWDECK_API_URL ?? null }));
}

/** Makes a profile the active one, as `flowdeck profile use NAME`. */
export function switchProfile(home: string, env: Env, name: string): ProfileSummary[] {
  const path = profilesPath(home);
  ensureProfilesFile(path);
  updateProfilesFile(path, (doc) => useProfile(doc, name));
  return listProfiles(home, env);
}

/** The server the window talks to: the profile's FLOWDECK_API_URL (the environment first), else the embedded server. */
export function serverConnection(home: string, env: Env, localApiUrl: string): { profile: string; server: ServerConnection } {
  const { doc } = readProfilesFile(profilesPath(home));
  const profile = profileInEffect(env, doc.active);
  const values = resolveSettings({ env, profile: { name: profile, values: requireProfile(doc, profile) } }).values;
  const apiUrl = values.FLOWDECK_API_URL;
  if (apiUrl === null) return { profile, server: { apiUrl: localApiUrl, apiKey: null, local: true } };
  return { profile, server: { apiUrl, apiKey: values.FLOWDECK_API_KEY ?? null, local: false } };
}

/** FLOWDECK_WORKSPACE from the environment, else from the profile in effect; null when neither sets it. */
/** FLOWDECK_SERVER_ENCRYPTION_KEY as the CLI resolves it, so the embedded server opens the blocks the CLI saved locally. */
export function encryptionKeySetting(home: string, env: Env): string | null {
  const { doc } = readProfilesFile(profilesPath(home));
  const profile = profileInEffect(env, doc.active);
  return resolveSettings({ env, profile: { name: profile, values: requireProfile(doc, profile) } }).values.FLOWDECK_SERVER_ENCRYPTION_KEY;
}

export function workspaceSetting(home: string, env: Env): string | null {
  const { doc } = readProfilesFile(profilesPath(home));
  const profile = profileInEffect(env, doc.active);
  return resolveSettings({ env, profile: { name: profile, values: requireProfile(doc, profile) } }).values.FLOWDECK_WORKSPACE;
}
