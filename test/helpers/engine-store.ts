import { configureEngine } from '../../app/engine/hosting.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from './store-factory.js';
import { makeTempHome } from './temp-home.js';

/** A real store in a fresh FLOWDECK_HOME, handed to the engine, for one test. */
export function useEngineStore(): { store: RunStore; home: string; path: string; dispose: () => Promise<void> } {
  const temp = makeTempHome();
  const store = openTestStore({ path: temp.dbPath });
  configureEngine({ reporter: store, home: temp.home, consoleSink: null, onEvent: null, heartbeatSeconds: 0.05 });
  return {
    store,
    home: temp.home,
    path: temp.dbPath,
    dispose: async () => {
      await store.close();
      configureEngine({ reporter: null });
      temp.cleanup();
    },
  };
}
