import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveFlowdeckHome } from '../core/index.js';
import { packageRoot } from '../server/package-root.js';

type Env = Record<string, string | undefined>;

/** Where the app finds its own files and keeps the person's. */
export interface DesktopPaths {
  /** The built renderer, served on the app scheme. */
  renderer: string;
  /** The bundled preload script (CommonJS, as a sandboxed preload must be). */
  preload: string;
  /** The window icon. */
  icon: string;
  home: string;
  workspace: string;
}

/**
 * FLOWDECK_HOME as everywhere; the workspace is FLOWDECK_WORKSPACE when set, else a Flowdeck
 * folder in the person's documents.
 */
export function desktopPaths(env: Env, documentsDir: string, root = packageRoot()): DesktopPaths {
  const workspace = env.FLOWDECK_WORKSPACE?.trim();
  return {
    renderer: join(root, 'dist', 'renderer'),
    preload: join(root, 'dist', 'app', 'preload', 'preload.cjs'),
    icon: join(root, 'resources', 'icons', 'png', '512x512.png'),
    home: resolveFlowdeckHome(env, homedir()),
    workspace: workspace ? workspace : join(documentsDir, 'Flowdeck'),
  };
}
