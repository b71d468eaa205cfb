import { describe, expect, it } from 'vitest';
import { COMMON_OPTION_FIELDS, nodeKind, parseFlowModule, type FieldSpec } from '../../app/core/flow-document/index.js';
import { copyNodes, planPaste, readClipboardText } from '../../app/renderer/builder/model/clipboard.js';
import { connectionProblem, inputLooks, resultLook } from '../../app/renderer/builder/model/connections.js';
import { parseSource } from '../../app/renderer/builder/model/document-model.js';
import { checkBeforeRun } from '../../app/renderer/builder/model/run-check.js';
import { createBuilderStore } from '../../app/renderer/builder/model/store.js';
import { parseFormValue, toFormValue } from '../../app/renderer/builder/model/field-values.js';
import { record, redo, undo, EMPTY_HISTORY, type Snapshot } from '../../app/renderer/builder/model/history.js';
import { autoLayout, NODE_HEIGHT, NODE_WIDTH } from '../../app/renderer/builder/model/layout.js';
import { keepMeasurements } from '../../app/renderer/builder/model/measurements.js';
import { canvasLayoutInput, canvasRegions } from '../../app/renderer/builder/model/code-regions.js';
import { reconcile } from '../../app/renderer/builder/model/positions.js';
import { searchNodes } from '../../app/renderer/builder/model/search.js';
import { normaliseFlowPath } from '../../app/renderer/builder/model/workspace-files.js';
import { readRecent, rememberRecent, forgetRecent, RECENT_LIMIT } from '../../app/renderer/builder/model/recent-files.js';
import { sameOriginApi, serverLabel } from '../../app/renderer/app/server.js';

const snap = (source: string): Snapshot => ({ source, positions: {} });

describe('history', () => {
  it('steps back and forth, and drops the oldest steps past its limit', () => {
    let h = EMPTY_HISTORY;
    h = record(h, snap('a'), snap('b'));
    h = record(h, snap('b'), snap('c'));
    const back = undo(h, snap('c'))!;
    expect(back.snapshot.source).toBe('b');
    const forth = redo(back.history, snap('b'))!;
    expect(forth.snapshot.source).toBe('c');
    expect(undo(EMPTY_HISTORY, snap('x'))).toBeNull();
    expect(record(h, snap('c'), snap('c'))).toBe(h);
    let long = EMPTY_HISTORY;
    for (let i = 0; i < 10; i++) long = record(long, snap(String(i)), snap(String(i + 1)), 3);
    expect(long.past.map((s) => s.source)).toEqual(['7', '8', '9']);
  });
});

describe('layout', () => {
  it('lays a chain out left to right without overlaps', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    const positions = autoLayout({
      nodes,
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'a', target: 'd' },
      ],
    });
    expect(positions.a.x).toBeLessThan(positions.b.x);
    expect(positions.b.x).toBeLessThan(positions.c.x);
    const all = Object.values(positions);
    for (const p of all) for (const q of all) if (p !== q) expect(Math.abs(p.x - q.x) >= NODE_WIDTH || Math.abs(p.y - q.y) >= NODE_HEIGHT).toBe(true);
  });

  it('places new nodes beside the node that feeds them, never on top of another', () => {
    const { graph } = parseFlowModule(
      [
        "import { flow } from 'flowdeck';",
        "import { notify, transform } from 'flowdeck/tasks';",
        "const a = transform.withOptions({ name: 'a' });",
        "const b = notify.withOptions({ name: 'b' });",
        "const c = notify.withOptions({ name: 'c' });",
        "export default flow({ name: 'f' }, async () => {",
        '  const x = await a(1, (v) => v);',
        '  await b({ message: x });',
        '  await c({ message: x });',
        '});',
      ].join('\n'),
    );
    const placed = reconcile(graph, { a: { x: 0, y: 0 } });
    expect(placed.b.x).toBeGreaterThan(NODE_WIDTH);
    expect(placed.c.y).not.toBe(placed.b.y);
  });
});

