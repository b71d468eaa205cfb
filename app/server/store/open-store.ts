import type { RunStore } from './run-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** Which store to open, and how: a SQLite file for now. */
export type StoreConfig = { kind: 'sqlite' } & SqliteStoreOptions;

/** Opens the store a config names; whoever opens it closes it. A store across a network connects before it answers. */
export async function openStore(config: StoreConfig): Promise<RunStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { kind: _, ...options } = config;
      return new SqliteRunStore(SqliteStore.open(options));
    }
  }
}
