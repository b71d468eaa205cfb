// The builder's file list: the flow files of the server's workspace, the folder they are in (which
// a local server lets the person change), and what to do when there are none yet.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { FlowTemplate, WorkspaceFiles, WorkspaceInfo } from '../../../core/api/workspace.js';
import { errorMessage } from '../../../core/error-message.js';
import { useBuilderServices } from './builder-context.js';
import type { DocumentActions } from '../model/document-actions.js';
import { Modal } from '../../shared/Modal.js';
import { closeDialog, openDialog, showToast, uiStore } from '../../app/ui-store.js';

export function OpenDialog({ documents }: { documents: DocumentActions }) {
  const { files } = useBuilderServices();
  const [listing, setListing] = useState<WorkspaceFiles | null>(null);
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    setListing(null);
    setError(null);
    files.list().then(setListing, (e: Error) => setError(e.message));
    // Servers from before the folder could be changed have no such route: the folder is then fixed.
    files.info().then(setInfo, () => setInfo(null));
  }, [files, generation]);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (listing?.files ?? []).filter((f) => !needle || f.path.toLowerCase().includes(needle));
  }, [listing, filter]);
  const empty = listing !== null && listing.files.length === 0;
  return (
    <Modal title="Open a flow file" onCancel={closeDialog} wide>
      <WorkspaceFolder root={listing?.root ?? info?.root ?? null} info={info} documents={documents} onChanged={() => setGeneration((g) => g + 1)} />
      {error ? <p className="fd-field-error">Could not list the workspace: {error}</p> : null}
      {!listing && !error ? <p className="fd-muted">Loading…</p> : null}
      {empty ? <EmptyWorkspace documents={documents} /> : null}
      {listing && !empty ? (
        <>
          <input type="search" placeholder="Filter by path" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter files" />
          <ul className="fd-file-list" role="listbox" aria-label="Flow files">
            {shown.map((file) => (
              <li key={file.path}>
                <button type="button" className="fd-file" data-path={file.path} onClick={() => void documents.open(file.path)}>
                  <span>{file.path}</span>
                  <span className="fd-muted">{new Date(file.modifiedAt).toLocaleString()}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {listing?.truncated ? <p className="fd-muted">The workspace holds more files than are listed; filter to find one.</p> : null}
      <div className="fd-modal-actions">
        {files.desktop ? (
          <button type="button" className="fd-button" onClick={() => void documents.openFromDisk()}>
            Browse this computer…
          </button>
        ) : null}
        <button type="button" className="fd-button" onClick={closeDialog}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** The folder the files come from; where the server allows it, a way to serve another one. */
function WorkspaceFolder({
  root,
  info,
  documents,
  onChanged,
}: {
  root: string | null;
  info: WorkspaceInfo | null;
  documents: DocumentActions;
  onChanged: () => void;
}) {
  const { files, store } = useBuilderServices();
  const [editing, setEditing] = useState(false);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  /** Switches folders once unsaved edits of a file from this one are dealt with; the list then shows the new folder. */
  const change = async (to: () => Promise<string | null>) => {
    const { doc } = store.getState();
    if (doc.location === 'workspace' && doc.path !== null && !(await documents.guard('open another folder'))) return;
    setBusy(true);
    setProblem(null);
    try {
      const opened = await to();
      if (opened === null) return;
      showToast(`Opened the folder ${opened}`);
      setEditing(false);
      // Asking about unsaved edits may have closed this dialog; show the new folder's files either way.
      if (uiStore.getState().dialog?.type !== 'open') openDialog({ type: 'open' });
      onChanged();
    } catch (error) {
      setProblem(errorMessage(error).replace(/^Error invoking remote method '[^']+': (Error: )?/, ''));
    } finally {
      setBusy(false);
    }
  };
  const byPath = (folder: string) => change(async () => (await files.changeFolder(folder)).root);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void byPath(path);
  };

  if (root === null) return null;
  return (
    <div className="fd-workspace-folder" data-testid="workspace-folder">
      <p className="fd-muted">
        From the server's workspace <code data-testid="workspace-root">{root}</code>
        {info?.changeable ? (
          <>
            {' '}
            {files.canPickFolder ? (
              <button type="button" className="fd-link" disabled={busy} onClick={() => void change(() => files.pickFolder())}>
                Open folder…
              </button>
            ) : (
              <button
                type="button"
                className="fd-link"
                aria-expanded={editing}
                onClick={() => {
                  setPath(root);
                  setEditing(!editing);
                }}
              >
                Change folder…
              </button>
            )}
            {info.root !== info.defaultRoot ? (
              <button type="button" className="fd-link" disabled={busy} onClick={() => void byPath(info.defaultRoot)} title={info.defaultRoot}>
                Back to the default workspace
              </button>
            ) : null}
          </>
        ) : info ? (
          <span title={info.fixedBecause ?? undefined}> (fixed by the server)</span>
        ) : null}
      </p>
      {editing ? (
        <form className="fd-workspace-change" onSubmit={submit}>
          <label htmlFor="fd-workspace-path">Folder on the server's machine</label>
          <input
            id="fd-workspace-path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            autoFocus
            placeholder="/home/you/flows"
          />
          <button type="submit" className="fd-button is-primary" disabled={busy || path.trim() === ''}>
            Open folder
          </button>
        </form>
      ) : null}
      {problem ? (
        <p className="fd-field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** No flow files yet: start one, or from a template. */
function EmptyWorkspace({ documents }: { documents: DocumentActions }) {
  const { files } = useBuilderServices();
  const [templates, setTemplates] = useState<FlowTemplate[] | null>(null);
  useEffect(() => {
    files.templates().then(setTemplates, () => setTemplates([]));
  }, [files]);
  const start = (template?: FlowTemplate) => void documents.newDocument(template).catch((error: Error) => showToast(error.message, 'error'));
  return (
    <div className="fd-empty-workspace" data-testid="empty-workspace">
      <h3>No flows here yet</h3>
      <p className="fd-muted">
        This folder has no flow files. Start a new flow and save it here, or begin from a template: a small working example to change.
      </p>
      <button type="button" className="fd-button is-primary" onClick={() => start()}>
        New flow
      </button>
      {templates && templates.length > 0 ? (
        <>
          <p className="fd-muted">Templates (also under Templates in the top bar):</p>
          <ul className="fd-template-list" aria-label="Templates">
            {templates.map((template) => (
              <li key={template.name}>
                <button type="button" className="fd-file" title={template.description} onClick={() => start(template)}>
                  <strong>{template.name}</strong>
                  <span className="fd-muted">{template.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
