import { useEffect, useRef, useState } from 'react';
import { isDirty, type BuilderStore } from '../model/store.js';
import { breakpointLines } from '../model/debug-marks.js';
import { monaco } from './monaco/monaco.js';
import { useBuilder, useBuilderServices } from './builder-context.js';

/** How long typing pauses before the graph follows the code. */
const PARSE_DELAY_MS = 300;

function modelUri(path: string | null, name: string): monaco.Uri {
  // Under file:///workspace so the SDK declarations under file:///node_modules resolve.
  return monaco.Uri.parse(`file:///workspace/${encodeURI(path ?? name)}`);
}

/**
 * The smallest edit that turns `from` into `to`: the changed middle between a common start and
 * end. Applying only that keeps the cursor, selection and scroll where the person left them.
 */
function changedRange(from: string, to: string): { start: number; endFrom: number; text: string } {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let endFrom = from.length;
  let endTo = to.length;
  while (endFrom > start && endTo > start && from.charCodeAt(endFrom - 1) === to.charCodeAt(endTo - 1)) {
    endFrom--;
    endTo--;
  }
  return { start, endFrom, text: to.slice(start, endTo) };
}

interface CodeEditorProps {
  onSave: () => void;
}

/** The flow's code in Monaco, kept in step with the graph both ways. */
export function CodeEditor({ onSave }: CodeEditorProps) {
  const { store } = useBuilderServices();
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // The same editor, as state: views drawn over it wait for it to exist.
  const [shownEditor, setShownEditor] = useState<monaco.editor.IStandaloneCodeEditor | null>(null);
  const onSaveRef = useRef(onSave);
  onSaveRef.current = onSave;
  const docKey = useBuilder((s) => s.doc.path ?? s.doc.name);
  const dirty = useBuilder(isDirty);

  useEffect(() => {
    const state = store.getState();
    const model =
      monaco.editor.getModel(modelUri(state.doc.path, state.doc.name)) ??
      monaco.editor.createModel(state.source, 'typescript', modelUri(state.doc.path, state.doc.name));
    if (model.getValue() !== state.source) model.setValue(state.source);
    const editor = monaco.editor.create(host.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
      renderWhitespace: 'selection',
      fixedOverflowWidgets: true,
      ariaLabel: 'Flow code',
      glyphMargin: true,
    });
    editorRef.current = editor;
    setShownEditor(editor);
    performance.mark('flowdeck:editor-ready');

    let timer: ReturnType<typeof setTimeout> | null = null;
    // Edits we make to follow the store must not be read back as typing.
    let applying = false;
    const flush = () => {
      if (timer === null) return;
      clearTimeout(timer);
      timer = null;
      store.getState().setSource(editor.getModel()!.getValue());
    };

    const follow = () => {
      const current = editor.getModel();
      const { source, doc } = store.getState();
      const wanted = modelUri(doc.path, doc.name);
      if (!current || current.uri.toString() !== wanted.toString()) {
        // Another document: its own model, so undo in the editor never crosses files.
        const next = monaco.editor.getModel(wanted) ?? monaco.editor.createModel(source, 'typescript', wanted);
        applying = true;
        if (next.getValue() !== source) next.setValue(source);
        applying = false;
        editor.setModel(next);
        if (current && current !== next) current.dispose();
        return;
      }
      const text = current.getValue();
      if (text === source) return;
      const change = changedRange(text, source);
      const from = current.getPositionAt(change.start);
      const to = current.getPositionAt(change.endFrom);
      applying = true;
      current.pushEditOperations(
        editor.getSelections() ?? [],
        [{ range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: change.text }],
        () => null,
      );
      applying = false;
    };

    const typing = editor.onDidChangeModelContent(() => {
      if (applying) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        store.getState().setSource(editor.getModel()!.getValue());
      }, PARSE_DELAY_MS);
    });

    // One history for code and graph: undo in the editor undoes the last change of either.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => {
      flush();
      store.getState().undo();
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () => {
      flush();
      store.getState().redo();
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => {
      flush();
      store.getState().redo();
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
      flush();
      onSaveRef.current();
    });

    // A click in the margin beside a task call, or F9 on its line, sets or clears its breakpoint.
    const toggleAt = (line: number) => {
      flush();
      toggleBreakpointAtLine(store, editor, line);
    };
    const margin = editor.onMouseDown((event) => {
      if (event.target.type !== monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN || !event.target.position) return;
      toggleAt(event.target.position.lineNumber);
    });
    editor.addCommand(monaco.KeyCode.F9, () => {
      const line = editor.getPosition()?.lineNumber;
      if (line !== undefined) toggleAt(line);
    });

    let lastRevision = store.getState().sourceRevision;
    let lastReveal = store.getState().revealRequest?.nonce ?? 0;
    const unsubscribe = store.subscribe((state) => {
      if (state.sourceRevision !== lastRevision) {
        lastRevision = state.sourceRevision;
        if (timer !== null) {
          // The store moved on (a graph edit) while typing was pending: the typing is older.
          clearTimeout(timer);
          timer = null;
        }
        follow();
      }
      if (state.revealRequest && state.revealRequest.nonce !== lastReveal) {
        lastReveal = state.revealRequest.nonce;
        const model = editor.getModel();
        if (model) {
          const start = model.getPositionAt(state.revealRequest.span.start);
          const end = model.getPositionAt(state.revealRequest.span.end);
          const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
          editor.setSelection(range);
          editor.revealRangeInCenterIfOutsideViewport(range);
          editor.focus();
        }
      }
    });

    return () => {
      flush();
      unsubscribe();
      typing.dispose();
      margin.dispose();
      editor.dispose();
      editorRef.current = null;
      setShownEditor(null);
    };
  }, [store]);

  return (
    <section className="fd-code" aria-label="Code">
      <header className="fd-code-head">
        <span>
          {docKey}
          {dirty ? ' ●' : ''}
        </span>
        <span className="fd-muted">TypeScript · the code is the source of truth</span>
      </header>
      <div ref={host} className="fd-code-editor" data-testid="code-editor" />
      <ProblemMarkers />
      <SelectionHighlight editor={editorRef} />
      {shownEditor ? <BreakpointGlyphs editor={shownEditor} /> : null}
    </section>
  );
}

