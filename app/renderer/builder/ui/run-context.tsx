import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RunView, RunViewActions, RunViewStore } from '../model/run-store.js';

export const RunContext = createContext<RunViewStore | null>(null);

export function useRunStore(): RunViewStore {
  const store = useContext(RunContext);
  if (!store) throw new Error('views must be rendered inside RunContext');
  return store;
}

export function useRunView<T>(selector: (state: RunView & RunViewActions) => T): T {
  return useStore(useRunStore(), selector);
}