describe('clipboard', () => {
  const { graph } = parseFlowModule(
    [
      "import { flow } from 'flowdeck';",
      "import { notify } from 'flowdeck/tasks';",
      "const tell = notify.withOptions({ name: 'Tell the team' });",
      "export default flow({ name: 'f' }, async () => {",
      "  await tell({ message: 'hi' });",
      '});',
    ].join('\n'),
  );

  it('gives hand-chosen names a suffix and keeps copies where they stood relative to each other', () => {
    const content = copyNodes(graph, { tell: { x: 10, y: 20 } }, ['tell'])!;
    const plan = planPaste(graph, content, { x: 100, y: 100 });
    expect(plan.nodes[0]).toMatchObject({ newId: 'tell2', newName: 'Tell the team-copy', at: { x: 100, y: 100 } });
    expect(copyNodes(graph, {}, ['nothing'])).toBeNull();
  });

  it('reads back only what Copy wrote', () => {
    const text = JSON.stringify(copyNodes(graph, {}, ['tell']));
    expect(readClipboardText(text)?.nodes).toHaveLength(1);
    expect(readClipboardText('hello')).toBeNull();
    expect(readClipboardText('{"format":"other","nodes":[],"edges":[]}')).toBeNull();
  });
});

describe('search', () => {
  const nodes = [
    { id: 'fetchUsers', kind: 'httpRequest', name: 'fetch-users', fields: { url: 'https://api.example.com/users' } },
    { id: 'users', kind: 'code', name: 'users', fields: {} },
    { id: 'save', kind: 'writeFile', name: 'save', fields: { path: 'users.json' } },
  ];
  it('ranks exact names first, then partial names, kinds and field values', () => {
    expect(searchNodes(nodes, 'users')).toEqual(['users', 'fetchUsers', 'save']);
    expect(searchNodes(nodes, 'HTTP')).toEqual(['fetchUsers']);
    expect(searchNodes(nodes, '  ')).toEqual([]);
  });
});

describe('side panel values', () => {
  const field = (name: string, kind: string): FieldSpec => nodeKind(kind)!.fields.find((f) => f.name === name)!;
  const option = (name: string) => COMMON_OPTION_FIELDS.find((f) => f.name === name)!;

  it('reads what is typed as the field says, checked by its schema', () => {
    expect(parseFormValue(option('retries'), '3')).toEqual({ kind: 'value', value: 3 });
    expect(parseFormValue(option('retries'), '-1')).toMatchObject({ kind: 'error' });
    expect(parseFormValue(option('retries'), 'x')).toEqual({ kind: 'error', message: 'Retries must be a number' });
    expect(parseFormValue(option('retries'), '')).toEqual({ kind: 'unset' });
    expect(parseFormValue(option('retryDelaySeconds'), '5')).toEqual({ kind: 'value', value: 5 });
    expect(parseFormValue(option('retryDelaySeconds'), '1, 5, 10')).toEqual({ kind: 'value', value: [1, 5, 10] });
    expect(parseFormValue(option('tags'), 'etl, nightly')).toEqual({ kind: 'value', value: ['etl', 'nightly'] });
    expect(parseFormValue(field('url', 'httpRequest'), '')).toEqual({ kind: 'error', message: 'URL is required' });
    expect(parseFormValue(field('headers', 'httpRequest'), 'accept: text/html\nx-a=1')).toEqual({
      kind: 'value',
      value: { accept: 'text/html', 'x-a': '1' },
    });
    expect(parseFormValue(field('headers', 'httpRequest'), 'nokey')).toMatchObject({ kind: 'error' });
    expect(parseFormValue(field('body', 'httpRequest'), '{"a": 1}')).toEqual({ kind: 'value', value: { a: 1 } });
    expect(parseFormValue(field('append', 'writeFile'), true)).toEqual({ kind: 'value', value: true });
    expect(parseFormValue(field('webhookUrl', 'notify'), 'not a url')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^Webhook URL:/),
    });
  });

  it('shows stored values as their controls write them', () => {
    expect(toFormValue('list', [1, 5])).toBe('1, 5');
    expect(toFormValue('keyValue', { a: 'b' })).toBe('a: b');
    expect(toFormValue('json', 'text')).toBe('"text"');
    expect(toFormValue('boolean', undefined)).toBe(false);
    expect(toFormValue('number', undefined)).toBe('');
  });
});

