import type { KeyValueStorage } from '../../shared/key-value-storage.js';

const KEY = 'flowdeck.recentFiles';
export const RECENT_LIMIT = 8;

export function readRecent(storage: KeyValueStorage | undefined): string[] {
  try {
    const value = JSON.parse(storage?.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string').slice(0, RECENT_LIMIT) : [];
  } catch {
    return [];
  }
}

/** Puts a path first, once; answers the new list. */
export function rememberRecent(storage: KeyValueStorage | undefined, path: string): string[] {
  const list = [path, ...readRecent(storage).filter((item) => item !== path)].slice(0, RECENT_LIMIT);
  try {
    storage?.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or refused (private mode): the list lives for this page only.
  }
  return list;
}

export function forgetRecent(storage: KeyValueStorage | undefined, path: string): string[] {
  const list = readRecent(storage).filter((item) => item !== path);
  try {
    storage?.setItem(KEY, JSON.stringify(list));
  } catch {
    // As above.
  }
  return list;
}
