import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../core/api/client.js';
import type { BuilderActions, BuilderState, BuilderStore } from '../builder/store.js';
import type { WorkspaceFilesService } from '../services/files.js';
import type { ServerTarget } from '../services/server.js';

/** What every view may reach: the builder's store and the server behind it. */
export interface AppServices {
  store: BuilderStore;
  client: ApiClient;
  files: WorkspaceFilesService;
  server: ServerTarget;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('views must be rendered inside ServicesContext');
  return services;
}

/** Reads a slice of the builder's state, re-rendering when it changes. */
export function useBuilder<T>(selector: (state: BuilderState & BuilderActions) => T): T {
  return useStore(useServices().store, selector);
}
