import type { RunStore } from './run-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** Which store to open, and how: a SQLite file for now. */
export type StoreConfig = { kind: 'sqlite' } & SqliteStoreOptions;

/** Opens the store a config names; whoever opens it closes it. */
export function openStore(config: StoreConfig): RunStore {
  switch (config.kind) {
    case 'sqlite': {
      const { kind: _, ...options } = config;
      return SqliteStore.open(options);
    }
  }
}
