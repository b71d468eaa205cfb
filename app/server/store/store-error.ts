/** A problem with the store that a person can act on; its message says what and where. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'CANNOT_OPEN' | 'NOT_A_DATABASE' | 'NEWER_SCHEMA' | 'NOT_FOUND' | 'INVALID' | 'CONFLICT' | 'CANNOT_WRITE',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Whether better-sqlite3 failed with this SQLite result code (SQLITE_BUSY, ...). */
export function isSqliteError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === code;
}

/** SQLite result codes (with their extended forms) that mean the file could not be written, whatever was asked. */
const WRITE_FAILURE_CODES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN'];

/**
 * Whether SQLite failed because the database file cannot be written now (a full disk, an I/O
 * error, a read-only file), not because of what was written. After such a failure SQLite may
 * have rolled back the whole transaction, so nothing else written in it can be trusted.
 */
export function isWriteFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && WRITE_FAILURE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

/** The SQLite result code of an error, e.g. SQLITE_FULL. */
export function sqliteCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'SQLITE_IOERR';
}

/** Whether a write failure comes from a full disk. */
export function isDiskFull(error: unknown): boolean {
  const code = sqliteCode(error);
  // A shared-memory file that cannot grow is a full disk too; SQLite calls it an I/O error.
  return code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE';
}

/** What is wrong with the disk or file, in words, from a write failure: "the disk is full (SQLITE_FULL)". */
export function diskProblem(error: unknown): string {
  const code = sqliteCode(error);
  if (isDiskFull(error)) return `the disk is full (${code})`;
  if (code.startsWith('SQLITE_READONLY')) return `the file is read-only (${code})`;
  return `${(error as Error)?.message ?? 'an I/O error'} (${code})`;
}

/** What to do about a write failure. */
function remedy(error: unknown): string {
  return isDiskFull(error) ? 'free some space on that disk and try again' : 'check the disk and the file, then try again';
}

/** The StoreError for a write to the database at `path` that failed; its cause is SQLite's error. */
export function cannotWrite(path: string, error: unknown): StoreError {
  const storeError = new StoreError(`cannot write to the database ${path}: ${diskProblem(error)}; ${remedy(error)}`, 'CANNOT_WRITE');
  storeError.cause = error;
  return storeError;
}
