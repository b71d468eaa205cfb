// The small API the desktop app's preload script puts on `window.flowdeck`, and the IPC channels
// behind it. The renderer uses the types; the main process checks what arrives with the schemas,
// since whatever runs in a window is not trusted with more than these calls.
import { z } from 'zod';

/** A file the person picked in a dialog, read with its sidecar (node positions) when it has one. */
export interface OpenedFile {
  path: string;
  content: string;
  sidecar: string | null;
}

export interface SavedFile {
  path: string;
}

/** The folder the embedded server serves from now on. */
export interface OpenedFolder {
  path: string;
}

export interface ProfileSummary {
  name: string;
  /** The profile the app works with (FLOWDECK_PROFILE, else the file's `active`). */
  active: boolean;
  /** The server it names; null for the local database (the embedded server). */
  apiUrl: string | null;
}

/** The server the renderer talks to: the active profile's, or the embedded local one. */
export interface ServerConnection {
  /** The API base including `/api`. */
  apiUrl: string;
  /** Sent as a bearer token; null when the server needs none. */
  apiKey: string | null;
  /** True for the embedded server the app started. */
  local: boolean;
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  versions: { electron: string | null; chrome: string | null; node: string };
  /** FLOWDECK_HOME: profiles, the local database, run logs. */
  home: string;
  /** The folder of flow files the embedded server serves. */
  workspace: string;
  /** The embedded server's base URL, e.g. `http://127.0.0.1:51234`. */
  localServerUrl: string;
  profile: string;
  server: ServerConnection;
}

/** `window.flowdeck` in the desktop app; absent in the web UI. */
export interface DesktopBridge {
  /** Asks for a flow file to open; null when the person cancels. */
  openFile(): Promise<OpenedFile | null>;
  /**
   * Writes a file the person opened or saved in a dialog during this session, in one step; with
   * `sidecar` its sidecar too (null removes it). Other paths are refused.
   */
  saveFile(path: string, content: string, sidecar?: string | null): Promise<SavedFile>;
  /** Asks where to save; null when the person cancels. */
  saveFileAs(content: string, suggestedName?: string, sidecar?: string | null): Promise<SavedFile | null>;
  /**
   * Asks for a folder and makes it the embedded server's workspace, remembered for the next start;
   * null when the person cancels. Refused (with the reason) for the root, a home folder and the like.
   */
  openFolder(): Promise<OpenedFolder | null>;
  listProfiles(): Promise<ProfileSummary[]>;
  /**
   * Makes a profile the active one (profiles.toml, as `flowdeck profile use`). The window talks to
   * its server after its next load (`location.reload()`), when its content security policy allows it.
   */
  useProfile(name: string): Promise<ProfileSummary[]>;
  appInfo(): Promise<AppInfo>;
}

/** One IPC channel per bridge method, named after it. */
export const DESKTOP_CHANNELS = {
  openFile: 'flowdeck:open-file',
  saveFile: 'flowdeck:save-file',
  saveFileAs: 'flowdeck:save-file-as',
  openFolder: 'flowdeck:open-folder',
  listProfiles: 'flowdeck:list-profiles',
  useProfile: 'flowdeck:use-profile',
  appInfo: 'flowdeck:app-info',
} as const satisfies Record<keyof DesktopBridge, string>;
export type DesktopChannels = typeof DESKTOP_CHANNELS;

const PathSchema = z.string().min(1).max(4096);
/** Flow files are code; anything near this size is not one. */
const ContentSchema = z.string().max(2 * 1024 * 1024);
const SidecarSchema = z
  .string()
  .max(1024 * 1024)
  .nullable()
  .optional();

/** The arguments each channel takes, checked in the main process before anything is done. */
export const DESKTOP_ARGUMENTS = {
  openFile: z.tuple([]),
  saveFile: z.tuple([PathSchema, ContentSchema, SidecarSchema]),
  saveFileAs: z.tuple([ContentSchema, z.string().max(255).optional(), SidecarSchema]),
  openFolder: z.tuple([]),
  listProfiles: z.tuple([]),
  useProfile: z.tuple([z.string().min(1).max(100)]),
  appInfo: z.tuple([]),
} as const satisfies Record<keyof DesktopBridge, z.ZodType>;
