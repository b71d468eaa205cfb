import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { openEventStream } from '../../../core/api/event-stream.js';
import { readClipboardText } from '../model/clipboard.js';
import { checkBeforeRun } from '../model/run-check.js';
import { gridColumns, readPanelLayout, togglePanel, writePanelLayout, type PanelLayout } from '../model/panel-layout.js';
import { createBuilderStore, isDirty } from '../model/store.js';
import { createRunViewStore } from '../model/run-store.js';
import { WorkspaceFilesService } from '../model/workspace-files.js';
import { readRecent } from '../model/recent-files.js';
import { ProblemsBar, RunPanel, SearchBox } from './BottomPanels.js';
import { BuilderContext, useBuilder, useBuilderServices, type BuilderServices } from './builder-context.js';
import { Canvas } from './Canvas.js';
import type { AppServices } from '../../app/services-context.js';
import { useServices } from '../../app/services-context.js';
import { BuilderDialogs } from './BuilderDialogs.js';
import { typingIn } from '../../shared/dom.js';
import { handleShortcut, type ShortcutId } from '../../shared/shortcuts.js';
import { createDocumentActions, type DocumentActions } from '../model/document-actions.js';
import { Inspector } from './Inspector.js';
import { NodeRunContext, type NodeRunActions } from './node-run-context.js';
import { Palette } from './Palette.js';
import { PanelSplitter, SidePanel } from './SidePanels.js';
import { isLeaving, setLeaveGuard } from '../../app/leave-guard.js';
import { markReady } from '../../app/ready.js';
import { createRunActions, type RunActions, type RunMode } from '../model/run-actions.js';
import { readBreakOnFailure, writeBreakOnFailure } from '../model/debug-settings.js';
import { RunContext } from './run-context.js';
import type { RunViewStore } from '../model/run-store.js';
import { TopBar } from './TopBar.js';
import { askRunWithProblems, openDialog, showToast, uiStore } from '../../app/ui-store.js';
import { webStorage } from '../../shared/web-storage.js';

// Monaco is most of the bundle: the canvas is usable while it loads.
const CodeEditor = lazy(() => import('./CodeEditor.js').then((module) => ({ default: module.CodeEditor })));

interface Props {
  documents: DocumentActions;
  runs: RunActions;
}

interface BuilderSession extends BuilderServices, Props {
  runStore: RunViewStore;
}

let session: BuilderSession | null = null;

/**
 * The builder's document and runs, made when the builder is first opened and kept while the app
 * is open, so a visit to the monitoring pages loses nothing.
 */
function builderSession({ client, server, desktop }: AppServices): BuilderSession {
  if (session) return session;
  const storage = webStorage('local');
  const store = createBuilderStore();
  const runStore = createRunViewStore();
  const files = new WorkspaceFilesService(client, store, desktop);
  const documents = createDocumentActions(store, files, storage);
  const runs = createRunActions({
    client,
    store,
    runs: runStore,
    documents,
    openStream: (options) => openEventStream({ ...options, baseUrl: server.baseUrl, ...(server.apiKey ? { apiKey: server.apiKey } : {}) }),
  });
  uiStore.setState({ recent: readRecent(storage) });
  // Leaving the app with unsaved changes asks first, whichever page is showing.
  setLeaveGuard((action) => documents.guard(action));
  window.addEventListener('beforeunload', (event) => {
    if (isLeaving() || !isDirty(store.getState())) return;
    event.preventDefault();
    event.returnValue = '';
  });
  // `?file=flows/etl.ts` opens a workspace file, so a link can point at a flow.
  const file = new URLSearchParams(location.search).get('file');
  if (file) void documents.open(file);
  session = { store, files, runStore, documents, runs };
  return session;
}

