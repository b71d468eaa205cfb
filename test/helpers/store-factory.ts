// The store the tests run against, opened one way for all of them: SQLite only
// for now. When PostgreSQL joins, a test run picks the kind here and the same tests run on it.
import { openStore, type RunStore, type StoreConfig } from '../../app/server/index.js';
import { SqliteRunStore, type SqliteStore } from '../../app/server/store/index.js';

/** What a test asks of its store, whatever its kind: `path` is the database file in the test's temp home. */
export type TestStoreOptions = Omit<StoreConfig, 'kind'>;

export function openTestStore(options: TestStoreOptions): Promise<RunStore> {
  return openStore({ kind: 'sqlite', ...options });
}

/**
 * The SQLite store behind a test store, for the tests of what only SQLite has (its file, its
 * query plans, its migrations); they fail, saying so, on any other kind.
 */
export function sqliteOf(store: RunStore): SqliteStore {
  if (!(store instanceof SqliteRunStore)) throw new Error(`this test reads SQLite itself, and the store is ${store.target}`);
  return store.sqlite;
}
