// The Electron main process: one instance, the embedded local server, the app scheme serving the
// built renderer, one window, and the IPC answers behind `window.flowdeck`. Everything with logic
// lives in the small modules beside this one, which run (and are tested) under plain Node.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeWorkspace } from '../server/index.js';
import { appInfo } from './app-info.js';
import { APP_ENTRY_URL, APP_SCHEME, serveAppRequest } from './app-protocol.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { encryptionKeySetting, serverConnection, workspaceSetting } from './desktop-profiles.js';
import { desktopPaths, workspaceArgument } from './desktop-paths.js';
import type { BrowserWindowInstance, ElectronMain } from './electron-api.js';
import { ipcHandlers } from './ipc-handlers.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import { allowNavigation, allowPermission, isTrustedSender, UserActivation, windowOpenDecision } from './navigation-guards.js';
import { windowOptions } from './window-options.js';

const { app, BrowserWindow, protocol, ipcMain, dialog, shell, session } = createRequire(import.meta.url)('electron') as ElectronMain;

const FLOW_FILE_FILTERS = [
  { name: 'Flow files', extensions: ['ts'] },
  { name: 'All files', extensions: ['*'] },
];

// Before the app is ready: the scheme is a standard, secure origin, so 'self', fetch and workers work on it.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

let mainWindow: BrowserWindowInstance | null = null;

function createWindow(paths: ReturnType<typeof desktopPaths>): BrowserWindowInstance {
  const window = new BrowserWindow(windowOptions({ preload: paths.preload, icon: paths.icon }));
  const activation = new UserActivation();
  const contents = window.webContents;
  contents.on('input-event', (_event, input) => activation.noteInput(input.type));
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (allowNavigation(url)) return;
    event.preventDefault();
    const decision = windowOpenDecision(url, activation.active);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, activation.active);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  const env = process.env;
  const paths = desktopPaths(env);
  let local: LocalServer;
  try {
    local = await startLocalServer({
      home: paths.home,
      workspace: workspaceArgument(process.argv),
      setting: workspaceSetting(paths.home, env),
      encryptionKey: encryptionKeySetting(paths.home, env),
    });
    process.stdout.write(`Flowdeck workspace: ${describeWorkspace(local.chosen)}\n`);
    for (const note of local.chosen.notes) process.stderr.write(`warning: ${note}\n`);
  } catch (error) {
    dialog.showErrorBox('Flowdeck could not start', `The local server did not start: ${(error as Error).message}`);
    app.exit(1);
    return;
  }

  const connection = () => serverConnection(paths.home, env, local.apiUrl);
  const csp = () => {
    let profileServer: string | null = null;
    try {
      const { server } = connection();
      profileServer = server.local ? null : server.apiUrl;
    } catch {
      // A broken profiles.toml: the page can still reach the local server, and says what is wrong.
    }
    return contentSecurityPolicy({ localServer: local.url, profileServer });
  };

  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, paths.renderer, csp()));

  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermission(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) => allowPermission(permission, origin));
  app.on('web-contents-created', (_event, contents) => contents.on('will-attach-webview', (event) => event.preventDefault()));

  const handlers = ipcHandlers({
    home: paths.home,
    env,
    dialogs: {
      async chooseFileToOpen() {
        const result = await dialog.showOpenDialog(mainWindow!, { title: 'Open flow file', properties: ['openFile'], filters: FLOW_FILE_FILTERS });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async chooseFileToSave(suggestedName) {
        const defaultPath = join(local.workspace, suggestedName);
        const result = await dialog.showSaveDialog(mainWindow!, { title: 'Save flow file', defaultPath, filters: FLOW_FILE_FILTERS });
        return result.canceled ? null : (result.filePath ?? null);
      },
      async chooseFolder() {
        const result = await dialog.showOpenDialog(mainWindow!, { title: 'Open folder', properties: ['openDirectory', 'createDirectory'] });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    },
    openFolder: (folder) => local.openFolder(folder),
    appInfo: () => appInfo({ home: paths.home, workspace: local.workspace, localServerUrl: local.url, versions: process.versions, ...connection() }),
  });
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event.senderFrame?.url)) throw new Error(`${channel} is only answered for the app's own pages`);
      return handler(args);
    });
  }

  mainWindow = createWindow(paths);
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(paths);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    // The server stops its flow processes and flushes the store before the app goes.
    event.preventDefault();
    void local.close().finally(() => {
      stopped = true;
      app.quit();
    });
  });
}

if (app.requestSingleInstanceLock()) {
  void start();
} else {
  app.quit();
}
