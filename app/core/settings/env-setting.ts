import { SettingsError, SettingValueError } from './errors.js';
import { SETTINGS } from './registry.js';

/** The numeric settings' defaults, for code that starts before any settings are resolved. */
export const NUMERIC_SETTINGS = {
  FLOWDECK_HEARTBEAT_SECONDS: SETTINGS.FLOWDECK_HEARTBEAT_SECONDS.default,
  FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: SETTINGS.FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS.default,
  FLOWDECK_CANCEL_GRACE_SECONDS: SETTINGS.FLOWDECK_CANCEL_GRACE_SECONDS.default,
} as const;
export type NumericSetting = keyof typeof NUMERIC_SETTINGS;

/**
 * One numeric setting from the environment alone, for processes that do not read profiles.
 * The CLI resolves every setting with its profile instead (resolveSettings).
 */
export function numericSetting(env: Record<string, string | undefined>, key: NumericSetting): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return NUMERIC_SETTINGS[key];
  try {
    return SETTINGS[key].parse(raw);
  } catch (error) {
    if (error instanceof SettingValueError) throw new SettingsError(`${key} ${error.message}`);
    throw error;
  }
}
