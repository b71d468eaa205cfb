import type { SqliteStore } from '../../store/sqlite-store.js';

/** What every resource plugin is given. */
export interface RouteDeps {
  store: SqliteStore;
  /** Told of failures that are the server's own fault, to be logged. */
  onUnexpectedError: (error: unknown) => void;
}
