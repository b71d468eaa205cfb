import { v7 } from 'uuid';

/** Time-ordered ids keep inserts append-only in the store's indexes. */
export function newId(): string {
  return v7();
}
