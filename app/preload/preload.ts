// The only bridge between a sandboxed window and the app: `window.flowdeck`, a handful of calls,
// each one IPC message. Bundled to CommonJS (scripts/build-preload.mjs), as a sandboxed preload must be.
import type { DesktopBridge, DesktopChannels } from '../core/desktop-bridge.js';

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<unknown> };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS; electron is reached only through require
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

// Spelled out rather than imported, so nothing but types crosses from core; the type keeps them in step.
const channels: DesktopChannels = {
  openFile: 'flowdeck:open-file',
  saveFile: 'flowdeck:save-file',
  saveFileAs: 'flowdeck:save-file-as',
  openFolder: 'flowdeck:open-folder',
  listProfiles: 'flowdeck:list-profiles',
  useProfile: 'flowdeck:use-profile',
  appInfo: 'flowdeck:app-info',
};

function call<K extends keyof DesktopBridge>(name: K) {
  return ((...args: unknown[]) => ipcRenderer.invoke(channels[name], ...args)) as DesktopBridge[K];
}

const bridge: DesktopBridge = {
  openFile: call('openFile'),
  saveFile: call('saveFile'),
  saveFileAs: call('saveFileAs'),
  openFolder: call('openFolder'),
  listProfiles: call('listProfiles'),
  useProfile: call('useProfile'),
  appInfo: call('appInfo'),
};

contextBridge.exposeInMainWorld('flowdeck', bridge);