/** The visual builder: canvas, inspector and code, over one document. */
export function BuilderPage() {
  const services = useServices();
  const [{ store, files, runStore, documents, runs }] = useState(() => builderSession(services));
  useEffect(() => {
    markReady();
  }, []);
  return (
    <BuilderContext.Provider value={{ store, files }}>
      <RunContext.Provider value={runStore}>
        <ReactFlowProvider>
          <Shell documents={documents} runs={runs} />
        </ReactFlowProvider>
      </RunContext.Provider>
    </BuilderContext.Provider>
  );
}

function Shell({ documents, runs }: Props) {
  const { store } = useBuilderServices();
  const notice = useBuilder((s) => s.notice);
  const [codeWidth, setCodeWidth] = useState(() => Math.round(Math.min(600, Math.max(340, window.innerWidth * 0.3))));
  // The side panels keep the width and collapsed state a person gave them, across reloads.
  const [panels, setPanels] = useState<PanelLayout>(() => readPanelLayout(webStorage('local')));
  useEffect(() => {
    writePanelLayout(webStorage('local'), panels);
  }, [panels]);

  // Debug's "Break on failure" is remembered across reloads too.
  const [breakOnFailure, setBreakOnFailure] = useState(() => readBreakOnFailure(webStorage('local')));
  useEffect(() => {
    writeBreakOnFailure(webStorage('local'), breakOnFailure);
  }, [breakOnFailure]);

  const start = useCallback(
    async (mode: RunMode) => {
      // A graph with errors asks before it runs.
      const check = checkBeforeRun(store.getState().problems);
      if (check && !(await askRunWithProblems(check))) return;
      const prepared = await runs.prepare(mode);
      if (prepared) openDialog({ type: 'run', prepared });
    },
    [runs, store],
  );
  const run = useCallback(() => start({ debug: false }), [start]);
  const deploy = useCallback(async () => {
    // The server deploys the file as it is saved, as it runs it: edits are saved first.
    const prepared = await runs.prepare();
    if (prepared) openDialog({ type: 'deploy', prepared });
  }, [runs]);
  const debug = useCallback(() => start({ debug: true, breakOnFailure }), [start, breakOnFailure]);
  const nodeRuns = useMemo<NodeRunActions>(
    () => ({
      runToHere: (taskName) => void start({ debug: true, breakOnFailure, stopAfter: [taskName] }),
      runFromHere: (taskRunId) => runs.runFrom(taskRunId),
    }),
    [start, breakOnFailure, runs],
  );

  useKeyboard(documents, run, debug, deploy, setPanels);
  useClipboard();

  return (
    <div className="fd-app">
      <TopBar
        documents={documents}
        onRun={() => void run()}
        onDebug={() => void debug()}
        onDeploy={() => void deploy()}
        breakOnFailure={breakOnFailure}
        onBreakOnFailure={setBreakOnFailure}
      />
      {notice ? (
        <div className={`fd-notice is-${notice.kind}`} role="alert" data-testid="notice">
          <span>{notice.message}</span>
          <button type="button" className="fd-link" onClick={() => store.getState().setNotice(null)}>
            dismiss
          </button>
        </div>
      ) : null}
      <main className="fd-main" style={{ gridTemplateColumns: gridColumns(panels, codeWidth) }}>
        <SidePanel panel="palette" layout={panels} onChange={setPanels}>
          <Palette />
        </SidePanel>
        <PanelSplitter panel="palette" layout={panels} onChange={setPanels} />
        <div className="fd-center">
          <div className="fd-canvas-wrap">
            <Canvas />
            <SearchBox />
          </div>
          <ProblemsBar />
          <RunPanel runs={runs} />
        </div>
        <PanelSplitter panel="inspector" layout={panels} onChange={setPanels} />
        <SidePanel panel="inspector" layout={panels} onChange={setPanels}>
          <NodeRunContext.Provider value={nodeRuns}>
            <Inspector />
          </NodeRunContext.Provider>
        </SidePanel>
        <Splitter width={codeWidth} onWidth={setCodeWidth} />
        <Suspense fallback={<section className="fd-code fd-code-loading">Loading the code editor…</section>}>
          <CodeEditor onSave={() => void documents.save()} />
        </Suspense>
      </main>
      <BuilderDialogs documents={documents} runs={runs} />
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

function useKeyboard(
  documents: DocumentActions,
  onRun: () => Promise<void>,
  onDebug: () => Promise<void>,
  onDeploy: () => Promise<void>,
  setPanels: (change: (layout: PanelLayout) => PanelLayout) => void,
) {
  const { store } = useBuilderServices();
  const flow = useReactFlow();
  useEffect(() => {
    const fitView = () => void flow.fitView({ padding: 0.2, duration: 200 });
    const handlers: Record<ShortcutId<'builder'>, (event: KeyboardEvent) => void> = {
      'builder.save': (event) => {
        event.preventDefault();
        void documents.save();
      },
      'builder.saveAs': (event) => {
        event.preventDefault();
        openDialog({ type: 'saveAs' });
      },
      'builder.run': (event) => {
        if (uiStore.getState().dialog) return;
        event.preventDefault();
        void onRun();
      },
      'builder.deploy': (event) => {
        event.preventDefault();
        void onDeploy();
      },
      'builder.debug': (event) => {
        // F5 would reload the page, losing unsaved edits.
        event.preventDefault();
        if (uiStore.getState().dialog) return;
        void onDebug();
      },
      'builder.toggleBreakpoint': (event) => {
        const { selection } = store.getState();
        if (selection.length !== 1) return;
        event.preventDefault();
        store.getState().toggleBreakpoint(selection[0]);
      },
      'builder.undo': (event) => {
        event.preventDefault();
        store.getState().undo();
      },
      'builder.redo': (event) => {
        event.preventDefault();
        store.getState().redo();
      },
      'builder.selectAll': (event) => {
        event.preventDefault();
        store.getState().selectAll();
      },
      'builder.togglePalette': (event) => {
        event.preventDefault();
        setPanels((layout) => togglePanel(layout, 'palette'));
      },
      'builder.toggleInspector': (event) => {
        event.preventDefault();
        setPanels((layout) => togglePanel(layout, 'inspector'));
      },
      'builder.find': (event) => {
        event.preventDefault();
        store.getState().openSearch();
      },
      'builder.fitView': (event) => {
        event.preventDefault();
        fitView();
      },
      'builder.autoLayout': (event) => {
        event.preventDefault();
        store.getState().autoLayout();
        setTimeout(fitView, 30);
      },
      'builder.escape': () => {
        const state = store.getState();
        if (state.search.open) state.closeSearch();
        else state.select([]);
      },
    };
    // Saving and running work from anywhere, the code editor included; the rest leave fields and dialogs their keys.
    const onKey = (event: KeyboardEvent) =>
      handleShortcut(event, 'builder', handlers, (shortcut) => shortcut.anywhere === true || !(uiStore.getState().dialog || typingIn(event.target)));
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [documents, flow, store, onRun, onDebug, onDeploy, setPanels]);
}

/**
 * Copy, cut and paste of nodes through the system clipboard (as JSON), so nodes can travel
 * between tabs and windows. Fields and the code editor keep their own clipboard behaviour.
 */
type ClipboardEventName = 'copy' | 'cut' | 'paste';

function useClipboard() {
  const { store } = useBuilderServices();
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
    const handlers: Record<ShortcutId<'clipboard'>, [ClipboardEventName, (event: ClipboardEvent) => void]> = {
      'clipboard.copy': ['copy', (event) => onCopy(event, false)],
      'clipboard.cut': ['cut', (event) => onCopy(event, true)],
      'clipboard.paste': ['paste', paste],
    };
    for (const [name, handler] of Object.values(handlers)) document.addEventListener(name, handler);
    return () => {
      for (const [name, handler] of Object.values(handlers)) document.removeEventListener(name, handler);
    };
  }, [store]);
}
