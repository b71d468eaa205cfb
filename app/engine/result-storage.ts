import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a stored result lives, as the start of its ref: `server:<key>` or `folder:<key>`. */
export type ResultScheme = 'server' | 'folder';

/**
 * A place results and cache entries are kept by key, so that other machines can read them: the
 * server the runs report to, or a folder every machine mounts. Keys are file names (no folders).
 */
export interface ResultStorage {
  readonly scheme: ResultScheme;
  write(key: string, data: Buffer): Promise<void>;
  /** The bytes at `key`; an error saying so when there are none. */
  read(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
}

/**
 * What the engine reads and writes results through, set by whoever starts flows: `default` takes
 * new results (null keeps them in FLOWDECK_HOME, as without any setting), and `reader` reads a
 * ref of a scheme, or is null when this process cannot reach that place.
 */
export interface ResultStores {
  default: ResultStorage | null;
  reader(scheme: ResultScheme): ResultStorage | null;
}

/** Results as files in one folder, written aside and renamed so a reader never sees half of one. */
export class FolderResultStorage implements ResultStorage {
  constructor(
    readonly scheme: ResultScheme,
    private readonly folder: string,
  ) {}

  async write(key: string, data: Buffer): Promise<void> {
    // Results are the user's data: readable by the user alone, as the rest of FLOWDECK_HOME.
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const path = join(this.folder, key);
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, path);
  }

  read(key: string): Promise<Buffer> {
    return readFile(join(this.folder, key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(join(this.folder, key))).isFile();
    } catch {
      return false;
    }
  }
}

/** `scheme:key` for a ref of stored results; null for a ref of FLOWDECK_HOME (a file or a journal entry). */
export function parseStoredRef(ref: string): { scheme: ResultScheme; key: string } | null {
  const match = /^(server|folder):(.+)$/.exec(ref);
  return match ? { scheme: match[1] as ResultScheme, key: match[2] } : null;
}

export function storedRef(scheme: ResultScheme, key: string): string {
  return `${scheme}:${key}`;
}
