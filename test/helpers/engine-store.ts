import { configureEngine } from '../../app/engine/hosting.js';
import type { RunStore } from '../../app/server/index.js';
import { openTestStore } from './store-factory.js';
import { makeTempHome } from './temp-home.js';

export interface EngineStore {
  store: RunStore;
  home: string;
  /** The database file, for a test that opens a second store on it. */
  path: string;
  dispose: () => Promise<void>;
}

/** A real store in a fresh FLOWDECK_HOME, handed to the engine, for one test. */
export async function useEngineStore(): Promise<EngineStore> {
  const temp = makeTempHome();
  const store = await openTestStore({ path: temp.dbPath });
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
