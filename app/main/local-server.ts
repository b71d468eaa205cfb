import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../core/index.js';
import { createServer, SERVER_HEARTBEAT_TIMEOUT_SECONDS, SqliteStore } from '../server/index.js';

export interface LocalServer {
  /** e.g. `http://127.0.0.1:51234` */
  url: string;
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * The embedded server of the local profile: the SQLite store in FLOWDECK_HOME, on a free loopback
 * port, serving the workspace. Flow runs it starts report to it over HTTP, as to any server, so it
 * gives up on a silent one as soon as `flowdeck server start` does.
 */
export async function startLocalServer({ home, workspace }: { home: string; workspace: string }): Promise<LocalServer> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  mkdirSync(workspace, { recursive: true });
  const store = SqliteStore.open({
    path: join(home, DATABASE_FILE),
    heartbeatTimeoutSeconds: SERVER_HEARTBEAT_TIMEOUT_SECONDS,
    silenceFromOpen: true,
  });
  let server;
  let url: string;
  try {
    server = await createServer({ store, host: '127.0.0.1', port: 0, workspace, home });
    url = await server.listen();
  } catch (error) {
    await store.close();
    throw error;
  }
  const running = server;
  return {
    url,
    apiUrl: `${url}/api`,
    async close() {
      await running.close();
      await store.close();
    },
  };
}
