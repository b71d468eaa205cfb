import { createStore, type StoreApi } from 'zustand/vanilla';
import { copyNodes, planPaste, type ClipboardContent } from './clipboard.js';
import {
  applyGraphEdit,
  emptyFlowSource,
  nodeIdFor,
  parseSource,
  positionsFromSidecar,
  reconcile,
  reconcileMarks,
  sidecarText,
  type FlowGraph,
  type GraphEdit,
  type Problem,
} from './document-model.js';
import { EMPTY_HISTORY, record, redo, samePositions, undo, type History, type Positions, type Snapshot, type XY } from './history.js';
import { canvasLayoutInput } from './code-regions.js';
import { autoLayout, freeSpotBelow, nextFreePosition } from './layout.js';
import { searchNodes } from './search.js';
import type { NodeScope } from '../../../core/flow-document/graph.js';
import { isTaskNode, NO_MARKS, pinOutput, renameMarks, sameMarks, toggleBreakpoint, unpinOutput, type DebugMarks } from './debug-marks.js';

/** The file being edited, as it was last read or saved. */
interface DocumentInfo {
  /** Its path in the workspace; null until it is saved the first time. */
  path: string | null;
  /** What the top bar calls it. */
  name: string;
  savedSource: string;
  savedPositions: Positions;
  savedMarks: DebugMarks;
  /** The file's modification time when read or saved: a save refuses to overwrite a newer file. */
  modifiedAt: number | null;
  /**
   * Where the path points: the server's workspace (relative path), or a file on this computer
   * that the desktop app opened (absolute path), which the server cannot run.
   */
  location: DocumentLocation;
}

type DocumentLocation = 'workspace' | 'disk';

interface SearchState {
  open: boolean;
  query: string;
  matches: string[];
  /** Which match is current. */
  index: number;
}

/** A message for the person: an edit the code did not allow, a paste of something foreign. */
interface Notice {
  kind: 'error' | 'info';
  message: string;
}

export interface BuilderState {
  doc: DocumentInfo;
  source: string;
  graph: FlowGraph;
  problems: Problem[];
  positions: Positions;
  /** Breakpoints and pinned outputs, saved in the sidecar with the positions (not undoable, as in a debugger). */
  marks: DebugMarks;
  selection: string[];
  clipboard: ClipboardContent | null;
  history: History;
  search: SearchState;
  notice: Notice | null;
  /** Bumped whenever the source changes for a reason other than typing in the editor, so it can follow. */
  sourceRevision: number;
  /** A part of the code the editor should show and select (from "Go to code"). */
  revealRequest: { span: { start: number; end: number }; nonce: number } | null;
}

export interface BuilderActions {
  /** Shows a file: its code and sidecar. Forgets history and selection. */
  open(file: {
    path: string | null;
    name?: string;
    source: string;
    sidecar?: string | null;
    modifiedAt?: number | null;
    location?: DocumentLocation;
  }): void;
  /** A new, unsaved flow, from a template's code or an empty flow. */
  newDocument(options?: { source?: string; name?: string }): void;
  /** The code as typed in the editor: parsed again, graph follows. */
  setSource(source: string): void;
  /** Graph edits, applied to the code in order as one undoable step. False when one was refused. */
  edit(edits: readonly GraphEdit[], positions?: Positions): boolean;
  /**
   * Adds a step of a kind: at the end of the flow, or after a step (in the same branch arm), or
   * at the end of a branch arm.
   */
  addNode(kind: string, at?: XY, placement?: { after?: string; scope?: NodeScope }): string | null;
  removeNodes(ids: readonly string[]): void;
  connect(source: string, target: string, input: string): boolean;
  disconnect(target: string, input: string): void;
  renameNode(id: string, newId: string): boolean;
  /** Moves nodes; one undo step per call (call it when a drag ends). */
  moveNodes(moves: Positions): void;
  autoLayout(): void;
  select(ids: readonly string[]): void;
  selectAll(): void;
  /** Copies the selection; answers the JSON for the system clipboard. */
  copy(): string | null;
  cut(): string | null;
  /** Pastes the given content (from the system clipboard) or what was copied last. */
  paste(content?: ClipboardContent | null, at?: XY): void;
  undo(): void;
  redo(): void;
  setSearch(query: string): void;
  openSearch(): void;
  closeSearch(): void;
  /** Moves to the next (or previous) match and selects it. */
  stepSearch(delta: 1 | -1): void;
  /** After a save: the document is clean, at its new path and modification time. */
  markSaved(saved: {
    path: string;
    modifiedAt: number | null;
    source?: string;
    positions?: Positions;
    marks?: DebugMarks;
    location?: DocumentLocation;
  }): void;
  /** Sets or clears a task node's breakpoint; other nodes have none. */
  toggleBreakpoint(id: string): void;
  /** Runs of a debug run take this output instead of running the node. */
  pin(id: string, value: unknown): void;
  unpin(id: string): void;
  /** The sidecar text for the current positions and marks. */
  sidecar(): string;
  setNotice(notice: Notice | null): void;
  reveal(span: { start: number; end: number }): void;
}

