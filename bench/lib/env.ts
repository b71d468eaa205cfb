/**
 * Where each measured run happens: a fresh FLOWDECK_HOME in the temp folder holding a real
 * SQLite file, opened either as Flowdeck's store (handed to the engine) or as a raw database
 * with the same pragmas and schema (for the floors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configureEngine } from '../../app/engine/hosting.js';
import { openStore, type RunStore } from '../../app/server/index.js';
import { configureConnection, SqliteRunStore } from '../../app/server/store/index.js';
import { migrate } from '../../app/server/store/migrations.js';

export interface TempHome {
  home: string;
  dbPath: string;
  cleanup(): void;
}

export function makeTempHome(label: string): TempHome {
  const home = mkdtempSync(join(tmpdir(), `flowdeck-bench-${label}-`));
  return { home, dbPath: join(home, 'flowdeck.db'), cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** One group commit of the store: how many queued operations and log lines it wrote. */
export interface Commit {
  ops: number;
  logs: number;
}

/**
 * The SQLite connection behind a store the bench opened: the workloads check what a run stored by
 * counting its rows, and the floors are measured on SQLite itself.
 */
export function databaseOf(store: RunStore): Database.Database {
  if (!(store instanceof SqliteRunStore)) throw new Error(`the bench reads SQLite itself, and the store is ${store.target}`);
  return store.sqlite.database;
}

export interface EngineStore {
  store: RunStore;
  /** The store's SQLite connection, for checking what a run stored. */
  database: Database.Database;
  /** Every group commit the store made, when its internals could be observed; else null. */
  commits: Commit[] | null;
  dispose(): Promise<void>;
}

/** A real store in a fresh FLOWDECK_HOME, handed to the engine, printing nothing. */
export async function openEngineStore(label: string): Promise<EngineStore> {
  const temp = makeTempHome(label);
  const commits: Commit[] = [];
  const store = await openStore({
    kind: 'sqlite',
    path: temp.dbPath,
    onCommit: (batch) => commits.push({ ops: batch.operations, logs: batch.logLines }),
  });
  configureEngine({ reporter: store, home: temp.home, consoleSink: null, onEvent: null, logLevel: 20 });
  return {
    store,
    database: databaseOf(store),
    commits,
    dispose: async () => {
      await store.close();
      configureEngine({ reporter: null });
      temp.cleanup();
    },
  };
}

/** The same file format, pragmas (WAL, synchronous=NORMAL) and schema as the store, used raw. */
export function openRawDatabase(label: string): { db: Database.Database; home: string; dispose(): void } {
  const temp = makeTempHome(label);
  const db = new Database(temp.dbPath, { timeout: 60_000 });
  configureConnection(db);
  migrate(db);
  return {
    db,
    home: temp.home,
    dispose: () => {
      db.close();
      temp.cleanup();
    },
  };
}

export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  } finally {
    db.close();
  }
}
