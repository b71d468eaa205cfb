import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RESULTS_FOLDER } from '../core/settings/home.js';
import { engineSettings } from './runtime.js';

/**
 * Persisted results: one file per result under FLOWDECK_HOME/storage, in V8's serialization so
 * Dates, Maps, Sets, BigInts and typed arrays come back as they went in. A ref is the path
 * relative to FLOWDECK_HOME.
 */
export function resultRefFor(key: string): string {
  return `${RESULTS_FOLDER}/${createHash('sha256').update(key).digest('hex')}.bin`;
}

export function writeResult(home: string, ref: string, value: unknown): void {
  const path = join(home, ref);
  // Results are the user's data: readable by the user alone, as the rest of FLOWDECK_HOME.
  mkdirSync(join(home, RESULTS_FOLDER), { recursive: true, mode: 0o700 });
  const data = serialize({ value });
  // Written aside then renamed, so a reader never sees half a result.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, path);
}

export function readResult(home: string, ref: string): unknown {
  const data = readFileSync(join(home, ref));
  return (deserialize(data) as { value: unknown }).value;
}

/**
 * Writes a run's result under FLOWDECK_HOME/storage, keyed by `key`, and returns its ref; a
 * result that cannot be written is told to `unwritten` and gives null, and the run goes on.
 */
export function persistResult(key: string, value: unknown, unwritten: (reason: string) => void): string | null {
  const ref = resultRefFor(key);
  try {
    writeResult(engineSettings().home, ref, value);
    return ref;
  } catch (error) {
    unwritten((error as Error).message);
    return null;
  }
}
