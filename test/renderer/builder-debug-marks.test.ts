import { describe, expect, it } from 'vitest';
import { parseFlowModule } from '../../app/core/flow-document/index.js';
import {
  breakpointLines,
  debugOptionsFor,
  NO_MARKS,
  pinFromResult,
  readPinText,
  stoppedInputsText,
  toggleBreakpoint,
} from '../../app/renderer/builder/model/debug-marks.js';
import { createBuilderStore, isDirty } from '../../app/renderer/builder/model/store.js';
import { BREAK_ON_FAILURE_KEY, readBreakOnFailure, writeBreakOnFailure } from '../../app/renderer/builder/model/debug-settings.js';
import { shortcutFor } from '../../app/renderer/shared/shortcuts.js';

const THREE = [
  "import { flow, task } from 'flowdeck';",
  "import { transform } from 'flowdeck/tasks';",
  '',
  "const load = task({ name: 'load-rows' }, async () => [1, 2, 3]);",
  "const double = transform.withOptions({ name: 'double-rows' });",
  "const total = task({ name: 'sum-rows' }, async (rows: number[]) => rows.reduce((a, b) => a + b, 0));",
  '',
  "export default flow({ name: 'three' }, async () => {",
  '  const rows = await load();',
  '  const doubled = await double(rows, (r) => r.map((n) => n * 2));',
  '  if (doubled.length > 0) {',
  '    return await total(doubled);',
  '  }',
  '  return 0;',
  '});',
  '',
].join('\n');

function store(sidecar: string | null = null) {
  const s = createBuilderStore();
  s.getState().open({ path: 'three.ts', source: THREE, sidecar, modifiedAt: 1 });
  return s;
}

describe('breakpoints and pins in the builder', () => {
  it('maps the marked nodes to the task names a run knows them by', () => {
    const { graph } = parseFlowModule(THREE);
    const marks = { breakpoints: ['double', 'total', 'ifDoubledLength'], pins: { load: [5], ifDoubledLength: true } };
    expect(debugOptionsFor(graph, marks, true)).toEqual({
      breakpoints: ['double-rows', 'sum-rows'],
      pins: { 'load-rows': [5] },
      breakOnFailure: true,
    });
    expect(debugOptionsFor(graph, NO_MARKS, false)).toEqual({ breakpoints: [], pins: {}, breakOnFailure: false });
  });

  it('toggles a breakpoint on a task node only, and saves it in the sidecar, not the code', () => {
    const s = store();
    s.getState().toggleBreakpoint('double');
    s.getState().toggleBreakpoint('total');
    s.getState().toggleBreakpoint('ifDoubledLength');
    expect(s.getState().marks.breakpoints).toEqual(['double', 'total']);
    expect(isDirty(s.getState())).toBe(true);
    expect(s.getState().source).toBe(THREE);
    s.getState().pin('load', { rows: [1] });
    expect(JSON.parse(s.getState().sidecar())).toMatchObject({ breakpoints: ['double', 'total'], pins: { load: { rows: [1] } } });
    s.getState().markSaved({ path: 'three.ts', modifiedAt: 2 });
    expect(isDirty(s.getState())).toBe(false);
    s.getState().toggleBreakpoint('total');
    s.getState().unpin('load');
    expect(s.getState().marks).toEqual({ breakpoints: ['double'], pins: {} });
    expect(isDirty(s.getState())).toBe(true);
  });

  it('reads marks from the sidecar, dropping those of nodes the code no longer has', () => {
    const s = store(JSON.stringify({ version: 1, nodes: {}, breakpoints: ['double', 'gone'], pins: { load: 1, gone: 2 } }));
    expect(s.getState().marks).toEqual({ breakpoints: ['double'], pins: { load: 1 } });
    expect(isDirty(s.getState())).toBe(false);
    const bad = store(JSON.stringify({ version: 1, nodes: {}, breakpoints: [3] }));
    expect(bad.getState().notice?.message).toBe(
      'The layout file is malformed at breakpoints.0: Invalid input: expected string, received number; the nodes were laid out afresh',
    );
  });

  it('keeps marks across a rename and drops them with a deleted node', () => {
    const s = store();
    s.getState().toggleBreakpoint('double');
    s.getState().pin('double', 7);
    expect(s.getState().renameNode('double', 'twice')).toBe(true);
    expect(s.getState().marks).toEqual({ breakpoints: ['twice'], pins: { twice: 7 } });
    s.getState().setSource(s.getState().source.replaceAll('twice', 'doubler'));
    expect(s.getState().marks).toEqual({ breakpoints: ['doubler'], pins: { doubler: 7 } });
    s.getState().removeNodes(['doubler']);
    expect(s.getState().marks).toEqual({ breakpoints: [], pins: {} });
  });

  it('checks a pinned output is JSON and says why not', () => {
    expect(readPinText(' {"a": [1, 2]} ')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(readPinText('null')).toEqual({ ok: true, value: null });
    expect(readPinText('  ')).toEqual({ ok: false, error: 'Give the output as JSON, such as {"id": 1}, [1, 2], "text" or 42' });
    expect(readPinText('{a: 1}')).toMatchObject({ ok: false, error: expect.stringMatching(/^The output is not valid JSON: /) });
    expect(pinFromResult('[2,4,6]')).toEqual({ ok: true, value: [2, 4, 6] });
    expect(pinFromResult(null)).toEqual({ ok: false, error: 'The last run kept no result for this node' });
    expect(pinFromResult('[1, 2, 3, …')).toMatchObject({ ok: false, error: expect.stringMatching(/only the start of this result/) });
  });

  it('finds the line of each task call, where the code editor shows its breakpoint', () => {
    const { graph } = parseFlowModule(THREE);
    expect([...breakpointLines(graph, THREE)]).toEqual([
      [9, 'load'],
      [10, 'double'],
      [12, 'total'],
    ]);
    expect(toggleBreakpoint(toggleBreakpoint(NO_MARKS, 'load'), 'load')).toEqual(NO_MARKS);
  });

  it('remembers Break on failure, off until turned on', () => {
    const storage = new Map<string, string>();
    const kept = { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value) };
    expect(readBreakOnFailure(kept)).toBe(false);
    writeBreakOnFailure(kept, true);
    expect(storage.get(BREAK_ON_FAILURE_KEY)).toBe('true');
    expect(readBreakOnFailure(kept)).toBe(true);
    expect(readBreakOnFailure(undefined)).toBe(false);
  });

  it("debugs with F5 and toggles the selected node's breakpoint with F9", () => {
    const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false });
    expect(shortcutFor(press('F5'), 'builder')?.id).toBe('builder.debug');
    expect(shortcutFor(press('F9'), 'builder')?.id).toBe('builder.toggleBreakpoint');
  });
});

describe("a stopped node's inputs in the side panel", () => {
  it('pretty-prints JSON arguments and says when they are not JSON', () => {
    expect(stoppedInputsText('[[1,2],"a"]')).toBe('[\n  [\n    1,\n    2\n  ],\n  "a"\n]');
    expect(stoppedInputsText(null)).toBe('Its inputs cannot be written as JSON.');
  });
});
