import type { FlowRunSort } from '../../core/api/index.js';
import type { FlowRunCursor } from '../store/run-reads.js';
import { HttpError } from './errors.js';

/**
 * Page cursors are opaque to clients: base64url of the last run's creation time and id, which
 * never change, so a page boundary stays put while runs are added or change state. An
 * oldest-first cursor says so (`[createdAt, id, "oldest"]`), so one given with the other order is
 * refused rather than misread.
 */
export function encodeCursor(cursor: FlowRunCursor, sort: FlowRunSort = 'newest'): string {
  const keys: unknown[] = sort === 'newest' ? [cursor.createdAt, cursor.id] : [cursor.createdAt, cursor.id, sort];
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

export function decodeCursor(text: string, sort: FlowRunSort = 'newest'): FlowRunCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    (value.length === 2 || (value.length === 3 && value[2] === 'oldest')) &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    value[1].length > 0
  ) {
    const own: FlowRunSort = value.length === 2 ? 'newest' : 'oldest';
    if (own !== sort) {
      throw new HttpError(
        400,
        `query.cursor: this cursor continues a listing sorted '${own}', not '${sort}'; give the same sort again, or leave the cursor out to start over`,
      );
    }
    return { createdAt: value[0] as number, id: value[1] };
  }
  throw new HttpError(400, "query.cursor: not a cursor this server gave out; use a page's nextCursor, or leave it out to start over");
}
