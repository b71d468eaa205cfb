import { SETTING_NAMES, shownSettingValue, type ProfileSettings, type SettingName } from '../../core/index.js';

/** A setting's value as text: secrets masked, unset as '-'. */
export function formatSettingValue(name: SettingName, value: unknown): string {
  const shown = shownSettingValue(name, value);
  return shown === null ? '-' : String(shown);
}

/** A profile's own settings, in the registry's order, secrets masked. */
export function shownProfileSettings(values: ProfileSettings): Record<string, string | number | null> {
  return Object.fromEntries(SETTING_NAMES.filter((name) => values[name] !== undefined).map((name) => [name, shownSettingValue(name, values[name])]));
}
