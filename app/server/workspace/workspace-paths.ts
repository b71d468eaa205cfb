import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { SIDECAR_SUFFIX } from '../../core/api/index.js';
import { HttpError } from '../http/errors.js';

/** A refusal about a workspace path, with the HTTP status it is answered with. */
export class WorkspaceError extends HttpError {
  constructor(statusCode: 400 | 404 | 409 | 413, message: string) {
    super(statusCode, message);
    this.name = 'WorkspaceError';
  }
}

/** The longest file or folder name common file systems take (ext4, APFS, NTFS in UTF-16 aside). */
const MAX_NAME_BYTES = 255;
const MAX_FLOW_FILE_NAME_BYTES = MAX_NAME_BYTES - (SIDECAR_SUFFIX.length - '.ts'.length);

/** A path as it is quoted in messages: whole unless very long. */
export function shownPath(path: string): string {
  const text = path.length > 200 ? `${path.slice(0, 200)}...` : path;
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return `'${text.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/**
 * The segments of a flow file's path, checked as text: relative, '/'-separated, no `.` or `..`,
 * nothing hidden or under node_modules (which the listing never shows either), ending in `.ts`.
 */
export function flowFileSegments(path: string): string[] {
  const shown = shownPath(path);
  if (path.includes('\0')) throw new WorkspaceError(400, `path ${shown} contains a NUL character`);
  if (path.includes('\\')) throw new WorkspaceError(400, `path ${shown}: separate folders with '/'`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new WorkspaceError(400, `path ${shown} is absolute; give it relative to the workspace folder`);
  }
  const segments = path.split('/');
  segments.forEach((segment, index) => {
    // The file's sidecar is named after it with a longer ending, and must fit too.
    const limit = index === segments.length - 1 ? MAX_FLOW_FILE_NAME_BYTES : MAX_NAME_BYTES;
    if (Buffer.byteLength(segment) > limit) {
      throw new WorkspaceError(
        400,
        `path ${shown} has a ${index === segments.length - 1 ? 'file' : 'folder'} name longer than ${limit} bytes, which is more than the file system takes`,
      );
    }
  });
  for (const segment of segments) {
    if (segment === '') throw new WorkspaceError(400, `path ${shown} has an empty folder name`);
    if (segment === '..' || segment === '.') throw new WorkspaceError(400, `path ${shown} leaves the workspace ('.' and '..' are not allowed)`);
    if (segment.startsWith('.')) throw new WorkspaceError(400, `path ${shown} names a hidden file or folder, which the workspace does not serve`);
    if (segment === 'node_modules') throw new WorkspaceError(400, `path ${shown} is under node_modules, which the workspace does not serve`);
  }
  const name = segments[segments.length - 1];
  if (!name.endsWith('.ts') || name.endsWith('.d.ts')) throw new WorkspaceError(400, `path ${shown} is not a flow file; flow files end in .ts`);
  return segments;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'ENAMETOOLONG') throw new WorkspaceError(400, `the path ${shownPath(path)} is too long for this file system`);
    throw error;
  }
}

/**
 * Maps workspace paths to files on disk, never outside the workspace folder: the text is checked
 * first, then every part that exists is resolved through its symbolic links and must land inside.
 */
export class WorkspacePaths {
  /** The folder with its own symbolic links resolved, which every real path is compared with. */
  readonly realRoot: string;

  constructor(readonly root: string) {
    const stats = statOrNull(root, true);
    if (!stats?.isDirectory()) throw new Error(`the workspace ${root} is not a folder`);
    this.realRoot = realpathSync(root);
  }

  private requireInside(real: string, relative: string): void {
    if (!isInside(this.realRoot, real)) {
      throw new WorkspaceError(400, `path ${shownPath(relative)} leads outside the workspace through a symbolic link`);
    }
  }

  /** An existing file: its real path and stats; 404 when it does not exist. */
  existing(segments: readonly string[]): { real: string; stats: Stats } | null {
    const relative = segments.join('/');
    const lexical = join(this.root, ...segments);
    if (!statOrNull(lexical, false)) return null;
    let real: string;
    try {
      real = realpathSync(lexical);
    } catch (error) {
      // A link pointing at nothing: there is no file to read.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    this.requireInside(real, relative);
    const stats = statSync(real);
    if (!stats.isFile()) throw new WorkspaceError(400, `${shownPath(relative)} is not a file`);
    return { real, stats };
  }

  /**
   * Where a file may be written: its real path when it exists, else the path below the deepest
   * folder that exists, which must itself be inside (folders still missing are created there).
   */
  writable(segments: readonly string[]): { real: string; stats: Stats | null } {
    const relative = segments.join('/');
    const found = this.existing(segments);
    if (found) return found;
    const lexical = join(this.root, ...segments);
    if (statOrNull(lexical, false)) {
      // A dangling link: writing would create its target wherever it points.
      throw new WorkspaceError(400, `${shownPath(relative)} is a symbolic link to nothing; remove it or pick another name`);
    }
    let folder = dirname(lexical);
    const missing: string[] = [];
    while (!statOrNull(folder, false)) {
      missing.unshift(basename(folder));
      folder = dirname(folder);
    }
    let realFolder: string;
    try {
      realFolder = realpathSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new WorkspaceError(400, `${shownPath(relative)} cannot be created: a folder on its way is a symbolic link to nothing`);
    }
    this.requireInside(realFolder, relative);
    if (!statSync(realFolder).isDirectory()) {
      throw new WorkspaceError(400, `${shownPath(relative)} cannot be created: a part of it is a file, not a folder`);
    }
    return { real: join(realFolder, ...missing, segments[segments.length - 1]), stats: null };
  }
}
