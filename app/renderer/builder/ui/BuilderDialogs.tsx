import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useBuilder, useBuilderServices } from './builder-context.js';
import type { DocumentActions } from '../model/document-actions.js';
import { RunDialog, RunWithProblemsDialog } from './RunDialog.js';
import { DeployDialog } from './DeployDialog.js';
import type { RunActions } from '../model/run-actions.js';
import { Modal } from '../../shared/Modal.js';
import { OpenDialog } from './WorkspaceFileList.js';
import type { ConflictKind } from '../model/workspace-files.js';
import { closeDialog, uiStore, type ConflictChoice, type Dialog } from '../../app/ui-store.js';

export function BuilderDialogs({ documents, runs }: { documents: DocumentActions; runs: RunActions }) {
  const dialog = useStore(uiStore, (s) => s.dialog);
  if (!dialog) return null;
  return <DialogFor dialog={dialog} documents={documents} runs={runs} />;
}

/** Closes the dialog and gives its answer to whoever opened it. */
function answer<T>(resolve: (value: T) => void, value: T): () => void {
  return () => {
    closeDialog();
    resolve(value);
  };
}

function DialogFor({ dialog, documents, runs }: { dialog: Dialog; documents: DocumentActions; runs: RunActions }) {
  switch (dialog.type) {
    case 'open':
      return <OpenDialog documents={documents} />;
    case 'saveAs':
      return <SaveAsDialog documents={documents} dialog={dialog} />;
    case 'unsaved':
      return (
        <Modal title="Unsaved changes" onCancel={answer(dialog.resolve, 'cancel')}>
          <p>This flow has changes that are not saved. Save them before you {dialog.action}?</p>
          <div className="fd-modal-actions">
            <button type="button" className="fd-button" onClick={answer(dialog.resolve, 'cancel')}>
              Cancel
            </button>
            <button type="button" className="fd-button is-danger" onClick={answer(dialog.resolve, 'discard')}>
              Discard changes
            </button>
            <button type="button" className="fd-button is-primary" autoFocus onClick={answer(dialog.resolve, 'save')}>
              Save
            </button>
          </div>
        </Modal>
      );
    case 'conflict':
      return <ConflictDialog path={dialog.path} kind={dialog.kind} resolve={dialog.resolve} />;
    case 'saveBeforeRun':
      return (
        <Modal title="Save before running?" onCancel={answer(dialog.resolve, false)}>
          <p>
            <code>{dialog.path}</code> has edits that are not saved. The server runs the file as it is on disk, so they are saved first.
          </p>
          <div className="fd-modal-actions">
            <button type="button" className="fd-button" onClick={answer(dialog.resolve, false)}>
              Cancel
            </button>
            <button type="button" className="fd-button is-primary" autoFocus onClick={answer(dialog.resolve, true)}>
              Save and run
            </button>
          </div>
        </Modal>
      );
    case 'run':
      return <RunDialog runs={runs} prepared={dialog.prepared} />;
    case 'deploy':
      return <DeployDialog prepared={dialog.prepared} />;
    case 'runWithProblems':
      return <RunWithProblemsDialog dialog={dialog} />;
    default:
      // The app's own dialogs (AppDialogs) show on every page.
      return null;
  }
}

const CONFLICT_WORDS: Record<ConflictKind, { title: (path: string) => string; what: string; overwrite: string }> = {
  changed: {
    title: (path) => `${path} changed on disk`,
    what: 'changed on disk since you opened it. Overwrite it with what is shown here, or reload it from disk and lose your edits?',
    overwrite: 'Overwrite',
  },
  gone: {
    title: (path) => `${path} is gone`,
    what: 'was moved or deleted after you opened it. Save what is shown here under that name again?',
    overwrite: 'Save it again',
  },
  exists: {
    title: (path) => `${path} already exists`,
    what: 'already exists. Replace it with what is shown here? What it holds now will be lost.',
    overwrite: 'Overwrite',
  },
};

/** A save the server refused because the file on disk is not what the edits started from. */
function ConflictDialog({ path, kind, resolve }: { path: string; kind: ConflictKind; resolve: (choice: ConflictChoice) => void }) {
  const words = CONFLICT_WORDS[kind];
  return (
    <Modal title={words.title(path)} onCancel={answer(resolve, 'cancel')}>
      <p>
        <code>{path}</code> {words.what}
      </p>
      <div className="fd-modal-actions">
        <button type="button" className="fd-button" autoFocus onClick={answer(resolve, 'cancel')}>
          Cancel
        </button>
        {kind === 'changed' ? (
          <button type="button" className="fd-button" onClick={answer(resolve, 'reload')}>
            Reload from disk
          </button>
        ) : null}
        <button type="button" className="fd-button is-danger" onClick={answer(resolve, 'overwrite')}>
          {words.overwrite}
        </button>
      </div>
    </Modal>
  );
}

function suggestedPath(path: string | null, name: string, flowName: string, location: string): string {
  if (path && location === 'workspace') return path;
  if (name && name !== 'untitled.ts') return name;
  return `${flowName || 'my-flow'}.ts`;
}

function SaveAsDialog({ documents, dialog }: { documents: DocumentActions; dialog: Extract<Dialog, { type: 'saveAs' }> }) {
  const { files } = useBuilderServices();
  const doc = useBuilder((s) => s.doc);
  const flowName = useBuilder((s) => s.graph.flowName);
  const [path, setPath] = useState(() => suggestedPath(doc.path, doc.name, flowName, doc.location));
  const [busy, setBusy] = useState(false);
  const cancel = () => {
    closeDialog();
    dialog.resolve?.(false);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await documents.saveAs(path);
    setBusy(false);
    if (ok) {
      // Saving may have shown another dialog (overwrite?); close only ours.
      if (uiStore.getState().dialog === dialog || uiStore.getState().dialog?.type === 'saveAs') closeDialog();
      dialog.resolve?.(true);
    } else if (uiStore.getState().dialog === null) {
      dialog.resolve?.(false);
    }
  };
  const saveToDisk = async () => {
    const ok = await documents.saveToDisk();
    if (ok) {
      closeDialog();
      dialog.resolve?.(true);
    }
  };
  return (
    <Modal title="Save as" onCancel={cancel}>
      {dialog.reason ? <p>{dialog.reason}</p> : null}
      <form onSubmit={(e) => void submit(e)}>
        <div className="fd-field">
          <label htmlFor="fd-save-path">Path in the server's workspace</label>
          <input id="fd-save-path" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} autoFocus />
          <div className="fd-field-help">A .ts file; folders are created as needed. The layout is saved beside it.</div>
        </div>
        <div className="fd-modal-actions">
          {files.desktop ? (
            <button type="button" className="fd-button" onClick={() => void saveToDisk()}>
              Elsewhere on this computer…
            </button>
          ) : null}
          <button type="button" className="fd-button" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" className="fd-button is-primary" disabled={busy || path.trim() === ''}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
