export { SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export { configureConnection } from './store/open-database.js';
export { processIsAlive } from './store/crash-sweep.js';
export { StoreError } from './store/store-error.js';
export { MIGRATIONS } from './store/migrations.js';
