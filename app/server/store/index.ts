// What only SQLite's own tests and benchmarks use: the server, CLI and app open a store through openStore.
export { SqliteStore } from './sqlite-store.js';
export { SqliteRunStore } from './sqlite-run-store.js';
export { configureConnection } from './open-database.js';
export { MIGRATIONS } from './migrations.js';
