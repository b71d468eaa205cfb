import { describe, expect, it } from 'vitest';
import { parseFlowModule } from '../../app/core/flow-document/index.js';
import { readClipboardText } from '../../app/renderer/builder/model/clipboard.js';
import { createBuilderStore, isDirty } from '../../app/renderer/builder/model/store.js';

const GREET = [
  '// Says hello, then tells someone.',
  "import { flow } from 'flowdeck';",
  "import { notify, transform } from 'flowdeck/tasks';",
  '',
  "const shout = transform.withOptions({ name: 'shout' });",
  "const tell = notify.withOptions({ name: 'tell', retries: 2 });",
  '',
  "export default flow({ name: 'greet' }, async () => {",
  "  const loud = await shout('hello', (value) => value.toUpperCase());",
  '  await tell({ message: loud });',
  '});',
  '',
].join('\n');

function store(source = GREET) {
  const s = createBuilderStore();
  s.getState().open({ path: 'greet.ts', source, sidecar: null, modifiedAt: 1 });
  return s;
}

describe('the builder store', () => {
  it('opens a file clean, with a graph, no problems and a position for every node', () => {
    const s = store();
    const state = s.getState();
    expect(state.graph.nodes.map((n) => n.id)).toEqual(['shout', 'tell']);
    expect(state.graph.edges).toEqual([expect.objectContaining({ source: 'shout', target: 'tell', input: 'message' })]);
    expect(state.problems).toEqual([]);
    expect(Object.keys(state.positions).sort()).toEqual(['shout', 'tell']);
    expect(isDirty(state)).toBe(false);
    expect(state.doc).toMatchObject({ path: 'greet.ts', name: 'greet.ts', modifiedAt: 1 });
  });

  it('takes positions from the sidecar, and says when the sidecar cannot be read', () => {
    const s = createBuilderStore();
    s.getState().open({ path: 'greet.ts', source: GREET, sidecar: JSON.stringify({ version: 1, nodes: { shout: { x: 5, y: 6 } } }) });
    expect(s.getState().positions.shout).toEqual({ x: 5, y: 6 });
    expect(s.getState().positions.tell).toBeDefined();
    expect(s.getState().notice).toBeNull();

    s.getState().open({ path: 'greet.ts', source: GREET, sidecar: '{not json' });
    expect(s.getState().notice?.message).toMatch(/not valid JSON.*laid out afresh/);
    expect(Object.keys(s.getState().positions)).toHaveLength(2);
  });

  it('writes every graph edit into the code, and the graph it shows is the code parsed again', () => {
    const s = store();
    const id = s.getState().addNode('writeFile', { x: 600, y: 0 });
    expect(id).toBe('writeOutput');
    expect(s.getState().connect('shout', 'writeOutput', 'content')).toBe(true);
    const { source, graph, positions, selection } = s.getState();
    expect(source).toContain("import { notify, transform, writeFile } from 'flowdeck/tasks';");
    expect(source).toContain('content: loud');
    expect(source.startsWith('// Says hello, then tells someone.\n')).toBe(true);
    expect(graph).toEqual(parseFlowModule(source).graph);
    expect(positions.writeOutput).toEqual({ x: 600, y: 0 });
    expect(selection).toEqual(['writeOutput']);
    expect(isDirty(s.getState())).toBe(true);
  });

  it('follows code typed in the editor, keeping positions across a rename in the code', () => {
    const s = store();
    s.getState().moveNodes({ shout: { x: 11, y: 22 } });
    s.getState().setSource(GREET.replaceAll('shout', 'yell'));
    const { graph, positions } = s.getState();
    expect(graph.nodes.map((n) => n.id)).toEqual(['yell', 'tell']);
    expect(positions.yell).toEqual({ x: 11, y: 22 });
    expect(positions.shout).toBeUndefined();
  });

  it('refuses an edit the code cannot take, saying why, and changes nothing', () => {
    const s = store();
    const before = s.getState().source;
    expect(s.getState().renameNode('shout', 'tell')).toBe(false);
    expect(s.getState().source).toBe(before);
    expect(s.getState().notice?.kind).toBe('error');
    expect(s.getState().notice?.message).toMatch(/tell/);
  });

  it('undoes and redoes code and positions together, one step per change', () => {
    const s = store();
    const opened = s.getState().source;
    s.getState().addNode('notify');
    const added = s.getState().source;
    s.getState().moveNodes({ shout: { x: 1, y: 2 } });
    s.getState().setSource(added.replace("'shout'", "'SHOUT'"));

    s.getState().undo();
    expect(s.getState().source).toBe(added);
    expect(s.getState().positions.shout).toEqual({ x: 1, y: 2 });
    s.getState().undo();
    expect(s.getState().positions.shout).not.toEqual({ x: 1, y: 2 });
    s.getState().undo();
    expect(s.getState().source).toBe(opened);
    expect(isDirty(s.getState())).toBe(false);
    s.getState().undo();
    expect(s.getState().source).toBe(opened);

    s.getState().redo();
    s.getState().redo();
    s.getState().redo();
    expect(s.getState().graph.nodes.find((n) => n.id === 'shout')?.name).toBe('SHOUT');
    // Each change tells the editor to follow it.
    expect(s.getState().sourceRevision).toBeGreaterThan(5);
  });

  it('forgets what could be redone once something new is done', () => {
    const s = store();
    s.getState().addNode('notify');
    s.getState().undo();
    s.getState().addNode('readFile');
    s.getState().redo();
    expect(s.getState().graph.nodes.map((n) => n.kind)).toEqual(['transform', 'notify', 'readFile']);
  });

  it('copies nodes with their connections between them, and pastes them under new ids and names', () => {
    const s = store();
    s.getState().select(['shout', 'tell']);
    const text = s.getState().copy();
    expect(readClipboardText(text!)?.nodes.map((n) => n.id)).toEqual(['shout', 'tell']);
    s.getState().paste(readClipboardText(text!));
    const { graph, selection, source } = s.getState();
    expect(selection).toEqual(['shout2', 'tell2']);
    expect(graph.nodes.find((n) => n.id === 'tell2')).toMatchObject({ name: 'tell2', options: { retries: 2 } });
    expect(graph.nodes.find((n) => n.id === 'shout2')?.fields).toEqual(graph.nodes.find((n) => n.id === 'shout')?.fields);
    expect(graph.edges.map((e) => `${e.source}->${e.target}.${e.input}`).sort()).toEqual(['shout->tell.message', 'shout2->tell2.message']);
    expect(source).toContain('(value) => value.toUpperCase()');
    // One paste, one undo.
    s.getState().undo();
    expect(s.getState().graph.nodes.map((n) => n.id)).toEqual(['shout', 'tell']);
  });

  it('pastes a code node with its own function, not the starting one', () => {
    const source = [
      "import { flow, task } from 'flowdeck';",
      '',
      "const double = task({ name: 'double' }, async (n: number) => n * 2);",
      '',
      "export default flow({ name: 'd' }, async () => {",
      '  await double(2);',
      '});',
      '',
    ].join('\n');
    const s = store(source);
    s.getState().select(['double']);
    s.getState().copy();
    s.getState().paste();
    expect(s.getState().notice).toBeNull();
    expect(s.getState().graph.nodes.find((n) => n.id === 'double2')?.code).toBe('async (n: number) => n * 2');
  });

  it('cuts and deletes through the code, dropping positions of what is gone', () => {
    const s = store();
    s.getState().select(['tell']);
    expect(s.getState().cut()).toContain('"tell"');
    expect(s.getState().graph.nodes.map((n) => n.id)).toEqual(['shout']);
    expect(s.getState().positions.tell).toBeUndefined();
    expect(s.getState().source).not.toContain('notify');
    s.getState().selectAll();
    s.getState().removeNodes(s.getState().selection);
    expect(s.getState().graph.nodes).toEqual([]);
  });

  it('finds nodes and steps through the matches, selecting each', () => {
    const s = store();
    s.getState().setSearch('Notify');
    expect(s.getState().search.matches).toEqual(['tell']);
    expect(s.getState().selection).toEqual(['tell']);
    s.getState().setSearch('t');
    expect(s.getState().search.matches).toEqual(['shout', 'tell']);
    s.getState().stepSearch(1);
    expect(s.getState().selection).toEqual(['tell']);
    s.getState().stepSearch(1);
    expect(s.getState().selection).toEqual(['shout']);
  });

  it('lays the graph out along its edges in one undoable step', () => {
    const s = store();
    s.getState().moveNodes({ shout: { x: 900, y: 900 }, tell: { x: 0, y: 0 } });
    s.getState().autoLayout();
    const { shout, tell } = s.getState().positions;
    expect(shout.x).toBeLessThan(tell.x);
    s.getState().undo();
    expect(s.getState().positions.shout).toEqual({ x: 900, y: 900 });
  });

  it('shows code that does not parse as it is, with its problems, and edits of the graph are refused', () => {
    const s = store("import { flow } from 'flowdeck';\nexport default flow({ name: 'x' }, async () => {\n  const a = ;\n});\n");
    expect(s.getState().source).toContain('const a = ;');
    expect(s.getState().problems.some((p) => p.severity === 'error')).toBe(true);
    expect(s.getState().addNode('notify')).toBeNull();
    expect(s.getState().notice?.message).toMatch(/syntax errors/);
  });

  it('is clean again once saved, and a save remembers the new path', () => {
    const s = store();
    s.getState().addNode('notify');
    expect(isDirty(s.getState())).toBe(true);
    s.getState().markSaved({ path: 'flows/greet2.ts', modifiedAt: 42 });
    expect(isDirty(s.getState())).toBe(false);
    expect(s.getState().doc).toMatchObject({ path: 'flows/greet2.ts', name: 'greet2.ts', modifiedAt: 42 });
    expect(JSON.parse(s.getState().sidecar())).toEqual({ version: 1, nodes: s.getState().positions });
  });

  it('starts a new flow with no history, from a template or empty', () => {
    const s = store();
    s.getState().addNode('notify');
    s.getState().newDocument({ source: GREET, name: 'hello.ts' });
    expect(s.getState().doc).toMatchObject({ path: null, name: 'hello.ts' });
    expect(s.getState().history.past).toEqual([]);
    s.getState().newDocument();
    expect(s.getState().graph.nodes).toEqual([]);
    expect(s.getState().graph.flowName).toBe('my-flow');
  });
});

