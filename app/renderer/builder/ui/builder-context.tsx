import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { BuilderActions, BuilderState, BuilderStore } from '../model/store.js';
import type { WorkspaceFilesService } from '../model/workspace-files.js';

/** What the builder's views reach: its document store and the files behind it. */
export interface BuilderServices {
  store: BuilderStore;
  files: WorkspaceFilesService;
}

export const BuilderContext = createContext<BuilderServices | null>(null);

export function useBuilderServices(): BuilderServices {
  const services = useContext(BuilderContext);
  if (!services) throw new Error('builder views must be rendered inside BuilderContext');
  return services;
}

/** Reads a slice of the builder's state, re-rendering when it changes. */
export function useBuilder<T>(selector: (state: BuilderState & BuilderActions) => T): T {
  return useStore(useBuilderServices().store, selector);
}
