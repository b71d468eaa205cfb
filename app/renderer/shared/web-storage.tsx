import type { KeyValueStorage } from './key-value-storage.js';

/** This browser's storage, or none where the page may not use it (a sandbox, a privacy setting). */
export function webStorage(kind: 'local' | 'session'): (KeyValueStorage & { removeItem(key: string): void }) | undefined {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return undefined;
  }
}
