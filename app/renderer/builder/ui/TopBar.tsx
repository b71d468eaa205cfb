import { useRef, useState } from 'react';
import { useDismiss } from '../../shared/use-dismiss.js';
import { useStore } from 'zustand';
import type { FlowTemplate } from '../../../core/api/workspace.js';
import { isDirty } from '../model/store.js';
import { Brand, PageTabs, ServerStatus, Toast } from '../../app/AppChrome.js';
import { useBuilder, useBuilderServices } from './builder-context.js';
import type { DocumentActions } from '../model/document-actions.js';
import { useRunView } from './run-context.js';
import { openDialog, showToast, uiStore } from '../../app/ui-store.js';

interface Props {
  documents: DocumentActions;
  onRun: () => void;
  /** Runs stopping at the breakpoints, taking the pinned outputs. */
  onDebug: () => void;
  /** Deploys the saved file's flow: a name, a schedule, a work pool. */
  onDeploy: () => void;
  breakOnFailure: boolean;
  onBreakOnFailure: (value: boolean) => void;
}

/** A button that opens a small list below it; closes on a pick, Escape or a click elsewhere. */
function Menu({ label, testId, children }: { label: string; testId: string; children: (close: () => void) => React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  return (
    <div className="fd-menu" ref={ref}>
      <button type="button" className="fd-button" aria-haspopup="menu" aria-expanded={open} data-testid={testId} onClick={() => setOpen(!open)}>
        {label} ▾
      </button>
      {open ? (
        <div className="fd-menu-list" role="menu">
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}

export function TopBar({ documents, onRun, onDebug, onDeploy, breakOnFailure, onBreakOnFailure }: Props) {
  const { files } = useBuilderServices();
  const name = useBuilder((s) => s.doc.path ?? s.doc.name);
  const dirty = useBuilder(isDirty);
  const recent = useStore(uiStore, (s) => s.recent);
  const runPhase = useRunView((r) => r.phase);
  const debugging = useRunView((r) => r.debug);
  const [templates, setTemplates] = useState<FlowTemplate[] | null>(null);
  const [templateError, setTemplateError] = useState<string | null>(null);

  const requested = useRef(false);
  const loadTemplates = () => {
    if (requested.current) return;
    requested.current = true;
    files.templates().then(setTemplates, (error: Error) => {
      requested.current = false;
      setTemplateError(error.message);
    });
  };

  return (
    <header className="fd-topbar">
      <Brand />
      <PageTabs current="builder" />
      <div className="fd-docname" data-testid="doc-name" title={dirty ? 'Unsaved changes' : 'Saved'}>
        {name}
        {dirty ? (
          <span className="fd-dirty" aria-label="unsaved changes">
            {' '}
            ●
          </span>
        ) : null}
      </div>
      <nav className="fd-actions" aria-label="File">
        <button type="button" className="fd-button" onClick={() => void documents.newDocument()}>
          New
        </button>
        <button type="button" className="fd-button" onClick={() => openDialog({ type: 'open' })}>
          Open…
        </button>
        <button type="button" className="fd-button" onClick={() => void documents.save()} title="Ctrl+S">
          Save
        </button>
        <button type="button" className="fd-button" onClick={() => openDialog({ type: 'saveAs' })}>
          Save as…
        </button>
        <Menu label="Recent" testId="recent-menu">
          {(close) =>
            recent.length === 0 ? (
              <div className="fd-menu-empty">No recent files yet</div>
            ) : (
              recent.map((path) => (
                <button
                  key={path}
                  type="button"
                  role="menuitem"
                  className="fd-menu-item"
                  onClick={() => {
                    close();
                    void documents.open(path);
                  }}
                >
                  {path}
                </button>
              ))
            )
          }
        </Menu>
        <div onMouseEnter={loadTemplates} onFocus={loadTemplates} onPointerDown={loadTemplates}>
          <Menu label="Templates" testId="templates-menu">
            {(close) => {
              if (templateError) return <div className="fd-menu-empty">Could not load templates: {templateError}</div>;
              if (!templates) return <div className="fd-menu-empty">Loading…</div>;
              if (templates.length === 0) return <div className="fd-menu-empty">The server has no templates</div>;
              return templates.map((template) => (
                <button
                  key={template.name}
                  type="button"
                  role="menuitem"
                  className="fd-menu-item"
                  title={template.description}
                  onClick={() => {
                    close();
                    void documents.newDocument(template).catch((error: Error) => showToast(error.message, 'error'));
                  }}
                >
                  <strong>{template.name}</strong>
                  <span className="fd-muted"> {template.description}</span>
                </button>
              ));
            }}
          </Menu>
        </div>
      </nav>
      <button
        type="button"
        className="fd-button is-primary fd-run-button"
        onClick={onRun}
        disabled={runPhase === 'starting'}
        data-testid="run-button"
        title="Ctrl+Enter"
      >
        {runPhase === 'running' && !debugging ? 'Running…' : 'Run ▶'}
      </button>
      <div className="fd-debug-controls">
        <button
          type="button"
          className="fd-button fd-debug-button"
          onClick={onDebug}
          disabled={runPhase === 'starting'}
          data-testid="debug-button"
          title="Run, stopping at the breakpoints and taking the pinned outputs (F5)"
        >
          {runPhase === 'running' && debugging ? 'Debugging…' : 'Debug'}
        </button>
        <label className="fd-break-on-failure" title="A debug run also stops where a step fails its last attempt">
          <input type="checkbox" checked={breakOnFailure} onChange={(e) => onBreakOnFailure(e.target.checked)} data-testid="break-on-failure" /> Break
          on failure
        </label>
      </div>
      <button
        type="button"
        className="fd-button"
        onClick={onDeploy}
        data-testid="deploy-button"
        title="Deploy this flow: run it on a schedule or when asked, on a work pool's workers (Ctrl+Shift+Enter)"
      >
        Deploy…
      </button>
      <ServerStatus />
      <Toast />
    </header>
  );
}
