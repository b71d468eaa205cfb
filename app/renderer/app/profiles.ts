// Profiles as the app switches between them. The desktop app keeps them in profiles.toml, as the
// CLI does; the web UI keeps its own in this browser, in the same shape and checked by the same
// rules, with `local` standing for the server that served the page.
import type { DesktopBridge } from '../../core/desktop-bridge.js';
import {
  createProfile,
  DEFAULT_PROFILE,
  defaultProfilesDocument,
  deleteProfile,
  profilesFromData,
  SETTINGS,
  SettingsError,
  SettingValueError,
  setProfileSettings,
  unsetProfileSettings,
  // Named apart from React's hooks: it returns the document with another profile active.
  useProfile as switchProfile,
  type ProfileSettings,
  type ProfilesDocument,
} from '../../core/settings/index.js';
import type { KeyValueStorage } from '../shared/key-value-storage.js';
import { sameOriginApi, type ServerTarget } from './server.js';

/** A profile as the switcher lists it. */
export interface ProfileChoice {
  name: string;
  /** The server it names; null for the server this page came from (web) or the embedded one (desktop). */
  apiUrl: string | null;
  active: boolean;
}

/** A server a person adds in the web UI. */
interface ServerProfileInput {
  name: string;
  apiUrl: string;
  /** Empty for a server that needs none. */
  apiKey: string;
}

/** Where the app's profiles live, and the changes it may make to them. */
export interface ProfileBook {
  /** Whether profiles can be added, forgotten and given keys here (the browser's); the desktop's are profiles.toml's. */
  readonly editable: boolean;
  /** Why the stored profiles could not be read, when they could not; the app then uses `local`. */
  readonly problem: string | null;
  list(): Promise<ProfileChoice[]>;
  /** Makes a profile the active one; the page then loads again to talk to its server. */
  use(name: string): Promise<void>;
  save(input: ServerProfileInput): Promise<void>;
  forget(name: string): Promise<void>;
  setKey(name: string, key: string): Promise<void>;
  /** Clears stored profiles that cannot be read, leaving `local`. */
  startAgain(): Promise<void>;
}

type Storage = KeyValueStorage & { removeItem(key: string): void };

export const BROWSER_PROFILES_KEY = 'flowdeck.profiles';
/** The key of the server that served the page, for this tab only. */
export const SAME_ORIGIN_KEY = 'flowdeck.apiKey';

function choices(doc: ProfilesDocument): ProfileChoice[] {
  return [...doc.profiles].map(([name, values]) => ({ name, apiUrl: values.FLOWDECK_API_URL ?? null, active: name === doc.active }));
}

/** The browser's profiles, with `local` always there and first. */
function withLocal(doc: ProfilesDocument): ProfilesDocument {
  if (doc.profiles.has(DEFAULT_PROFILE)) return doc;
  return { active: doc.active, profiles: new Map([[DEFAULT_PROFILE, {}], ...doc.profiles]) };
}

export function readBrowserProfiles(storage: Storage | undefined): { doc: ProfilesDocument; problem: string | null } {
  const text = storage?.getItem(BROWSER_PROFILES_KEY);
  if (!text) return { doc: defaultProfilesDocument(), problem: null };
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SettingsError('they are not an object of profiles');
    return { doc: withLocal(profilesFromData(data as Record<string, unknown>)), problem: null };
  } catch (error) {
    return {
      doc: defaultProfilesDocument(),
      problem: `The profiles saved in this browser could not be read (${(error as Error).message}), so the app uses local.`,
    };
  }
}

function writeBrowserProfiles(storage: Storage | undefined, doc: ProfilesDocument): void {
  if (!storage) throw new SettingsError('this browser does not let the page keep profiles (its storage is off)');
  const data = { active: doc.active, profiles: Object.fromEntries(doc.profiles) };
  storage.setItem(BROWSER_PROFILES_KEY, JSON.stringify(data));
}

/** A change to the stored profiles; refused while they cannot be read, so nothing saved is overwritten unseen. */
function changeBrowserProfiles(storage: Storage | undefined, change: (doc: ProfilesDocument) => ProfilesDocument): void {
  const { doc, problem } = readBrowserProfiles(storage);
  if (problem) throw new SettingsError(`${problem} Start again to clear them.`);
  writeBrowserProfiles(storage, change(doc));
}

