import { isDirty, type BuilderStore } from './store.js';
import type { SaveOutcome, WorkspaceFilesService } from './workspace-files.js';
import { forgetRecent, rememberRecent } from './recent-files.js';
import type { KeyValueStorage } from '../../shared/key-value-storage.js';
import { askOverwrite, askSaveAs, askUnsaved, closeDialog, showToast, uiStore } from '../../app/ui-store.js';
import { errorMessage } from '../../../core/error-message.js';

export interface DocumentActions {
  /** Asks what to do with unsaved changes; true when it is fine to go on. */
  guard(action: string): Promise<boolean>;
  save(): Promise<boolean>;
  /** Saves under a path, asking before overwriting another file. */
  saveAs(path: string): Promise<boolean>;
  newDocument(template?: { name: string; content: string }): Promise<void>;
  open(path: string): Promise<boolean>;
  /** The desktop app's own dialogs, for files anywhere on this computer. */
  openFromDisk(): Promise<boolean>;
  saveToDisk(): Promise<boolean>;
}

/** New, Open, Save and Save As, with the guards a person expects around them. */
export function createDocumentActions(store: BuilderStore, files: WorkspaceFilesService, storage?: KeyValueStorage): DocumentActions {
  const saved = (path: string) => {
    uiStore.setState({ recent: rememberRecent(storage, path) });
    showToast(`Saved ${path}`);
  };

  /** Asks what to do about a refused save: overwrite (saving again), reload from disk, or neither (null). */
  const afterConflict = async (
    conflict: Extract<SaveOutcome, { status: 'conflict' }>,
    overwrite: () => Promise<SaveOutcome>,
  ): Promise<SaveOutcome | null> => {
    const choice = await askOverwrite(conflict.path, conflict.kind);
    if (choice === 'overwrite') return overwrite();
    if (choice === 'reload') {
      await files.open(conflict.path);
      showToast(`Reloaded ${conflict.path} from disk`);
    }
    return null;
  };

  /** One save: asks about a conflict (and overwrites when told to), says why it failed; true once saved. */
  const saveThrough = async (
    attempt: () => Promise<SaveOutcome>,
    overwrite: () => Promise<SaveOutcome>,
    needsPath?: () => Promise<boolean>,
  ): Promise<boolean> => {
    try {
      let outcome = await attempt();
      if (outcome.status === 'needs-path' && needsPath) return needsPath();
      if (outcome.status === 'conflict') {
        const next = await afterConflict(outcome, overwrite);
        if (!next) return false;
        outcome = next;
      }
      if (outcome.status !== 'saved') return false;
      saved(outcome.path);
      return true;
    } catch (error) {
      showToast(`Could not save: ${errorMessage(error)}`, 'error');
      return false;
    }
  };

  const actions: DocumentActions = {
    async guard(action) {
      if (!isDirty(store.getState())) return true;
      const choice = await askUnsaved(action);
      if (choice === 'cancel') return false;
      if (choice === 'discard') return true;
      return actions.save();
    },

    save() {
      return saveThrough(
        () => files.save(),
        () => files.save({ overwrite: true }),
        askSaveAs,
      );
    },

    saveAs(path) {
      return saveThrough(
        () => files.saveAs(path),
        () => files.saveAs(path, { overwrite: true }),
      );
    },

    async newDocument(template) {
      if (!(await actions.guard(template ? `start from the template ${template.name}` : 'start a new flow'))) return;
      store.getState().newDocument(template ? { source: template.content, name: `${template.name}.ts` } : {});
      closeDialog();
    },

    async open(path) {
      if (!(await actions.guard(`open ${path}`))) return false;
      try {
        await files.open(path);
        uiStore.setState({ recent: rememberRecent(storage, path) });
        closeDialog();
        return true;
      } catch (error) {
        const message = errorMessage(error);
        if (/\b404\b|no such|not found|does not exist/i.test(message)) uiStore.setState({ recent: forgetRecent(storage, path) });
        showToast(`Could not open ${path}: ${message}`, 'error');
        return false;
      }
    },

    async openFromDisk() {
      if (!(await actions.guard('open another file'))) return false;
      try {
        const opened = await files.openFromDisk();
        if (opened) {
          const path = store.getState().doc.path;
          if (path && store.getState().doc.location === 'workspace') uiStore.setState({ recent: rememberRecent(storage, path) });
          closeDialog();
        }
        return opened;
      } catch (error) {
        showToast(`Could not open the file: ${errorMessage(error)}`, 'error');
        return false;
      }
    },

    async saveToDisk() {
      try {
        const outcome = await files.saveToDisk();
        if (!outcome || outcome.status !== 'saved') return false;
        showToast(`Saved ${outcome.path}`);
        return true;
      } catch (error) {
        showToast(`Could not save: ${errorMessage(error)}`, 'error');
        return false;
      }
    },
  };
  return actions;
}
