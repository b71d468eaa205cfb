// A real server on loopback over a temporary FLOWDECK_HOME and workspace, for tests of the UI's
// headless parts that talk to it the way the UI does.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApiClient, type ApiClient } from '../../app/core/api/index.js';
import { createServer, type FlowdeckServer, type RunStore } from '../../app/server/index.js';
import { openTestStore } from './store-factory.js';

export interface WorkspaceApiServer {
  /** The API base, with `/api`. */
  api: string;
  client: ApiClient;
  workspace: string;
  store: RunStore;
}

/** Starts the server before the file's tests and removes everything after them. */
export function useWorkspaceApiServer(): WorkspaceApiServer {
  let home = '';
  let server: FlowdeckServer | undefined;
  const current = {} as WorkspaceApiServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'flowdeck-api-'));
    current.workspace = join(home, 'workspace');
    mkdirSync(current.workspace);
    current.store = await openTestStore({ path: join(home, 'flowdeck.db') });
    server = await createServer({ store: current.store, host: '127.0.0.1', port: 0, workspace: current.workspace, home, crashSweepIntervalMs: 0 });
    current.api = `${await server.listen()}/api`;
    current.client = createApiClient({ baseUrl: current.api });
  });
  afterAll(async () => {
    await server?.close();
    await current.store?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  return current;
}
