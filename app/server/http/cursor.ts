import type { FlowRunCursor } from '../store/run-reads.js';
import { HttpError } from './errors.js';

/**
 * Page cursors are opaque to clients: base64url of the last run's creation time and id, which
 * never change, so a page boundary stays put while runs are added or change state.
 */
export function encodeCursor(cursor: FlowRunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): FlowRunCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    value[1].length > 0
  ) {
    return { createdAt: value[0] as number, id: value[1] };
  }
  throw new HttpError(400, "query.cursor: not a cursor this server gave out; use a page's nextCursor, or leave it out to start over");
}
