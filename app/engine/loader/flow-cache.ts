/**
 * Compiled flow files under FLOWDECK_HOME/cache/flows, one file per flow file and content: the
 * code, then a last line naming the hash of the code and of every local file compiled into it (last,
 * so the code's source map still counts lines from the top). An
 * entry is used only while those files are unchanged and the code is whole; anything else is a
 * miss, and the entry is written again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The entry's name: the flow file's path and content, and what it is compiled against. */
export function flowCacheKey(path: string, source: string, compiledAgainst: string): string {
  return sha256(JSON.stringify([FORMAT, path, compiledAgainst, sha256(source)]));
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
export function isCachedBundleFresh(entry: string): boolean {
  let text: string;
  try {
    text = readFileSync(entry, 'utf8');
  } catch {
    return false;
  }
  const last = text.lastIndexOf('\n// ', text.length - 2);
  if (last < 0 || !text.endsWith('\n')) return false;
  let header: EntryHeader;
  try {
    header = JSON.parse(text.slice(last + 4, -1)) as EntryHeader;
  } catch {
    return false;
  }
  if (header?.format !== FORMAT || typeof header.inputs !== 'object' || header.inputs === null) return false;
  if (sha256(text.slice(0, last)) !== header.code) return false;
  return Object.entries(header.inputs).every(([path, hash]) => currentHash(path) === hash);
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
}
