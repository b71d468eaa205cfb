import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useStore } from 'zustand';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError, ApiUnreachableError } from '../../core/api/errors.js';
import { isDirty } from '../builder/store.js';
import { serverLabel } from '../services/server.js';
import { readClipboardText } from '../builder/clipboard.js';
import { ProblemsBar, RunPanel, SearchBox } from './BottomPanels.js';
import { Canvas } from './Canvas.js';
import { useBuilder, useServices } from './context.js';
import { Dialogs } from './Dialogs.js';
import { typingIn } from './dom.js';
import type { DocumentActions } from './document-actions.js';
import { Inspector } from './Inspector.js';
import { Palette } from './Palette.js';
import type { RunActions } from './run-actions.js';
import { TopBar } from './TopBar.js';
import { useRoute } from './use-route.js';
import { openDialog, showToast, uiStore } from './ui-store.js';

// Monaco is most of the bundle: the canvas is usable while it loads.
const CodeEditor = lazy(() => import('./CodeEditor.js').then((module) => ({ default: module.CodeEditor })));
// The monitoring pages load when first opened, so the builder is ready as soon as it was.
const MonitorShell = lazy(() => import('./monitor/MonitorShell.js').then((module) => ({ default: module.MonitorShell })));

interface Props {
  documents: DocumentActions;
  runs: RunActions;
}

export function App({ documents, runs }: Props) {
  const route = useRoute();
  const recheck = useServerHealth();
  useUnsavedGuard();
  if (route.page !== 'builder') {
    return (
      <>
        <ServerDownBanner onRetry={recheck} />
        <Suspense fallback={<p className="fd-page-status">Loading…</p>}>
          <MonitorShell route={route} />
        </Suspense>
        <Dialogs documents={documents} runs={runs} />
      </>
    );
  }
  return (
    <ReactFlowProvider>
      <ServerDownBanner onRetry={recheck} />
      <Shell documents={documents} runs={runs} />
    </ReactFlowProvider>
  );
}

/** How often a server that does not answer is asked again, and one that does is checked on. */
const RECHECK_MS = 5000;
const WATCH_MS = 15_000;

/** Which server answers, and whether it wants a key: asked on load, and again while it does not answer. */
function useServerHealth() {
  const { client } = useServices();
  const status = useStore(uiStore, (s) => s.server.status);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    client.health().then(
      (health) => live && uiStore.setState({ server: { status: 'ok', version: health.version } }),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) {
          uiStore.setState({ server: { status: 'unauthorized', detail: error.message } });
          openDialog({ type: 'apiKey', message: error.message });
        } else {
          const detail = error instanceof ApiUnreachableError || error instanceof Error ? error.message : String(error);
          uiStore.setState({ server: { status: 'unreachable', detail } });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [client, attempt]);
  useEffect(() => {
    // A server that stops answering is noticed within a while, and one that comes back within a few seconds.
    if (status === 'checking' || status === 'unauthorized') return;
    const timer = setTimeout(() => setAttempt((n) => n + 1), status === 'unreachable' ? RECHECK_MS : WATCH_MS);
    return () => clearTimeout(timer);
  }, [status, attempt]);
  return () => setAttempt((n) => n + 1);
}

/** Says plainly when the server does not answer, keeps what is on the page, and offers to try again. */
function ServerDownBanner({ onRetry }: { onRetry: () => void }) {
  const { server } = useServices();
  const health = useStore(uiStore, (s) => s.server);
  if (health.status !== 'unreachable') return null;
  return (
    <div className="fd-notice is-error fd-server-down" role="alert" data-testid="server-down">
      <span>
        The server at <code>{serverLabel(server.baseUrl)}</code> does not answer{health.detail ? ` (${health.detail})` : ''}. Nothing on this page is lost; it is asked
        again every few seconds. {server.profile ? 'To work with another server, switch profile with `flowdeck profile use`.' : 'Start it with `npm start` or `flowdeck server start`.'}
      </span>
      <button type="button" className="fd-button" onClick={onRetry}>
        Try again now
      </button>
    </div>
  );
}

/** Leaving the page with unsaved changes asks first, whichever page is showing. */
function useUnsavedGuard() {
  const { store } = useServices();
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!isDirty(store.getState())) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [store]);
}

