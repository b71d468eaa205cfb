import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../core/index.js';
import {
  chooseWorkspace,
  createServer,
  EncryptionKeySource,
  openStore,
  SERVER_HEARTBEAT_TIMEOUT_SECONDS,
  type ChosenWorkspace,
} from '../server/index.js';

export interface LocalServer {
  /** e.g. `http://127.0.0.1:51234` */
  url: string;
  apiUrl: string;
  /** The folder it served at start, and why that one. */
  chosen: ChosenWorkspace;
  /** The folder it serves now. */
  readonly workspace: string;
  /** Serves another folder from now on, checked as the API checks it, and remembered for the next start. */
  openFolder(folder: string): string;
  close(): Promise<void>;
}

interface LocalServerOptions {
  /** FLOWDECK_HOME. */
  home: string;
  /** `--workspace DIR` on the app's command line, resolved against `cwd`. */
  workspace?: string;
  /** FLOWDECK_WORKSPACE. */
  setting?: string | null;
  /** FLOWDECK_SERVER_ENCRYPTION_KEY; the key file in `home` when null or left out. */
  encryptionKey?: string | null;
  cwd?: string;
}

/**
 * The embedded server of the local profile: the SQLite store in FLOWDECK_HOME, on a free loopback
 * port, serving the workspace (FLOWDECK_HOME's own, seeded with the examples, unless another is
 * named or was opened last). Its workspace may be changed: only this machine reaches it. Flow runs
 * it starts report to it over HTTP, as to any server, so it gives up on a silent one as soon as
 * `flowdeck server start` does.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { home } = options;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const chosen = chooseWorkspace({ given: options.workspace, setting: options.setting, home, cwd: options.cwd ?? process.cwd() });
  const store = await openStore({
    kind: 'sqlite',
    path: join(home, DATABASE_FILE),
    heartbeatTimeoutSeconds: SERVER_HEARTBEAT_TIMEOUT_SECONDS,
    silenceFromOpen: true,
  });
  let server;
  let url: string;
  try {
    server = await createServer({
      store,
      host: '127.0.0.1',
      port: 0,
      workspace: chosen.folder,
      workspaceChange: { allowed: true },
      home,
      encryptionKey: new EncryptionKeySource({ setting: options.encryptionKey ?? null, home }),
    });
    url = await server.listen();
  } catch (error) {
    await store.close();
    throw error;
  }
  const running = server;
  const workspace = running.workspace!;
  return {
    url,
    apiUrl: `${url}/api`,
    chosen,
    get workspace() {
      return workspace.root;
    },
    openFolder(folder) {
      return workspace.changeTo(folder).root;
    },
    async close() {
      await running.close();
      await store.close();
    },
  };
}
