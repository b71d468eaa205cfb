import type { LogLevelName } from '../log-levels.js';
import { SettingValueError } from './errors.js';
import {
  parseApiUrl,
  parseEncryptionKey,
  parseFolderPath,
  parseHostNames,
  parseLogLevel,
  parseOrigins,
  parseResultStorageBlock,
  parseSeconds,
  parseSecret,
} from './parsers.js';

interface SettingSpec<T> {
  readonly description: string;
  readonly default: T;
  /** Secrets are shown masked wherever settings are printed, and never echoed in error messages. */
  readonly secret: boolean;
  /** Stored in profiles.toml as a TOML number rather than a string. */
  readonly numeric: boolean;
  /** What a person wrote (environment, profiles.toml, `config set`) to the value; throws SettingValueError. */
  parse(raw: string): T;
}

function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/**
 * Every setting a profile may hold, in the order they are shown. FLOWDECK_HOME and
 * FLOWDECK_PROFILE are not among them: they say where profiles.toml is and which profile to use,
 * so they can only come from the environment.
 */
export const SETTINGS = {
  FLOWDECK_API_URL: setting<string | null>({
    description: 'The server to talk to, its API base including /api; unset means the local database in FLOWDECK_HOME',
    default: null,
    secret: false,
    numeric: false,
    parse: parseApiUrl,
  }),
  FLOWDECK_API_KEY: setting<string | null>({
    description: 'The key sent to that server as a bearer token',
    default: null,
    secret: true,
    numeric: false,
    parse: parseSecret,
  }),
  FLOWDECK_LOGGING_LEVEL: setting<LogLevelName>({
    description: 'Run log lines below this level are dropped',
    default: 'INFO',
    secret: false,
    numeric: false,
    parse: parseLogLevel,
  }),
  FLOWDECK_HEARTBEAT_SECONDS: setting<number>({
    description: 'How often a flow process says it is alive and checks for cancellation',
    default: 1,
    secret: false,
    numeric: true,
    parse: (raw) => parseSeconds(raw, { allowZero: false }),
  }),
  FLOWDECK_HEARTBEAT_TIMEOUT_SECONDS: setting<number>({
    description: 'A run whose process has not said so for this long is marked Crashed',
    default: 30,
    secret: false,
    numeric: true,
    parse: (raw) => parseSeconds(raw, { allowZero: false }),
  }),
  FLOWDECK_CANCEL_GRACE_SECONDS: setting<number>({
    description: 'How long a cancelled flow may take to stop on its own before its process ends it',
    default: 10,
    secret: false,
    numeric: true,
    parse: (raw) => parseSeconds(raw, { allowZero: true }),
  }),
  FLOWDECK_SERVER_API_KEY: setting<string | null>({
    description: 'For `flowdeck server start`: the key every API request must carry',
    default: null,
    secret: true,
    numeric: false,
    parse: parseSecret,
  }),
  FLOWDECK_DEFAULT_RESULT_STORAGE: setting<string | null>({
    description:
      'The result-storage block (result-storage/NAME) that results and cache entries go to, so every machine using the same server reads them; unset keeps them in FLOWDECK_HOME',
    default: null,
    secret: false,
    numeric: false,
    parse: parseResultStorageBlock,
  }),
  FLOWDECK_SERVER_ENCRYPTION_KEY: setting<string | null>({
    description:
      'The key secret fields of blocks are encrypted with: 64 hex characters or base64 of 32 bytes; unset means a key file in FLOWDECK_HOME',
    default: null,
    secret: true,
    numeric: false,
    parse: parseEncryptionKey,
  }),
  FLOWDECK_SERVER_CORS_ORIGINS: setting<string | null>({
    description: 'For `flowdeck server start`: origins of other Flowdeck web UIs that may use this server from a browser, comma-separated, or *',
    default: null,
    secret: false,
    numeric: false,
    parse: parseOrigins,
  }),
  FLOWDECK_SERVER_ALLOWED_HOSTS: setting<string | null>({
    description:
      "For `flowdeck server start`: host names clients reach the server by besides loopback and its listen address (a reverse proxy's), comma-separated",
    default: null,
    secret: false,
    numeric: false,
    parse: parseHostNames,
  }),
  FLOWDECK_WORKSPACE: setting<string | null>({
    description:
      'The folder of flow files `server start`, `npm start` and the desktop app serve when not given --workspace; unset means the folder last opened, else $FLOWDECK_HOME/workspace',
    default: null,
    secret: false,
    numeric: false,
    parse: parseFolderPath,
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: (typeof SETTINGS)[K]['default'] };
/** What one profile sets; everything else falls through to defaults. */
export type ProfileSettings = Partial<Settings>;

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

/**
 * Parses a value for a setting. Text is accepted for every setting; a number only where the
 * setting is numeric, since profiles.toml may spell those as TOML numbers.
 */
export function parseSetting<K extends SettingName>(name: K, raw: unknown): Settings[K] {
  const spec = SETTINGS[name];
  if (typeof raw === 'number' && spec.numeric) return spec.parse(String(raw)) as Settings[K];
  if (typeof raw !== 'string') {
    throw new SettingValueError(spec.numeric ? 'must be a number or a string' : 'must be a string');
  }
  return spec.parse(raw) as Settings[K];
}

/** Why a key cannot be a profile setting, or null when it can. */
export function profileKeyProblem(key: string): string | null {
  if (isSettingName(key)) return null;
  if (key === 'FLOWDECK_HOME') return 'FLOWDECK_HOME is not a profile setting: it says where profiles.toml lives, so set it in the environment';
  if (key === 'FLOWDECK_PROFILE')
    return 'FLOWDECK_PROFILE is not a profile setting: it picks a profile for one command, so set it in the environment';
  const sameLetters = SETTING_NAMES.find((name) => name === key.toUpperCase());
  const hint = sameLetters ? `; did you mean ${sameLetters}?` : `; known settings: ${SETTING_NAMES.join(', ')}`;
  return `unknown setting '${key}'${hint}`;
}
