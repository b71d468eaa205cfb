import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveFlowdeckHome } from '../core/index.js';
import { packageRoot } from '../server/package-root.js';

type Env = Record<string, string | undefined>;

/** Where the app finds its own files and keeps the person's. */
interface DesktopPaths {
  /** The built renderer, served on the app scheme. */
  renderer: string;
  /** The bundled preload script (CommonJS, as a sandboxed preload must be). */
  preload: string;
  /** The window icon. */
  icon: string;
  home: string;
}

/** FLOWDECK_HOME as everywhere; the workspace is chosen as `flowdeck server start` chooses it (see local-server). */
export function desktopPaths(env: Env, root = packageRoot()): DesktopPaths {
  return {
    renderer: join(root, 'dist', 'renderer'),
    preload: join(root, 'dist', 'app', 'preload', 'preload.cjs'),
    icon: join(root, 'resources', 'icons', 'png', '512x512.png'),
    home: resolveFlowdeckHome(env, homedir()),
  };
}

/** The folder `--workspace DIR` (or `--workspace=DIR`) names on the app's command line, if any. */
export function workspaceArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workspace') return argv[i + 1] ?? '';
    if (argv[i].startsWith('--workspace=')) return argv[i].slice('--workspace='.length);
  }
  return undefined;
}
