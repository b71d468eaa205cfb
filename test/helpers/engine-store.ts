import { configureEngine } from '../../app/engine/hosting.js';
import { SqliteStore } from '../../app/server/store/index.js';
import { makeTempHome } from './temp-home.js';

/** A real store in a fresh FLOWDECK_HOME, handed to the engine, for one test. */
export function useEngineStore(): { store: SqliteStore; home: string; dispose: () => Promise<void> } {
  const temp = makeTempHome();
  const store = SqliteStore.open({ path: temp.dbPath });
  configureEngine({ reporter: store, home: temp.home, consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
  return {
    store,
    home: temp.home,
    dispose: async () => {
      await store.close();
      configureEngine({ reporter: null });
      temp.cleanup();
    },
  };
}
