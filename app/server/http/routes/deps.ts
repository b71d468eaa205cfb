import type { SqliteStore } from '../../store/sqlite-store.js';
import type { EventHub } from '../event-hub.js';

/** What every resource plugin is given. */
export interface RouteDeps {
  store: SqliteStore;
  /** Told of failures that are the server's own fault, to be logged. */
  onUnexpectedError: (error: unknown) => void;
  /** The server's one poller of stored states and log lines, shared by every event socket. */
  events: EventHub;
}