function fieldValue<K extends 'FLOWDECK_API_URL' | 'FLOWDECK_API_KEY'>(field: string, key: K, raw: string): NonNullable<ProfileSettings[K]> {
  try {
    return SETTINGS[key].parse(raw) as NonNullable<ProfileSettings[K]>;
  } catch (error) {
    if (error instanceof SettingValueError) throw new SettingsError(`${field} ${error.message}`);
    throw error;
  }
}

/** The server the web UI talks to: the active browser profile's, or the one that served `pageUrl`. */
export function browserServerTarget(pageUrl: string, storage: Storage | undefined, session: Storage | undefined): ServerTarget {
  const { doc } = readBrowserProfiles(storage);
  const values = doc.profiles.get(doc.active) ?? {};
  if (values.FLOWDECK_API_URL) {
    return { baseUrl: values.FLOWDECK_API_URL, ...(values.FLOWDECK_API_KEY ? { apiKey: values.FLOWDECK_API_KEY } : {}), profile: doc.active };
  }
  const apiKey = session?.getItem(SAME_ORIGIN_KEY);
  return { baseUrl: sameOriginApi(pageUrl), ...(apiKey ? { apiKey } : {}), profile: doc.active };
}

/** This browser's profiles; a change is refused while the stored ones cannot be read. */
export function browserProfileBook(storage: Storage | undefined, session: Storage | undefined): ProfileBook {
  return {
    editable: true,
    problem: readBrowserProfiles(storage).problem,
    async list() {
      return choices(readBrowserProfiles(storage).doc);
    },
    async use(name) {
      changeBrowserProfiles(storage, (doc) => switchProfile(doc, name));
    },
    /** Adds a server, or changes the one of that name. */
    async save(input) {
      const name = input.name.trim();
      if (name === DEFAULT_PROFILE) throw new SettingsError(`'${DEFAULT_PROFILE}' is the server this page came from; give the new one another name`);
      const apiUrl = fieldValue('API URL', 'FLOWDECK_API_URL', input.apiUrl);
      const apiKey = input.apiKey.trim() === '' ? null : fieldValue('API key', 'FLOWDECK_API_KEY', input.apiKey);
      changeBrowserProfiles(storage, (doc) => {
        const created = doc.profiles.has(name) ? doc : createProfile(doc, name);
        const withUrl = setProfileSettings(created, name, { FLOWDECK_API_URL: apiUrl, ...(apiKey === null ? {} : { FLOWDECK_API_KEY: apiKey }) });
        return apiKey === null ? unsetProfileSettings(withUrl, name, ['FLOWDECK_API_KEY']) : withUrl;
      });
    },
    /** Forgetting the active one goes back to `local`. */
    async forget(name) {
      if (name === DEFAULT_PROFILE) throw new SettingsError(`'${DEFAULT_PROFILE}' is the server this page came from; it cannot be forgotten`);
      changeBrowserProfiles(storage, (doc) => deleteProfile(doc.active === name ? switchProfile(doc, DEFAULT_PROFILE) : doc, name));
    },
    /** The browser's profile keeps its key; `local`'s is kept for this tab only. */
    async setKey(name, key) {
      const apiKey = fieldValue('API key', 'FLOWDECK_API_KEY', key);
      if (name !== DEFAULT_PROFILE) {
        changeBrowserProfiles(storage, (doc) => setProfileSettings(doc, name, { FLOWDECK_API_KEY: apiKey }));
        return;
      }
      if (!session) throw new SettingsError('this browser does not let the page keep a key (its storage is off)');
      session.setItem(SAME_ORIGIN_KEY, apiKey);
    },
    async startAgain() {
      storage?.removeItem(BROWSER_PROFILES_KEY);
    },
  };
}

const IN_PROFILES_TOML =
  'The desktop app uses the profiles of profiles.toml: change them with `flowdeck profile create NAME` and `flowdeck config set FLOWDECK_API_URL=… FLOWDECK_API_KEY=…`.';

/** The desktop app's profiles: profiles.toml, through the main process. */
export function desktopProfileBook(bridge: Pick<DesktopBridge, 'listProfiles' | 'useProfile'>): ProfileBook {
  const refuse = async () => {
    throw new SettingsError(IN_PROFILES_TOML);
  };
  return {
    editable: false,
    // A broken profiles.toml fails the bridge's calls with the file's own message, line included.
    problem: null,
    async list() {
      return (await bridge.listProfiles()).map(({ name, active, apiUrl }) => ({ name, active, apiUrl }));
    },
    async use(name) {
      await bridge.useProfile(name);
    },
    save: refuse,
    forget: refuse,
    setKey: refuse,
    startAgain: refuse,
  };
}
