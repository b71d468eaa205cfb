import { createStore } from 'zustand/vanilla';
import type { FlowFileDescription } from '../../core/api/workspace.js';
import type { RunCheck } from '../builder/model/run-check.js';
import type { ConflictKind } from '../builder/model/workspace-files.js';

/** What to do when the file on disk is not the one the edits started from. */
export type ConflictChoice = 'overwrite' | 'reload' | 'cancel';

/** What to do with unsaved changes before the document is replaced. */
type UnsavedChoice = 'save' | 'discard' | 'cancel';

export type Dialog =
  | { type: 'open' }
  | { type: 'saveAs'; reason?: string; resolve?: (saved: boolean) => void }
  | { type: 'unsaved'; action: string; resolve: (choice: UnsavedChoice) => void }
  | { type: 'conflict'; path: string; kind: ConflictKind; resolve: (choice: ConflictChoice) => void }
  | { type: 'saveBeforeRun'; path: string; resolve: (save: boolean) => void }
  | { type: 'run'; prepared: { path: string; description: FlowFileDescription } | { error: string } }
  | { type: 'deploy'; prepared: { path: string; description: FlowFileDescription } | { error: string } }
  | { type: 'runWithProblems'; check: RunCheck; resolve: (runAnyway: boolean) => void }
  | { type: 'apiKey'; message: string }
  | { type: 'addProfile' }
  | { type: 'shortcuts' };

export interface UiState {
  dialog: Dialog | null;
  /** Shown in the top bar for a few seconds: "Saved flows/etl.ts". */
  toast: { message: string; kind: 'info' | 'error'; id: number } | null;
  recent: string[];
  /** Whether the server answers, and its version; `degraded` when it answers but cannot store what it is sent. */
  server: { status: 'checking' | 'ok' | 'degraded' | 'unreachable' | 'unauthorized'; version?: string; detail?: string };
}

/** Which dialog is open and other passing UI state, apart from the document. */
export const uiStore = createStore<UiState>()(() => ({
  dialog: null,
  toast: null,
  recent: [],
  server: { status: 'checking' },
}));

export function openDialog(dialog: Dialog): void {
  uiStore.setState({ dialog });
}

export function closeDialog(): void {
  uiStore.setState({ dialog: null });
}

let toastId = 0;
export function showToast(message: string, kind: 'info' | 'error' = 'info'): void {
  const id = ++toastId;
  uiStore.setState({ toast: { message, kind, id } });
  setTimeout(
    () => {
      if (uiStore.getState().toast?.id === id) uiStore.setState({ toast: null });
    },
    kind === 'error' ? 8000 : 3000,
  );
}

export function askUnsaved(action: string): Promise<UnsavedChoice> {
  return new Promise((resolve) => openDialog({ type: 'unsaved', action, resolve }));
}

export function askOverwrite(path: string, kind: ConflictKind): Promise<ConflictChoice> {
  return new Promise((resolve) => openDialog({ type: 'conflict', path, kind, resolve }));
}

/** Whether to save the unsaved edits of a file and run it: the server runs what is on disk. */
export function askSaveBeforeRun(path: string): Promise<boolean> {
  return new Promise((resolve) => openDialog({ type: 'saveBeforeRun', path, resolve }));
}

export function askSaveAs(reason?: string): Promise<boolean> {
  return new Promise((resolve) => openDialog({ type: 'saveAs', ...(reason ? { reason } : {}), resolve }));
}

export function askRunWithProblems(check: RunCheck): Promise<boolean> {
  return new Promise((resolve) => openDialog({ type: 'runWithProblems', check, resolve }));
}
