/**
 * The real `flowdeck server start`, as people run it: the CLI in a child process of its own, on
 * a free loopback port the server picks (--port 0) and prints, over a SQLite file in a fresh
 * FLOWDECK_HOME. Workloads that talk to a server over HTTP or WebSocket start it here.
 */
import { fileURLToPath } from 'node:url';
import { cleanEnv, spawnNode, type BenchChild, type ChildExit } from './children.js';
import { makeTempHome, type TempHome } from './env.js';

const CLI_PATH = fileURLToPath(new URL('../../../bin/flowdeck.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The API base, `${url}/api`: what FLOWDECK_API_URL and openEventStream take. */
  api: string;
  pid: number;
  home: string;
  /** The database the server serves; other processes may open it too. */
  dbPath: string;
  /** SIGTERM (the server flushes and closes), SIGKILL if it hangs, then the temp home goes. */
  stop(): Promise<ChildExit>;
}

export interface ServerProcessOptions {
  /** A home prepared beforehand (e.g. a seeded database); it is removed on stop all the same. */
  home?: TempHome;
  /** More environment for the server, e.g. FLOWDECK_SERVER_API_KEY. */
  env?: Record<string, string>;
}

export async function startServerProcess(label: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const temp = options.home ?? makeTempHome(label);
  let child: BenchChild | null = null;
  try {
    child = spawnNode([CLI_PATH, 'server', 'start', '--host', '127.0.0.1', '--port', '0', '--database', temp.dbPath], {
      cwd: REPO_ROOT,
      env: cleanEnv({ FLOWDECK_HOME: temp.home, ...options.env }),
    });
    // The last line it prints once listening, after the address.
    const match = await child.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Stop with Ctrl\+C\./, `flowdeck server start (${label})`);
    const url = match[1];
    const running = child;
    return {
      url,
      api: `${url}/api`,
      pid: running.pid,
      home: temp.home,
      dbPath: temp.dbPath,
      async stop() {
        try {
          return await running.stop('SIGTERM');
        } finally {
          temp.cleanup();
        }
      },
    };
  } catch (error) {
    await child?.stop('SIGKILL');
    temp.cleanup();
    throw error;
  }
}