describe('services', () => {
  it('names the server and finds the API beside the page', () => {
    expect(serverLabel('http://127.0.0.1:4300/api')).toBe('127.0.0.1:4300');
    expect(serverLabel('https://flows.example.com/team/api')).toBe('flows.example.com/team');
    expect(sameOriginApi('http://127.0.0.1:4300/')).toBe('http://127.0.0.1:4300/api');
    expect(sameOriginApi('https://example.com/flowdeck/index.html?x=1')).toBe('https://example.com/flowdeck/api');
  });

  it('makes what a person types into a workspace flow path', () => {
    expect(normaliseFlowPath(' ./flows\\etl ')).toBe('flows/etl.ts');
    expect(normaliseFlowPath('/a.ts')).toBe('a.ts');
    expect(normaliseFlowPath('')).toBe('');
  });

  it('remembers recent files, newest first, without repeats, up to a limit', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    for (let i = 0; i < RECENT_LIMIT + 2; i++) rememberRecent(storage, `f${i}.ts`);
    rememberRecent(storage, 'f5.ts');
    const list = readRecent(storage);
    expect(list[0]).toBe('f5.ts');
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(new Set(list).size).toBe(RECENT_LIMIT);
    expect(forgetRecent(storage, 'f5.ts')).not.toContain('f5.ts');
    map.set('flowdeck.recentFiles', '{broken');
    expect(readRecent(storage)).toEqual([]);
    expect(readRecent(undefined)).toEqual([]);
  });
});

describe('keepMeasurements', () => {
  const node = (id: string, inputs: string[], measured?: { width: number; height: number }) => ({
    id,
    data: { inputs },
    ...(measured ? { measured } : {}),
  });

  it('keeps the measured size of nodes rebuilt with the same handles, so they stay visible', () => {
    const current = [node('a', ['x'], { width: 220, height: 64 }), node('b', [], { width: 220, height: 48 })];
    const next = [node('a', ['x']), node('b', []), node('c', [])];
    const kept = keepMeasurements(current, next);
    expect(kept.map((n) => n.measured)).toEqual([{ width: 220, height: 64 }, { width: 220, height: 48 }, undefined]);
    // What the rebuilt node says otherwise is what counts.
    expect(kept[0]).not.toBe(current[0]);
  });

  it('lets a node whose handles changed be measured again', () => {
    const kept = keepMeasurements([node('a', ['x'], { width: 220, height: 64 })], [node('a', ['x', 'y'])]);
    expect(kept[0].measured).toBeUndefined();
  });
});

describe('code regions on the canvas', () => {
  const source = [
    "import { flow, task } from 'flowdeck';",
    '',
    'function double(n: number) {',
    '  return n * 2;',
    '}',
    '',
    "const load = task({ name: 'load' }, async () => [1, 2, 3]);",
    "const save = task({ name: 'save' }, async (rows: number[]) => rows.length);",
    '',
    "export default flow({ name: 'etl' }, async () => {",
    '  const rows = await load();',
    '  for (const row of rows) {',
    '    console.log(double(row));',
    '  }',
    '  await save(rows);',
    '});',
    '',
  ].join('\n');

  it("shows the flow body's code that is not a step, after the step it follows, and not the module's helpers", () => {
    const { graph } = parseFlowModule(source);
    const regions = canvasRegions(graph);
    expect(regions).toHaveLength(1);
    expect(regions[0].code).toContain('for (const row of rows)');
    expect(regions[0].after).toBe('load');
    expect(regions[0].preview.split('\n')).toHaveLength(3);
    expect(graph.regions.some((r) => r.scope === 'module' && r.code.includes('function double'))).toBe(true);
    const layout = canvasLayoutInput(graph);
    expect(layout.nodes.map((n) => n.id)).toEqual(['load', 'save', regions[0].id]);
    expect(layout.edges).toContainEqual({ source: 'load', target: regions[0].id });
  });

  it('places a region beside the step it follows, and keeps a place it was given', () => {
    const { graph } = parseFlowModule(source);
    const [region] = canvasRegions(graph);
    const placed = reconcile(graph, { load: { x: 0, y: 0 }, save: { x: 600, y: 0 } });
    expect(placed[region.id]).toEqual({ x: NODE_WIDTH + 80, y: 0 });
    expect(reconcile(graph, { load: { x: 0, y: 0 }, [region.id]: { x: 5, y: 500 } })[region.id]).toEqual({ x: 5, y: 500 });
  });

  it('cuts a long region down to a few lines on its face', () => {
    const long = source.replace('    console.log(double(row));', Array.from({ length: 10 }, (_, i) => `    console.log(${i});`).join('\n'));
    const [region] = canvasRegions(parseFlowModule(long).graph);
    expect(region.preview.split('\n').at(-1)).toBe('… 8 more lines');
  });
});

