import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Only the owner may read it: profiles hold API keys. */
const PRIVATE_FILE = 0o600;

/** Writes beside the target first, so a crash or a full disk never leaves it half written. */
function writeBeside(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, text, { mode: PRIVATE_FILE, flush: true });
  return temp;
}

/** Replaces the file in one step: readers see the old contents or the new, never a mix. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = writeBeside(path, text);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Creates the file complete, unless it already exists; returns whether it did. Linking fails if
 * the target exists, so two processes creating it at once cannot overwrite each other.
 */
export function createFileAtomic(path: string, text: string): boolean {
  const temp = writeBeside(path, text);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}
