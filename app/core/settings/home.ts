/** Where Flowdeck keeps its files when FLOWDECK_HOME is not set. */
export function resolveFlowdeckHome(env: Record<string, string | undefined>, userHome: string): string {
  const fromEnv = env.FLOWDECK_HOME?.trim();
  if (fromEnv) return fromEnv;
  return `${userHome.replace(/[\\/]+$/, '')}/.flowdeck`;
}

export const DATABASE_FILE = 'flowdeck.db';
export const RESULTS_FOLDER = 'storage';
/** The profiles and their settings, under FLOWDECK_HOME. */
export const PROFILES_FILE = 'profiles.toml';
