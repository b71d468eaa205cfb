import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface AtomicWriteOptions {
  /** File permissions for a new file; a replaced file keeps the given mode too. */
  mode?: number;
}

/** Writes beside the target first (hidden, so listings never show it), flushed to disk. */
function writeBeside(path: string, text: string, options: AtomicWriteOptions): string {
  // Folders made for a private file are private too.
  const privateFile = options.mode !== undefined && (options.mode & 0o077) === 0;
  mkdirSync(dirname(path), { recursive: true, ...(privateFile ? { mode: 0o700 } : {}) });
  // Not named after the target, whose name may already be as long as a name can be.
  // The global Web Crypto: importing node:crypto would cost every command that reads the settings.
  const random = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString('hex');
  const temp = join(dirname(path), `.flowdeck-${process.pid}-${random}.tmp`);
  writeFileSync(temp, text, { mode: options.mode ?? 0o644, flush: true });
  return temp;
}

/** Replaces the file in one step: readers see the old contents or the new, never a mix. */
export function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): void {
  const temp = writeBeside(path, text, options);
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
export function createFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): boolean {
  const temp = writeBeside(path, text, options);
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
