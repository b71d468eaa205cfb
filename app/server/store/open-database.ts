import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { cannotWrite, isSqliteError, isWriteFailure, StoreError } from './store-error.js';

const BUSY_TIMEOUT_MS = 60_000;

/** The connection settings every store (and the benchmarks' raw floor) uses. */
export function configureConnection(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL: a commit survives the process being killed at any point.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  // Checkpoint less often than the default 1,000 pages: each one syncs the file, and a large map
  // writes tens of thousands of pages.
  db.pragma('wal_autocheckpoint = 10000');
}

let addon: string | null | undefined;

/**
 * better-sqlite3's compiled addon, named where its build puts it: left to find it, better-sqlite3
 * loads the `bindings` package, which looks in a dozen places. Null (a build elsewhere) lets it look.
 */
function nativeAddon(): string | null {
  if (addon !== undefined) return addon;
  const packageFolder = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const built = join(packageFolder, 'build', 'Release', 'better_sqlite3.node');
  return (addon = existsSync(built) ? built : null);
}

/** A new database file is made owner-only before SQLite sees it; SQLite gives its -wal and -shm files the same mode. */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Opens (creating when missing) and migrates a Flowdeck database; every failure is a StoreError.
 * On a disk too full for the shared-memory index that WAL connections share, it opens the
 * database for this process alone, which keeps that index in its own memory: reads work, and
 * `onAlone` is told why.
 */
export function openDatabase(path: string, onAlone?: (cause: unknown) => void): Database.Database {
  const folder = dirname(path);
  if (statSync(folder, { throwIfNoEntry: false })?.isFile()) {
    throw new StoreError(`${folder} is a file; FLOWDECK_HOME must be a folder (or not exist yet)`, 'CANNOT_OPEN');
  }
  try {
    // FLOWDECK_HOME holds the user's runs, results and keys: the user's alone.
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(`cannot create the folder ${folder}: ${(error as Error).message}`, 'CANNOT_OPEN');
  }
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StoreError(`${path} is a folder, not a Flowdeck database`, 'CANNOT_OPEN');
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
  }
  try {
    return connectWhenFree(path);
  } catch (error) {
    if (!isWriteFailure(error)) throw storeErrorOf(path, error);
    try {
      const db = connect(path, true);
      onAlone?.(error);
      return db;
    } catch (again) {
      throw storeErrorOf(path, again);
    }
  }
}

/** Blocks this thread for a while: opening is synchronous, and the other process needs only moments. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A connection, tried again while another process holds the database: processes that create a
 * new database at the same moment race to switch it to WAL, and SQLite answers the losers BUSY at
 * once, without waiting as it does for other writes.
 */
function connectWhenFree(path: string): Database.Database {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return connect(path, false);
    } catch (error) {
      if (!isSqliteError(error, 'SQLITE_BUSY') || Date.now() > deadline) throw error;
      pause(Math.min(5 * attempt, 100));
    }
  }
}

/** One connection, inspected, configured and migrated; throws what SQLite threw. */
function connect(path: string, alone: boolean): Database.Database {
  let db: Database.Database;
  try {
    createPrivately(path);
    const nativeBinding = nativeAddon();
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (error) {
    throw new StoreError(`cannot open the database ${path}: ${(error as Error).message}`, 'CANNOT_OPEN');
  }
  try {
    // Set before the first read: the WAL index then lives in this process's memory, not in a file.
    if (alone) db.pragma('locking_mode = EXCLUSIVE');
    // Look before writing anything: someone else's database must be left exactly as it was.
    // One statement, so one snapshot: another process may be creating the tables meanwhile.
    const { tables, app } = db
      .prepare<[], { tables: number; app: number }>(
        "SELECT COUNT(*) AS tables, COUNT(*) FILTER (WHERE name = 'meta') AS app FROM sqlite_master WHERE type = 'table'",
      )
      .get()!;
    if (app === 0 && tables > 0) {
      throw new StoreError(`${path} is a SQLite database, but not one of Flowdeck's`, 'NOT_A_DATABASE');
    }
    configureConnection(db);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function storeErrorOf(path: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (isSqliteError(error, 'SQLITE_NOTADB') || isSqliteError(error, 'SQLITE_CORRUPT')) {
    return new StoreError(
      `${path} is not a Flowdeck database or is damaged (${(error as Error).message}); move it away to start afresh`,
      'NOT_A_DATABASE',
    );
  }
  if (isWriteFailure(error)) return cannotWrite(path, error);
  const message = (error as Error).message;
  if (message.includes('schema version')) return new StoreError(`${path}: ${message}`, 'NEWER_SCHEMA');
  return new StoreError(`cannot open the database ${path}: ${message}`, 'CANNOT_OPEN');
}
