/**
 * Compiled flow files under FLOWDECK_HOME/cache/flows, one file per flow file and content: the
 * code, then a last line naming the hash of the code and of every local file compiled into it (last,
 * so the code's source map still counts lines from the top). An
 * entry is used only while those files are unchanged and the code is whole; anything else is a
 * miss, and the entry is written again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FlowBundle } from './flow-bundle.js';

export const FLOW_CACHE_FOLDER = join('cache', 'flows');

/** Bumped when the bundle's shape changes, so older entries are never read. */
const FORMAT = 2;

interface EntryHeader {
  format: number;
  code: string;
  inputs: Record<string, string>;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** How long a leftover half-written entry or the orphan sweep's mark may age before it counts as stale. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 24 * 60 * 60 * 1000;
const SWEEP_MARK = '.last-sweep';
/** An entry's name is `<flow file's prefix>-<content hash>.mjs`; the prefix finds its other versions. */
const PREFIX_LENGTH = 32;

/**
 * The entry's name: the flow file's path and what it is compiled against (a prefix shared by
 * every version of the file), then its content.
 */
export function flowCacheKey(path: string, source: string, compiledAgainst: string): string {
  const prefix = sha256(JSON.stringify([FORMAT, path, compiledAgainst])).slice(0, PREFIX_LENGTH);
  return `${prefix}-${sha256(source)}`;
}

export function flowCachePath(home: string, key: string): string {
  return join(home, FLOW_CACHE_FOLDER, `${key}.mjs`);
}

function currentHash(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** True when the entry at `entry` is whole and every file compiled into it is as it was. */
/**
 * An entry's code and its last line's header, or null when the entry is not whole: no last line,
 * a header that does not parse, or one of another format.
 */
function parseEntry(text: string): { code: string; header: EntryHeader } | null {
  const last = text.lastIndexOf('\n// ', text.length - 2);
  if (last < 0 || !text.endsWith('\n')) return null;
  let header: EntryHeader;
  try {
    header = JSON.parse(text.slice(last + 4, -1)) as EntryHeader;
  } catch {
    return null;
  }
  if (header?.format !== FORMAT || typeof header.inputs !== 'object' || header.inputs === null) return null;
  return { code: text.slice(0, last), header };
}

export function isCachedBundleFresh(entry: string): boolean {
  let text: string;
  try {
    text = readFileSync(entry, 'utf8');
  } catch {
    return false;
  }
  const parsed = parseEntry(text);
  if (!parsed || sha256(parsed.code) !== parsed.header.code) return false;
  return Object.entries(parsed.header.inputs).every(([path, hash]) => currentHash(path) === hash);
}

/** Writes the entry aside and renames it into place, so a reader never sees half of one. */
export function writeCachedBundle(entry: string, bundle: FlowBundle): void {
  const inputs: Record<string, string> = {};
  for (const path of bundle.inputs) inputs[path] = currentHash(path) ?? '';
  const header: EntryHeader = { format: FORMAT, code: sha256(bundle.code), inputs };
  mkdirSync(join(entry, '..'), { recursive: true, mode: 0o700 });
  const temp = `${entry}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${bundle.code}\n// ${JSON.stringify(header)}\n`, { mode: 0o600 });
    renameSync(temp, entry);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  pruneFlowCache(entry);
}

/**
 * Removes the entries `entry` replaces and, at most once a day, those whose flow file is gone.
 * Another process may be about to import a removed entry: it then compiles again, as for any
 * entry that vanished (see importFlowFile). Pruning is housekeeping, so it never fails a run.
 */
function pruneFlowCache(entry: string): void {
  const folder = dirname(entry);
  const prefix = basename(entry).slice(0, PREFIX_LENGTH + 1);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const now = Date.now();
  const sweep = isSweepDue(folder, now);
  for (const name of names) {
    const path = join(folder, name);
    if (path === entry || name === SWEEP_MARK) continue;
    const stale = name.endsWith('.tmp')
      ? olderThan(path, now - TEMP_MAX_AGE_MS)
      : name.startsWith(prefix) || (sweep && name.endsWith('.mjs') && !flowFileExists(path));
    if (stale) removeQuietly(path);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a file another user owns, or a read-only folder: it stays, and costs only disk
  }
}

function olderThan(path: string, time: number): boolean {
  try {
    return statSync(path).mtimeMs < time;
  } catch {
    return false;
  }
}

/** True once a day; marks the sweep as done when it says so. */
function isSweepDue(folder: string, now: number): boolean {
  const mark = join(folder, SWEEP_MARK);
  try {
    if (statSync(mark).mtimeMs > now - SWEEP_EVERY_MS) return false;
    utimesSync(mark, now / 1000, now / 1000);
  } catch {
    try {
      writeFileSync(mark, '', { mode: 0o600 });
    } catch {
      return false;
    }
  }
  return true;
}

/** Whether the flow file an entry was compiled from (its header's first input) still exists; an entry that is damaged or of another format, never to be read again, counts as gone. */
function flowFileExists(entry: string): boolean {
  let text: string;
  try {
    text = readFileSync(entry, 'utf8');
  } catch {
    return true;
  }
  const parsed = parseEntry(text);
  const flowFile = parsed ? Object.keys(parsed.header.inputs)[0] : undefined;
  if (flowFile === undefined) return false;
  try {
    statSync(flowFile);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
