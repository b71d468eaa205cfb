import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from '../core/api/client.js';
import { openEventStream } from '../core/api/event-stream.js';
import type { DesktopBridge } from '../core/desktop-bridge.js';
import { createBuilderStore } from './builder/store.js';
import { createRunViewStore } from './run/run-store.js';
import { WorkspaceFilesService, type DesktopFiles } from './services/files.js';
import { readRecent } from './services/recent-files.js';
import { sameOriginApi, type ServerTarget } from './services/server.js';
import { App } from './views/App.js';
import { ServicesContext } from './views/context.js';
import { createDocumentActions } from './views/document-actions.js';
import { createRunActions } from './views/run-actions.js';
import { RunContext } from './views/run-context.js';
import { uiStore } from './views/ui-store.js';

declare global {
  interface Window {
    /** Present in the desktop app only. */
    flowdeck?: DesktopBridge;
  }
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The server to talk to: the desktop app's choice, else the one that served this page. */
async function serverTarget(): Promise<{ server: ServerTarget; desktop: DesktopFiles | null }> {
  if (window.flowdeck) {
    const info = await window.flowdeck.appInfo();
    return {
      server: { baseUrl: info.server.apiUrl, ...(info.server.apiKey ? { apiKey: info.server.apiKey } : {}), profile: info.profile },
      // Its dialogs reach files on this computer; the embedded server's workspace is where runs start.
      desktop: { bridge: window.flowdeck, workspaceRoot: info.server.local ? info.workspace : '' },
    };
  }
  let apiKey: string | null = null;
  try {
    apiKey = sessionStorage.getItem('flowdeck.apiKey');
  } catch {
    // No storage: the server's key is asked for when it is needed.
  }
  return { server: { baseUrl: sameOriginApi(location.href), ...(apiKey ? { apiKey } : {}) }, desktop: null };
}

async function start() {
  const { server, desktop } = await serverTarget();
  const client = createApiClient({ baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) });
  const store = createBuilderStore();
  const runStore = createRunViewStore();
  const files = new WorkspaceFilesService(client, store, desktop);
  const documents = createDocumentActions(store, files, storage());
  const runs = createRunActions({
    client,
    store,
    runs: runStore,
    documents,
    openStream: (options) => openEventStream({ ...options, baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) }),
  });
  uiStore.setState({ recent: readRecent(storage()) });

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ServicesContext.Provider value={{ store, client, files, server }}>
        <RunContext.Provider value={runStore}>
          <App documents={documents} runs={runs} />
        </RunContext.Provider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
  // Ready for input once the first frame with the builder in it is painted.
  requestAnimationFrame(() => {
    performance.mark('flowdeck:ready');
    document.body.dataset.ready = 'true';
  });
  // `?file=flows/etl.ts` opens a workspace file, so a link can point at a flow.
  const file = new URLSearchParams(location.search).get('file');
  if (file) void documents.open(file);
}

start().catch((error: unknown) => {
  const root = document.getElementById('root')!;
  root.textContent = `Flowdeck could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.className = 'fd-fatal';
});