export type BuilderStore = StoreApi<BuilderState & BuilderActions>;

/** Whether what is shown differs from what was last read or saved. */
export function isDirty(state: Pick<BuilderState, 'doc' | 'source' | 'positions' | 'marks'>): boolean {
  return (
    state.source !== state.doc.savedSource ||
    !samePositions(state.positions, state.doc.savedPositions) ||
    !sameMarks(state.marks, state.doc.savedMarks)
  );
}

function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function parsed(source: string, positions: Positions, marks: DebugMarks, previous?: FlowGraph) {
  const { graph, problems } = parseSource(source);
  return { graph, problems, positions: reconcile(graph, positions, previous), marks: reconcileMarks(graph, marks, previous) };
}

export function createBuilderStore(initial?: { source?: string; name?: string }): BuilderStore {
  const source = initial?.source ?? emptyFlowSource('my-flow');
  const first = parsed(source, {}, NO_MARKS);
  const firstPositions = Object.keys(first.positions).length ? first.positions : autoLayout(canvasLayoutInput(first.graph));

  return createStore<BuilderState & BuilderActions>()((set, get) => {
    const snapshot = (): Snapshot => ({ source: get().source, positions: get().positions });

    /** Moves to new code and positions as one undoable step. */
    const commit = (nextSource: string, nextPositions: Positions, extra: Partial<BuilderState> = {}, fromEditor = false) => {
      const before = snapshot();
      const next = parsed(nextSource, nextPositions, extra.marks ?? get().marks, get().graph);
      const ids = new Set(next.graph.nodes.map((node) => node.id));
      const selection = (extra.selection ?? get().selection).filter((id) => ids.has(id));
      set((state) => ({
        ...extra,
        source: nextSource,
        graph: next.graph,
        problems: next.problems,
        positions: next.positions,
        marks: next.marks,
        history: record(state.history, before, { source: nextSource, positions: next.positions }),
        selection,
        // Typing in the editor needs no echo; every other change is followed by the editor.
        sourceRevision: fromEditor ? state.sourceRevision : state.sourceRevision + 1,
        search: refreshSearch(state.search, next.graph),
      }));
    };

    const restore = (target: Snapshot, history: History) => {
      const next = parsed(target.source, target.positions, get().marks, get().graph);
      const ids = new Set(next.graph.nodes.map((node) => node.id));
      set((state) => ({
        source: target.source,
        graph: next.graph,
        problems: next.problems,
        positions: next.positions,
        marks: next.marks,
        history,
        selection: state.selection.filter((id) => ids.has(id)),
        sourceRevision: state.sourceRevision + 1,
        search: refreshSearch(state.search, next.graph),
        notice: null,
      }));
    };

    /** Applies edits to the code in order; the first refused one stops them all. */
    const applyAll = (edits: readonly GraphEdit[]): { source: string } | { error: string } => {
      let text = get().source;
      for (const edit of edits) {
        try {
          text = applyGraphEdit(text, edit);
        } catch (error) {
          return { error: (error as Error).message };
        }
      }
      return { source: text };
    };

    const doEdit = (edits: readonly GraphEdit[], positions?: Positions, extra: Partial<BuilderState> = {}): boolean => {
      const result = applyAll(edits);
      if ('error' in result) {
        set({ notice: { kind: 'error', message: result.error } });
        return false;
      }
      commit(result.source, positions ?? get().positions, { notice: null, ...extra });
      return true;
    };

    return {
      doc: {
        path: null,
        name: initial?.name ?? 'untitled.ts',
        savedSource: source,
        savedPositions: firstPositions,
        savedMarks: NO_MARKS,
        modifiedAt: null,
        location: 'workspace',
      },
      source,
      graph: first.graph,
      problems: first.problems,
      positions: firstPositions,
      marks: NO_MARKS,
      selection: [],
      clipboard: null,
      history: EMPTY_HISTORY,
      search: { open: false, query: '', matches: [], index: 0 },
      notice: null,
      sourceRevision: 0,
      revealRequest: null,

      open(file) {
        const { graph, problems } = parseSource(file.source);
        const fromSidecar = positionsFromSidecar(file.sidecar ?? null);
        // A file without a sidecar is laid out once, so its nodes do not pile up.
        const positions = Object.keys(fromSidecar.positions).length ? reconcile(graph, fromSidecar.positions) : autoLayout(canvasLayoutInput(graph));
        const marks = reconcileMarks(graph, fromSidecar.marks);
        set((state) => ({
          doc: {
            path: file.path,
            name: file.name ?? (file.path ? fileNameOf(file.path) : 'untitled.ts'),
            savedSource: file.source,
            // Laying out what the sidecar did not place is not a change of the person's: the file opens clean.
            savedPositions: positions,
            savedMarks: marks,
            modifiedAt: file.modifiedAt ?? null,
            location: file.location ?? 'workspace',
          },
          source: file.source,
          graph,
          problems,
          positions,
          marks,
          selection: [],
          history: EMPTY_HISTORY,
          search: { open: false, query: '', matches: [], index: 0 },
          notice: fromSidecar.error ? { kind: 'error', message: `${fromSidecar.error}; the nodes were laid out afresh` } : null,
          sourceRevision: state.sourceRevision + 1,
          revealRequest: null,
        }));
      },

      newDocument(options) {
        const text = options?.source ?? emptyFlowSource('my-flow');
        get().open({ path: null, name: options?.name ?? 'untitled.ts', source: text, sidecar: null, modifiedAt: null });
      },

      setSource(text) {
        if (text === get().source) return;
        commit(text, get().positions, {}, true);
      },

      edit(edits, positions) {
        return doEdit(edits, positions);
      },

      addNode(kind, at, placement = {}) {
        const before = get().graph;
        const planned = nodeIdFor(before, kind);
        const result = applyAll([{ type: 'addNode', kind, id: planned, ...placement }]);
        if ('error' in result) {
          set({ notice: { kind: 'error', message: result.error } });
          return null;
        }
        // Some kinds take their id from the code written (a branch is named after its condition).
        const known = new Set(before.nodes.map((n) => n.id));
        const id = parseSource(result.source).graph.nodes.find((n) => !known.has(n.id))?.id ?? planned;
        const anchor = placement.after ?? placement.scope?.branch;
        const beside = anchor ? get().positions[anchor] : undefined;
        const position = at ?? (beside ? freeSpotBelow(get().positions, { x: beside.x + 40, y: beside.y + 120 }) : nextFreePosition(get().positions));
        commit(result.source, { ...get().positions, [id]: position }, { notice: null, selection: [id] });
        return id;
      },

      removeNodes(ids) {
        if (ids.length === 0) return;
        const positions = { ...get().positions };
        for (const id of ids) delete positions[id];
        doEdit(
          ids.map((id) => ({ type: 'removeNode', id })),
          positions,
          { selection: [] },
        );
      },

      connect(source, target, input) {
        return doEdit([{ type: 'connect', source, target, input }]);
      },

      disconnect(target, input) {
        doEdit([{ type: 'disconnect', target, input }]);
      },

      renameNode(id, newId) {
        if (id === newId) return true;
        const positions: Record<string, XY> = { ...get().positions };
        if (positions[id]) {
          positions[newId] = positions[id];
          delete positions[id];
        }
        const selection = get().selection.map((s) => (s === id ? newId : s));
        return doEdit([{ type: 'renameNode', id, newId }], positions, { selection, marks: renameMarks(get().marks, id, newId) });
      },

      moveNodes(moves) {
        const current = get().positions;
        const positions = { ...current, ...moves };
        if (samePositions(current, positions)) return;
        const before = snapshot();
        set((state) => ({ positions, history: record(state.history, before, { source: state.source, positions }) }));
      },

      autoLayout() {
        const { graph } = get();
        get().moveNodes(autoLayout(canvasLayoutInput(graph)));
      },

      select(ids) {
        const next = [...new Set(ids)];
        const current = get().selection;
        if (next.length === current.length && next.every((id, i) => id === current[i])) return;
        set({ selection: next });
      },

      selectAll() {
        set({ selection: get().graph.nodes.map((node) => node.id) });
      },

      copy() {
        const { graph, positions, selection } = get();
        const content = copyNodes(graph, positions, selection);
        if (!content) return null;
        set({ clipboard: content });
        return JSON.stringify(content);
      },

      cut() {
        const text = get().copy();
        if (text) get().removeNodes(get().selection);
        return text;
      },

      paste(content, at) {
        const clip = content ?? get().clipboard;
        if (!clip || clip.nodes.length === 0) return;
        const { graph, positions } = get();
        const origin = at ?? offsetFrom(positions, clip);
        const plan = planPaste(graph, clip, origin);
        const edits: GraphEdit[] = [];
        const nextPositions: Record<string, XY> = { ...positions };
        for (const node of plan.nodes) {
          edits.push({ type: 'addNode', kind: node.kind, id: node.newId, name: node.newName, fields: node.fields });
          if (Object.keys(node.options).length) edits.push({ type: 'setOptions', id: node.newId, options: node.options });
          if (node.code !== undefined) edits.push({ type: 'setCode', id: node.newId, code: node.code });
          nextPositions[node.newId] = node.at;
        }
        for (const edge of plan.edges) edits.push({ type: 'connect', ...edge });
        const ok = doEdit(edits, nextPositions, { selection: plan.nodes.map((node) => node.newId), clipboard: clip });
        if (!ok && content) set({ notice: { kind: 'error', message: `could not paste: ${get().notice?.message}` } });
      },

      undo() {
        const step = undo(get().history, snapshot());
        if (step) restore(step.snapshot, step.history);
      },

      redo() {
        const step = redo(get().history, snapshot());
        if (step) restore(step.snapshot, step.history);
      },

      setSearch(query) {
        const matches = searchNodes(get().graph.nodes, query);
        set({ search: { open: true, query, matches, index: 0 }, selection: matches.length ? [matches[0]] : get().selection });
      },

      openSearch() {
        set((state) => ({ search: { ...state.search, open: true } }));
      },

      closeSearch() {
        set((state) => ({ search: { ...state.search, open: false } }));
      },

      stepSearch(delta) {
        const { search } = get();
        if (search.matches.length === 0) return;
        const index = (search.index + delta + search.matches.length) % search.matches.length;
        set({ search: { ...search, index }, selection: [search.matches[index]] });
      },

      markSaved(saved) {
        set((state) => ({
          doc: {
            path: saved.path,
            name: fileNameOf(saved.path),
            savedSource: saved.source ?? state.source,
            savedPositions: saved.positions ?? state.positions,
            savedMarks: saved.marks ?? state.marks,
            modifiedAt: saved.modifiedAt,
            location: saved.location ?? 'workspace',
          },
        }));
      },

      toggleBreakpoint(id) {
        const node = get().graph.nodes.find((n) => n.id === id);
        if (!node || !isTaskNode(node)) return;
        set({ marks: toggleBreakpoint(get().marks, id) });
      },

      pin(id, value) {
        const node = get().graph.nodes.find((n) => n.id === id);
        if (!node || !isTaskNode(node)) return;
        set({ marks: pinOutput(get().marks, id, value) });
      },

      unpin(id) {
        set({ marks: unpinOutput(get().marks, id) });
      },

      sidecar() {
        return sidecarText(get().positions, get().marks);
      },

      setNotice(notice) {
        set({ notice });
      },

      reveal(span) {
        set((state) => ({ revealRequest: { span, nonce: (state.revealRequest?.nonce ?? 0) + 1 } }));
      },
    };
  });
}

function refreshSearch(search: SearchState, graph: FlowGraph): SearchState {
  if (!search.query) return search;
  const matches = searchNodes(graph.nodes, search.query);
  return { ...search, matches, index: Math.min(search.index, Math.max(0, matches.length - 1)) };
}

/** Pasted nodes land a little below and right of the copies, so both stay visible. */
function offsetFrom(positions: Positions, clip: ClipboardContent): XY {
  const first = positions[clip.nodes[0].id];
  return first ? { x: first.x + 40, y: first.y + 40 } : nextFreePosition(positions);
}
