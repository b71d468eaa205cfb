import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, parse, resolve, sep } from 'node:path';
import { defaultWorkspacePath } from './default-workspace.js';
import { shownPath, WorkspaceError } from './workspace-paths.js';

interface FolderLimits {
  /** FLOWDECK_HOME: its database and settings are never served, only its default workspace. */
  home: string;
  /** The person's home folder, which is never a workspace as a whole, nor any folder above it. */
  userHome: string;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The folder names below the root of the disk. */
function namesOf(path: string): string[] {
  return path
    .slice(parse(path).root.length)
    .split(sep)
    .filter((name) => name !== '');
}

/** Why a resolved folder may not be a workspace, or null when it may. */
function placeProblem(path: string, limits: FolderLimits): string | null {
  const home = resolve(limits.home);
  const defaultFolder = defaultWorkspacePath(home);
  if (isInside(defaultFolder, path)) return null;
  const names = namesOf(path);
  if (names.length < 2) return 'is too near the root of the disk; pick the folder of your flow files, such as ~/flows';
  if (isInside(path, resolve(limits.userHome))) return 'is your home folder or above it; pick the folder of your flow files, such as ~/flows';
  if (isInside(path, home) || isInside(home, path)) return "holds Flowdeck's own files (database, settings, run logs); pick another folder";
  const odd = names.find((name) => name.startsWith('.') || name === 'node_modules');
  if (odd) return `is inside '${odd}', a hidden or node_modules folder, which the workspace does not serve`;
  return null;
}

/**
 * Checks a folder a person asked the server to serve from then on, and gives it resolved. It must
 * exist, be given whole, and be a folder of its own: not the root of the disk or a folder just
 * below it, not a home folder or above, not FLOWDECK_HOME (bar its default workspace), nothing
 * hidden. The same holds for where its symbolic links lead, so a link cannot stand for `/`.
 */
export function checkWorkspaceFolder(raw: string, limits: FolderLimits): string {
  const shown = shownPath(raw);
  if (raw.includes('\0')) throw new WorkspaceError(400, `folder ${shown} contains a NUL character`);
  if (!isAbsolute(raw)) throw new WorkspaceError(400, `folder ${shown} is relative; give its whole path, such as /home/ada/flows`);
  if (raw.split(/[\\/]/).some((name) => name === '.' || name === '..')) {
    throw new WorkspaceError(400, `folder ${shown} has '.' or '..' in it; give its path without them`);
  }
  const folder = resolve(raw);
  const lexical = placeProblem(folder, limits);
  if (lexical) throw new WorkspaceError(400, `folder ${shown} ${lexical}`);
  let real: string;
  try {
    real = realpathSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new WorkspaceError(400, `there is no folder ${shown}`);
    if (code === 'EACCES') throw new WorkspaceError(400, `folder ${shown} cannot be read by the server`);
    throw error;
  }
  if (!statSync(real).isDirectory()) throw new WorkspaceError(400, `${shown} is a file, not a folder`);
  const throughLinks = real === folder ? null : placeProblem(real, limits);
  if (throughLinks) throw new WorkspaceError(400, `folder ${shown} leads to ${shownPath(real)}, which ${throughLinks}`);
  return folder;
}
