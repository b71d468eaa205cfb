/** Whether Debug also stops a task run where its last attempt fails: remembered in this browser, as the other builder settings. */
import type { KeyValueStorage } from '../../shared/key-value-storage.js';

export const BREAK_ON_FAILURE_KEY = 'flowdeck.builder.breakOnFailure';

/** Off unless a person turned it on. */
export function readBreakOnFailure(storage: KeyValueStorage | undefined): boolean {
  try {
    return storage?.getItem(BREAK_ON_FAILURE_KEY) === 'true';
  } catch {
    return false;
  }
}

export function writeBreakOnFailure(storage: KeyValueStorage | undefined, value: boolean): void {
  try {
    storage?.setItem(BREAK_ON_FAILURE_KEY, String(value));
  } catch {
    // A full or refused storage only means the choice is not remembered.
  }
}
