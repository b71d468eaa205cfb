export { SqliteStore, configureConnection, processIsAlive, type SqliteStoreOptions } from './store/sqlite-store.js';
export { StoreError } from './store/store-error.js';
export { MIGRATIONS } from './store/migrations.js';
