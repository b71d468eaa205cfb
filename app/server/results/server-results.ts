import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULT_KEY_PATTERN } from '../../core/api/results.js';
import { RESULTS_FOLDER } from '../../core/settings/home.js';

/** Where a server keeps the results machines share through it: `<home>/storage/shared`. */
export function serverResultsFolder(home: string): string {
  return join(home, RESULTS_FOLDER, 'shared');
}

/**
 * The results the machines that report to this server keep on it, one file per key. Keys are
 * checked again here, not only by the route, so no caller can name a path outside the folder.
 */
export class ServerResults {
  constructor(readonly folder: string) {}

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    // Written aside then renamed, so a reader never gets half a result.
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, path);
  }

  /** The bytes at `key`, or null when there are none. */
  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private pathOf(key: string): string {
    if (!RESULT_KEY_PATTERN.test(key)) throw new Error(`'${key}' is not a result key`);
    return join(this.folder, key);
  }
}
