// The part of Electron's main-process API the app uses, typed here because the electron package
// (and its types) is optional and absent wherever only the server and CLI are installed.

interface ElectronEvent {
  preventDefault(): void;
}

interface WebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: ElectronEvent, url: string) => void): void;
  on(event: 'input-event', listener: (event: ElectronEvent, input: { type: string }) => void): void;
  on(event: 'will-attach-webview', listener: (event: ElectronEvent) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
}

export interface BrowserWindowInstance {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  on(event: 'closed', listener: () => void): void;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
}

interface BrowserWindowClass {
  new (options: object): BrowserWindowInstance;
  getAllWindows(): BrowserWindowInstance[];
}

interface App {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  getPath(name: 'documents' | 'userData'): string;
  quit(): void;
  exit(code?: number): void;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): void;
  on(event: 'before-quit', listener: (event: ElectronEvent) => void): void;
  on(event: 'web-contents-created', listener: (event: ElectronEvent, contents: WebContents) => void): void;
}

interface Protocol {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

interface IpcMainInvokeEvent {
  readonly senderFrame: { readonly url: string } | null;
}

interface IpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

interface Dialog {
  showOpenDialog(
    window: BrowserWindowInstance,
    options: { title?: string; properties: string[]; filters?: { name: string; extensions: string[] }[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(
    window: BrowserWindowInstance,
    options: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[] },
  ): Promise<{ canceled: boolean; filePath?: string }>;
  showErrorBox(title: string, content: string): void;
}

interface Session {
  setPermissionRequestHandler(
    handler: (contents: WebContents, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: WebContents | null, permission: string, requestingOrigin: string) => boolean): void;
}

export interface ElectronMain {
  app: App;
  BrowserWindow: BrowserWindowClass;
  protocol: Protocol;
  ipcMain: IpcMain;
  dialog: Dialog;
  shell: { openExternal(url: string): Promise<void> };
  session: { defaultSession: Session };
}
