import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sidecarPathOf } from '../core/api/index.js';
import {
  DESKTOP_ARGUMENTS,
  DESKTOP_CHANNELS,
  type AppInfo,
  type DesktopBridge,
  type OpenedFile,
  type OpenedFolder,
  type SavedFile,
} from '../core/index.js';
import { writeFileAtomic } from '../server/files/atomic-file.js';
import { listProfiles, switchProfile } from './desktop-profiles.js';

type Env = Record<string, string | undefined>;

/** The native dialogs, which only the main process can show. */
interface FileDialogs {
  /** The path the person picked, or null when they cancelled. */
  chooseFileToOpen(): Promise<string | null>;
  chooseFileToSave(suggestedName: string): Promise<string | null>;
  chooseFolder(): Promise<string | null>;
}

interface IpcContext {
  dialogs: FileDialogs;
  home: string;
  env: Env;
  appInfo: () => AppInfo | Promise<AppInfo>;
  /** Makes the folder the embedded server's workspace, checked as the server checks it; gives it resolved. */
  openFolder: (folder: string) => string;
}

/** A channel's handler, given the arguments as they arrived. */
export type IpcHandler = (args: readonly unknown[]) => Promise<unknown>;

/** Larger than any flow file; the same bound the workspace has. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

function readSmallFile(path: string): string {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) throw new Error(`${path} is ${size} bytes; Flowdeck opens flow files of at most ${MAX_FILE_BYTES} bytes`);
  return readFileSync(path, 'utf8');
}

function sidecarOf(path: string): string | null {
  return path.endsWith('.ts') ? sidecarPathOf(path) : null;
}

function readSidecar(path: string): string | null {
  const sidecar = sidecarOf(path);
  if (sidecar === null) return null;
  try {
    return readSmallFile(sidecar);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The file in one step, then its sidecar: written, removed (null) or left alone (undefined). */
function writeWithSidecar(path: string, content: string, sidecar: string | null | undefined): void {
  writeFileAtomic(path, content);
  const sidecarPath = sidecarOf(path);
  if (sidecarPath === null || sidecar === undefined) return;
  if (sidecar === null) rmSync(sidecarPath, { force: true });
  else writeFileAtomic(sidecarPath, sidecar);
}

/** The name a save dialog starts with: a bare file name ending in .ts, whatever the page suggested. */
export function suggestedFileName(suggested: string | undefined): string {
  const name = basename((suggested ?? '').replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex -- control characters cannot be in a file name
    .replace(/[:*?"<>|\u0000-\u001f]/g, '-')
    .trim();
  const usable = name === '' || name === '.' || name === '..' ? 'flow' : name;
  return usable.endsWith('.ts') ? usable : `${usable}.ts`;
}

function parseArgs<K extends keyof DesktopBridge>(name: K, args: readonly unknown[]) {
  const parsed = DESKTOP_ARGUMENTS[name].safeParse([...args]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${name}: argument ${issue?.path.join('.') || ''} ${issue?.message ?? 'is not valid'}`.replace(/\s+/g, ' '));
  }
  return parsed.data as ReturnType<(typeof DESKTOP_ARGUMENTS)[K]['parse']>;
}

/**
 * The answers to the window's bridge calls, by IPC channel. Files are read and written only where
 * the person pointed a dialog during this session: a page cannot name a path of its own.
 */
export function ipcHandlers(context: IpcContext): Record<string, IpcHandler> {
  const chosen = new Set<string>();

  const handlers: { [K in keyof DesktopBridge]: IpcHandler } = {
    async openFile(args): Promise<OpenedFile | null> {
      parseArgs('openFile', args);
      const picked = await context.dialogs.chooseFileToOpen();
      if (picked === null) return null;
      const path = resolve(picked);
      const content = readSmallFile(path);
      chosen.add(path);
      return { path, content, sidecar: readSidecar(path) };
    },

    async saveFile(args): Promise<SavedFile> {
      const [given, content, sidecar] = parseArgs('saveFile', args);
      const path = resolve(given);
      if (!chosen.has(path)) {
        throw new Error(`${given} was not opened or saved through a dialog in this window; use "Save as" to pick where it goes`);
      }
      writeWithSidecar(path, content, sidecar);
      return { path };
    },

    async saveFileAs(args): Promise<SavedFile | null> {
      const [content, suggestedName, sidecar] = parseArgs('saveFileAs', args);
      const picked = await context.dialogs.chooseFileToSave(suggestedFileName(suggestedName));
      if (picked === null) return null;
      const path = resolve(picked);
      writeWithSidecar(path, content, sidecar);
      chosen.add(path);
      return { path };
    },

    async openFolder(args): Promise<OpenedFolder | null> {
      parseArgs('openFolder', args);
      const picked = await context.dialogs.chooseFolder();
      if (picked === null) return null;
      return { path: context.openFolder(resolve(picked)) };
    },

    async listProfiles(args) {
      parseArgs('listProfiles', args);
      return listProfiles(context.home, context.env);
    },

    async useProfile(args) {
      const [name] = parseArgs('useProfile', args);
      return switchProfile(context.home, context.env, name);
    },

    async appInfo(args) {
      parseArgs('appInfo', args);
      return context.appInfo();
    },
  };

  return Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [DESKTOP_CHANNELS[name as keyof DesktopBridge], handler]));
}