function Shell({ documents, runs }: Props) {
  const { store } = useServices();
  const notice = useBuilder((s) => s.notice);
  const [codeWidth, setCodeWidth] = useState(() => Math.round(Math.min(600, Math.max(340, window.innerWidth * 0.3))));

  const run = useCallback(async () => {
    const prepared = await runs.prepare();
    if (prepared) openDialog({ type: 'run', prepared });
  }, [runs]);

  useKeyboard(documents, run);
  useClipboard();

  return (
    <div className="fd-app">
      <TopBar documents={documents} onRun={() => void run()} />
      {notice ? (
        <div className={`fd-notice is-${notice.kind}`} role="alert" data-testid="notice">
          <span>{notice.message}</span>
          <button type="button" className="fd-link" onClick={() => store.getState().setNotice(null)}>
            dismiss
          </button>
        </div>
      ) : null}
      <main className="fd-main" style={{ gridTemplateColumns: `232px minmax(320px, 1fr) 280px 6px ${codeWidth}px` }}>
        <Palette />
        <div className="fd-center">
          <div className="fd-canvas-wrap">
            <Canvas />
            <SearchBox />
          </div>
          <ProblemsBar />
          <RunPanel runs={runs} />
        </div>
        <Inspector />
        <Splitter width={codeWidth} onWidth={setCodeWidth} />
        <Suspense fallback={<section className="fd-code fd-code-loading">Loading the code editor…</section>}>
          <CodeEditor onSave={() => void documents.save()} />
        </Suspense>
      </main>
      <Dialogs documents={documents} runs={runs} />
    </div>
  );
}

/** Drag to give the code more or less room. */
function Splitter({ width, onWidth }: { width: number; onWidth: (width: number) => void }) {
  return (
    <div
      className="fd-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the code editor"
      onPointerDown={(event) => {
        const startX = event.clientX;
        const target = event.currentTarget;
        target.setPointerCapture(event.pointerId);
        const move = (e: PointerEvent) => onWidth(Math.min(window.innerWidth * 0.7, Math.max(260, width - (e.clientX - startX))));
        const up = () => {
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
    />
  );
}

function useKeyboard(documents: DocumentActions, onRun: () => void) {
  const { store } = useServices();
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        // Saving works from anywhere, the code editor included.
        event.preventDefault();
        if (event.shiftKey) openDialog({ type: 'saveAs' });
        else void documents.save();
        return;
      }
      if (mod && key === 'enter' && !uiStore.getState().dialog) {
        // Running too: Ctrl+Enter, as in a notebook.
        event.preventDefault();
        onRun();
        return;
      }
      if (uiStore.getState().dialog || typingIn(event.target)) return;
      const state = store.getState();
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        state.redo();
      } else if (mod && key === 'a') {
        event.preventDefault();
        state.selectAll();
      } else if (mod && key === 'f') {
        event.preventDefault();
        state.openSearch();
      } else if (!mod && !event.altKey && key === 'f') {
        event.preventDefault();
        void flow.fitView({ padding: 0.2, duration: 200 });
      } else if (!mod && !event.altKey && key === 'l') {
        event.preventDefault();
        state.autoLayout();
        setTimeout(() => void flow.fitView({ padding: 0.2, duration: 200 }), 30);
      } else if (key === 'escape') {
        if (state.search.open) state.closeSearch();
        else state.select([]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [documents, flow, store, onRun]);
}

/**
 * Copy, cut and paste of nodes through the system clipboard (as JSON), so nodes can travel
 * between tabs and windows. Fields and the code editor keep their own clipboard behaviour.
 */
function useClipboard() {
  const { store } = useServices();
  useEffect(() => {
    const onCopy = (event: ClipboardEvent, cut: boolean) => {
      if (typingIn(event.target) || uiStore.getState().dialog) return;
      const text = cut ? store.getState().cut() : store.getState().copy();
      if (!text) return;
      event.preventDefault();
      event.clipboardData?.setData('text/plain', text);
      const count = store.getState().clipboard?.nodes.length ?? 0;
      showToast(`${cut ? 'Cut' : 'Copied'} ${count} node${count === 1 ? '' : 's'}`);
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    const paste = (event: ClipboardEvent) => {
      if (typingIn(event.target) || uiStore.getState().dialog) return;
      const text = event.clipboardData?.getData('text/plain') ?? '';
      const content = text ? readClipboardText(text) : null;
      if (text && !content && !store.getState().clipboard) {
        showToast('The clipboard holds no Flowdeck nodes', 'error');
        return;
      }
      event.preventDefault();
      store.getState().paste(content);
    };
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', paste);
    return () => {
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', paste);
    };
  }, [store]);
}
