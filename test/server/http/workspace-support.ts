// A real server with a temporary workspace folder and FLOWDECK_HOME, one per test, and a folder
// outside the workspace to aim escapes at.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from './support.js';

export interface WorkspaceServer extends TestServer {
  /** The workspace folder the server serves. */
  workspace: string;
  /** A folder beside it, outside the workspace. */
  outside: string;
  /** FLOWDECK_HOME of the flow processes the server starts. */
  home: string;
  /** Writes a file below the workspace, creating folders. */
  put(path: string, content: string): string;
}

export async function startWorkspaceServer(options: TestServerOptions = {}): Promise<WorkspaceServer> {
  const base = mkdtempSync(join(tmpdir(), 'flowdeck-workspace-'));
  const workspace = join(base, 'workspace');
  const outside = join(base, 'outside');
  const home = join(base, 'home');
  for (const folder of [workspace, outside, home]) mkdirSync(folder);
  const server = await startTestServer({ workspace, home, ...options });
  return {
    ...server,
    workspace,
    outside,
    home,
    put(path, content) {
      const full = join(workspace, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      return full;
    },
    async close() {
      await server.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A fresh workspace server for each test of the file; read `current` inside tests. */
export function useWorkspaceServer(options: TestServerOptions = {}): { readonly current: WorkspaceServer } {
  let server: WorkspaceServer;
  beforeEach(async () => {
    server = await startWorkspaceServer(options);
  });
  afterEach(async () => {
    await server.close();
  });
  return {
    get current() {
      return server;
    },
  };
}

/** The query string for a workspace path. */
export function fileQuery(path: string): string {
  return `?${new URLSearchParams({ path }).toString()}`;
}
