import { SettingsError, SettingValueError } from './errors.js';
import { parseSetting, SETTING_NAMES, SETTINGS, type ProfileSettings, type SettingName, type Settings } from './registry.js';

/** Where an effective value came from. */
export type SettingSource = { kind: 'env' } | { kind: 'profile'; profile: string } | { kind: 'default' };

export interface ResolvedSettings {
  values: Settings;
  sources: Record<SettingName, SettingSource>;
}

interface SettingsLayers {
  env: Record<string, string | undefined>;
  /** The profile in effect, its values already parsed; null when there is none. */
  profile: { name: string; values: ProfileSettings } | null;
}

/**
 * The effective settings: the environment wins, then the profile in effect, then defaults. An
 * empty environment variable counts as unset, as shells make clearing one awkward.
 */
export function resolveSettings({ env, profile }: SettingsLayers): ResolvedSettings {
  const values: Partial<Record<SettingName, unknown>> = {};
  const sources: Partial<Record<SettingName, SettingSource>> = {};
  for (const name of SETTING_NAMES) {
    const fromEnv = env[name];
    const fromProfile = profile?.values[name];
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      values[name] = parseEnvValue(name, fromEnv);
      sources[name] = { kind: 'env' };
    } else if (profile && fromProfile !== undefined) {
      values[name] = fromProfile;
      sources[name] = { kind: 'profile', profile: profile.name };
    } else {
      values[name] = SETTINGS[name].default;
      sources[name] = { kind: 'default' };
    }
  }
  return { values: values as Settings, sources: sources as Record<SettingName, SettingSource> };
}

function parseEnvValue(name: SettingName, raw: string): unknown {
  try {
    return parseSetting(name, raw);
  } catch (error) {
    if (error instanceof SettingValueError) {
      throw new SettingsError(`${name} in the environment ${error.message}; fix or unset it`);
    }
    throw error;
  }
}

export function describeSource(source: SettingSource): string {
  return source.kind === 'profile' ? `profile ${source.profile}` : source.kind;
}

const MASK = '********';

/** A value as it may be shown: secrets masked, unset as null. */
export function shownSettingValue(name: SettingName, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (SETTINGS[name].secret) return MASK;
  return value as string | number;
}
