/** A problem with the store that a person can act on; its message says what and where. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'CANNOT_OPEN' | 'NOT_A_DATABASE' | 'NEWER_SCHEMA' | 'NOT_FOUND' | 'INVALID',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Whether better-sqlite3 failed with this SQLite result code (SQLITE_BUSY, ...). */
export function isSqliteError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === code;
}