describe('connections on the canvas', () => {
  const { graph } = parseFlowModule(`import { flow, task } from 'flowdeck';
import { httpRequest, notify } from 'flowdeck/tasks';

const fetchPage = httpRequest.withOptions({ name: 'fetch-page' });
const say = notify.withOptions({ name: 'say' });
const total = task({ name: 'total' }, async (rows: number[]): Promise<number> => rows.length);

export default flow({ name: 'f' }, async () => {
  await fetchPage({ url: 'https://example.com' });
  await say({ message: 'hi' });
  await total([]);
});
`);
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it('colours each handle by its type', () => {
    expect(resultLook(node('fetchPage'))).toEqual({ name: 'object', colour: 'object' });
    expect(resultLook(node('total'))).toEqual({ name: 'number', colour: 'number' });
    expect(inputLooks(node('say'), ['message', 'level'])).toEqual({
      message: { name: 'string', colour: 'string' },
      level: { name: 'string', colour: 'string' },
    });
    expect(inputLooks(node('fetchPage'), ['body'])).toEqual({ body: { name: 'any', colour: 'any' } });
  });

  it('says why a dragged connection is refused, and nothing for one that fits', () => {
    expect(connectionProblem(graph, { source: 'fetchPage', target: 'say', targetHandle: 'message' })).toBe(
      "'fetchPage' gives an object, but 'message' of 'say' takes text",
    );
    expect(connectionProblem(graph, { source: 'total', target: 'say', targetHandle: 'message' })).toBe(
      "'total' gives a number, but 'message' of 'say' takes text",
    );
    expect(connectionProblem(graph, { source: 'fetchPage', target: 'fetchPage', targetHandle: 'body' })).toBe('A step cannot feed its own input');
    expect(connectionProblem(graph, { source: 'fetchPage', target: 'say', targetHandle: null })).toMatch(/on an input/);
    expect(connectionProblem(graph, { source: 'fetchPage', target: 'fetchPage2', targetHandle: 'body' })).toBeNull();
    expect(connectionProblem(graph, { source: 'total', target: 'fetchPage', targetHandle: 'body' })).toBeNull();
  });
});

describe('before a run', () => {
  it('asks only when the graph has errors, naming how many', () => {
    const warning = { nodeId: 'a', message: 'w', severity: 'warning' as const };
    const error = { nodeId: 'b', message: 'URL is required', severity: 'error' as const };
    expect(checkBeforeRun([])).toBeNull();
    expect(checkBeforeRun([warning])).toBeNull();
    expect(checkBeforeRun([warning, error])).toEqual({ errors: [error], summary: '1 error' });
    expect(checkBeforeRun([error, error])?.summary).toBe('2 errors');
    // A new, empty flow runs without asking.
    const { problems } = parseSource(createBuilderStore().getState().source);
    expect(checkBeforeRun(problems)).toBeNull();
  });
});
