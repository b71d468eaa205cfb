/**
 * The compiled code a flow run ran, kept under FLOWDECK_HOME/storage/code so the run can be run
 * again as it was after its file has changed. One file per distinct compiled module, named by its
 * content: a thousand runs of an unchanged file keep one.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RESULTS_FOLDER } from '../../core/settings/home.js';

const CODE_FOLDER = `${RESULTS_FOLDER}/code`;

/**
 * Keeps the compiled module at `modulePath` and returns its ref (relative to `home`); null when it
 * cannot be kept (the run goes on, and can only be run again with its file as it is then).
 */
export function keepCompiledCode(home: string, modulePath: string): string | null {
  try {
    const hash = createHash('sha256').update(readFileSync(modulePath)).digest('hex').slice(0, 32);
    const ref = `${CODE_FOLDER}/${hash}.mjs`;
    const target = join(home, ref);
    if (existsSync(target)) return ref;
    mkdirSync(join(home, CODE_FOLDER), { recursive: true, mode: 0o700 });
    const temp = `${target}.${process.pid}.tmp`;
    // A link costs nothing; the cache writes a new file for new code, so the linked one never changes.
    try {
      linkSync(modulePath, temp);
    } catch {
      copyFileSync(modulePath, temp);
    }
    renameSync(temp, target);
    return ref;
  } catch {
    return null;
  }
}

/** Imports kept code; throws when it is not on this machine. */
export async function importKeptCode(home: string, ref: string): Promise<Record<string, unknown>> {
  const path = join(home, ref);
  if (!existsSync(path)) throw new Error(`the kept code ${ref} is not under this FLOWDECK_HOME (${home})`);
  process.setSourceMapsEnabled(true);
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