describe('adding steps into a branch', () => {
  it('adds to either arm of a branch, and after a step inside an arm, in that arm', () => {
    const s = store();
    const branch = s.getState().addNode('branch')!;
    expect(branch).toBe('ifTrue');
    expect(s.getState().selection).toEqual([branch]);
    const inThen = s.getState().addNode('notify', undefined, { scope: { branch, arm: 'then' } })!;
    const inElse = s.getState().addNode('writeFile', undefined, { scope: { branch, arm: 'else' } })!;
    const afterInThen = s.getState().addNode('notify', undefined, { after: inThen })!;
    const { graph, problems, positions } = s.getState();
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const scopeOf = (id: string) => graph.nodes.find((n) => n.id === id)?.scope;
    expect(scopeOf(inThen)).toEqual({ branch, arm: 'then' });
    expect(scopeOf(afterInThen)).toEqual({ branch, arm: 'then' });
    expect(scopeOf(inElse)).toEqual({ branch, arm: 'else' });
    // The code reads in that order: the arm's steps inside the if, the else after it.
    const code = s.getState().source;
    const at = (text: string) => code.indexOf(text);
    expect(at('if (true) {')).toBeGreaterThan(-1);
    expect(at('if (true) {')).toBeLessThan(at(`await ${inThen}(`));
    expect(at(`await ${inThen}(`)).toBeLessThan(at(`await ${afterInThen}(`));
    expect(at(`await ${afterInThen}(`)).toBeLessThan(at('} else {'));
    expect(at('} else {')).toBeLessThan(at(`await ${inElse}(`));
    // New steps are placed near their branch, each in its own spot.
    expect(positions[inThen]).toBeDefined();
    expect(positions[inThen]).not.toEqual(positions[inElse]);
  });
});
