import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RESULTS_FOLDER } from '../core/settings/home.js';
import { parseStoredRef, storedRef, type ResultStorage } from './result-storage.js';
import { engineSettings } from './runtime.js';

/**
 * Persisted results: one file per result under FLOWDECK_HOME/storage, in V8's serialization so
 * Dates, Maps, Sets, BigInts and typed arrays come back as they went in. A ref is the path
 * relative to FLOWDECK_HOME; with a default result storage set, it is `server:<key>` or
 * `folder:<key>` instead (see result-storage.ts).
 */
export function resultRefFor(key: string): string {
  return `${RESULTS_FOLDER}/${storedKeyFor(key)}`;
}

/** The file name a result keyed by `key` is kept under, wherever it is kept. */
export function storedKeyFor(key: string): string {
  return `${createHash('sha256').update(key).digest('hex')}.bin`;
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

/** A result under FLOWDECK_HOME, by its ref there. */
export function readResult(home: string, ref: string): unknown {
  const data = readFileSync(join(home, ref));
  return (deserialize(data) as { value: unknown }).value;
}

/** What a stored result holds: its value and, for a task's recorded result, its code hash. */
export interface StoredEntry {
  value: unknown;
  code: string;
}

/** The storage that holds a ref of `scheme`, or an error saying what to set. */
function readerFor(ref: string, scheme: 'server' | 'folder'): ResultStorage {
  const storage = engineSettings().results?.reader(scheme) ?? null;
  if (storage) return storage;
  const where = scheme === 'server' ? 'on the server the run reported to' : 'in a result-storage folder';
  throw new Error(`result ${ref} is kept ${where}; set FLOWDECK_DEFAULT_RESULT_STORAGE to that result-storage block to read it`);
}

/** Any result by its ref: under FLOWDECK_HOME, on the server, or in the default folder. */
export async function readAnyResult(ref: string): Promise<StoredEntry> {
  const stored = parseStoredRef(ref);
  if (!stored) return { value: readResult(engineSettings().home, ref), code: '' };
  const data = await readerFor(ref, stored.scheme).read(stored.key);
  const entry = deserialize(data) as { value: unknown; code?: string };
  return { value: entry.value, code: entry.code ?? '' };
}

/**
 * Writes a run's result keyed by `key` and returns its ref: under FLOWDECK_HOME/storage at once,
 * or in the default result storage (a promise, as it may go over the network). A result that
 * cannot be written is told to `unwritten` and gives null, and the run goes on. `code` is kept
 * with a task's result so a re-run can tell that the task's code changed.
 */
export function persistResult(
  key: string,
  value: unknown,
  unwritten: (reason: string) => void,
  code?: string,
): string | null | Promise<string | null> {
  const storage = engineSettings().results?.default ?? null;
  if (!storage) {
    const ref = resultRefFor(key);
    try {
      writeResult(engineSettings().home, ref, value);
      return ref;
    } catch (error) {
      unwritten((error as Error).message);
      return null;
    }
  }
  let data: Buffer;
  try {
    data = serialize(code === undefined ? { value } : { value, code });
  } catch (error) {
    unwritten((error as Error).message);
    return null;
  }
  const stored = storedKeyFor(key);
  return storage.write(stored, data).then(
    () => storedRef(storage.scheme, stored),
    (error: unknown) => {
      unwritten((error as Error).message);
      return null;
    },
  );
}

/** True when new results go to a result storage other than FLOWDECK_HOME. */
export function resultsLeaveHome(): boolean {
  return (engineSettings().results?.default ?? null) !== null;
}