/** The model's problems as Monaco markers, beside TypeScript's own. */
function ProblemMarkers() {
  const problems = useBuilder((s) => s.problems);
  const source = useBuilder((s) => s.source);
  const docKey = useBuilder((s) => modelUri(s.doc.path, s.doc.name).toString());
  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(docKey));
    if (!model || model.getValue() !== source) return;
    const markers = problems
      .filter((p) => p.span)
      .map((p) => {
        const start = model.getPositionAt(p.span!.start);
        const end = model.getPositionAt(Math.max(p.span!.start + 1, Math.min(p.span!.end, p.span!.start + 200)));
        return {
          severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: p.message,
          source: 'flowdeck',
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        };
      });
    monaco.editor.setModelMarkers(model, 'flowdeck', markers);
  }, [problems, source, docKey]);
  return null;
}

/** Shades the selected node's declaration in the code. */
function SelectionHighlight({ editor }: { editor: React.RefObject<monaco.editor.IStandaloneCodeEditor | null> }) {
  const selection = useBuilder((s) => s.selection);
  const graph = useBuilder((s) => s.graph);
  const source = useBuilder((s) => s.source);
  useEffect(() => {
    const instance = editor.current;
    const model = instance?.getModel();
    if (!instance || !model || model.getValue() !== source) return;
    const spans = graph.nodes.filter((n) => selection.includes(n.id)).flatMap((n) => [n.span, ...(n.callSpan ? [n.callSpan] : [])]);
    const decorations = instance.createDecorationsCollection(
      spans.map((span) => {
        const start = model.getPositionAt(span.start);
        const end = model.getPositionAt(span.end);
        return { range: new monaco.Range(start.lineNumber, 1, end.lineNumber, 1), options: { isWholeLine: true, className: 'fd-code-selected' } };
      }),
    );
    return () => decorations.clear();
  }, [editor, selection, graph, source]);
  return null;
}

/** Sets or clears the breakpoint of the task called on a line of the code, when the code shown is the code the graph was read from. */
function toggleBreakpointAtLine(store: BuilderStore, editor: monaco.editor.IStandaloneCodeEditor, line: number) {
  const { graph, source } = store.getState();
  if (editor.getModel()?.getValue() !== source) return;
  const id = breakpointLines(graph, source).get(line);
  if (id !== undefined) store.getState().toggleBreakpoint(id);
}

/** The breakpoints of the task calls in the margin, the same set the canvas shows; a faint dot where one can be set. */
function BreakpointGlyphs({ editor }: { editor: monaco.editor.IStandaloneCodeEditor }) {
  const graph = useBuilder((s) => s.graph);
  const source = useBuilder((s) => s.source);
  const marks = useBuilder((s) => s.marks);
  const decorations = useRef<string[]>([]);
  useEffect(() => {
    const model = editor.getModel();
    if (!model || model.getValue() !== source) return;
    const set = new Set(marks.breakpoints);
    const glyphs = [...breakpointLines(graph, source)].map(([line, id]) => ({
      range: new monaco.Range(line, 1, line, 1),
      options: set.has(id)
        ? { glyphMarginClassName: 'fd-glyph-breakpoint', glyphMarginHoverMessage: { value: `Breakpoint: a debug run stops before \`${id}\`` } }
        : { glyphMarginClassName: 'fd-glyph-breakpoint-hint', glyphMarginHoverMessage: { value: `Set a breakpoint on \`${id}\`` } },
    }));
    decorations.current = editor.deltaDecorations(decorations.current, glyphs);
  }, [editor, graph, source, marks]);
  useEffect(
    () => () => {
      if (editor.getModel()) editor.deltaDecorations(decorations.current, []);
      decorations.current = [];
    },
    [editor],
  );
  return null;
}
