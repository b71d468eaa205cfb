/** Where Flowdeck keeps its files when FLOWDECK_HOME is not set. */
export function resolveFlowdeckHome(env: Record<string, string | undefined>, userHome: string): string {
  const fromEnv = env.FLOWDECK_HOME?.trim();
  if (fromEnv) return fromEnv;
  return `${userHome.replace(/[\\/]+$/, '')}/.flowdeck`;
}

export const DATABASE_FILE = 'flowdeck.db';
export const RESULTS_FOLDER = 'storage';

/** Numeric settings read from the environment, with what they mean when unset. */
export const NUMERIC_SETTINGS = {
  /** How often a flow process says it is alive and checks for cancellation. */
  FLOWDECK_HEARTBEAT_SECONDS: 1,
  /** A run whose process has not said so for this long is Crashed. */
  FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: 30,
  /** How long a cancelled flow may take to stop on its own before its process ends it. */
  FLOWDECK_CANCEL_GRACE_SECONDS: 10,
} as const;
export type NumericSetting = keyof typeof NUMERIC_SETTINGS;

export function numericSetting(env: Record<string, string | undefined>, key: NumericSetting): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return NUMERIC_SETTINGS[key];
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${key} must be a non-negative number of seconds, got '${raw}'`);
  }
  return value;
}
