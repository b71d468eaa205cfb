import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from '../core/api/client.js';
import type { DesktopBridge } from '../core/desktop-bridge.js';
import type { DesktopFiles } from './builder/model/workspace-files.js';
import { browserProfileBook, browserServerTarget, desktopProfileBook, type ProfileBook } from './app/profiles.js';
import type { ServerTarget } from './app/server.js';
import { App } from './app/App.js';
import { ServicesContext } from './app/services-context.js';
import { webStorage } from './shared/web-storage.js';

declare global {
  interface Window {
    /** Present in the desktop app only. */
    flowdeck?: DesktopBridge;
  }
}

/** The server to talk to and the profiles to switch between: the desktop app's, else this browser's. */
async function serverTarget(): Promise<{ server: ServerTarget; desktop: DesktopFiles | null; profiles: ProfileBook }> {
  if (window.flowdeck) {
    const info = await window.flowdeck.appInfo();
    return {
      server: { baseUrl: info.server.apiUrl, ...(info.server.apiKey ? { apiKey: info.server.apiKey } : {}), profile: info.profile },
      // Its dialogs reach files on this computer; the embedded server's workspace is where runs start.
      desktop: { bridge: window.flowdeck, workspaceRoot: info.server.local ? info.workspace : '' },
      profiles: desktopProfileBook(window.flowdeck),
    };
  }
  const local = webStorage('local');
  const session = webStorage('session');
  return { server: browserServerTarget(location.href, local, session), desktop: null, profiles: browserProfileBook(local, session) };
}

async function start() {
  const { server, desktop, profiles } = await serverTarget();
  const client = createApiClient({ baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ServicesContext.Provider value={{ client, server, desktop, profiles }}>
        <App />
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
start().catch((error: unknown) => {
  const root = document.getElementById('root')!;
  root.textContent = `Flowdeck could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.className = 'fd-fatal';
});
