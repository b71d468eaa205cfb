import { describe, expect, it } from 'vitest';
import { emptyGraph, nodeKind, parseFlowModule, type GraphNode } from '../../../app/core/flow-document/index.js';
import { inputNames, nodeInputs, positionNames, takesInput } from '../../../app/core/flow-document/inputs.js';

function node(kind: string, more: Partial<GraphNode> = {}): GraphNode {
  return { id: 'n', kind, name: 'n', fields: {}, options: {}, inputs: {}, span: { start: 0, end: 0 }, ...more };
}

const MODULE = [
  "import { flow, task } from 'flowdeck';",
  "import { transform } from 'flowdeck/tasks';",
  "const add = task({ name: 'add' }, async (a: number, b: number) => a + b);",
  "const count = transform.withOptions({ name: 'count' });",
  "const child = flow({ name: 'child' }, async (limit: number, mode?: string) => limit);",
  "export default flow({ name: 'f' }, async () => {",
  '  const sum = await add(1, 2);',
  '  await count(sum, (n) => n * 2);',
  "  await child(sum, 'fast');",
  '});',
].join('\n');

describe('node inputs', () => {
  it("are the kind's inputs, a code node's parameters, and whatever the code already binds", () => {
    const { graph } = parseFlowModule(
      [
        "import { flow, task } from 'flowdeck';",
        "const add = task({ name: 'add' }, async (a: number, b: number) => a + b);",
        "export default flow({ name: 'f' }, async () => {",
        '  await add(1, 2);',
        '});',
      ].join('\n'),
    );
    expect(nodeInputs(graph.nodes[0])).toEqual(['a', 'b']);
    expect(
      nodeInputs({ ...emptyGraph('x'), id: 'n', kind: 'writeFile', name: 'n', fields: {}, options: {}, inputs: {}, span: { start: 0, end: 0 } }),
    ).toEqual(['path', 'content']);
  });

  it("show a subflow's arguments as written, and an input the code binds that the kind does not name", () => {
    expect(nodeInputs(node('subflow', { fields: { source: 'a', limit: 2 } }))).toEqual(['source', 'limit']);
    expect(nodeInputs(node('notify', { inputs: { extra: { from: 'expression', code: '1' } } }))).toEqual(['message', 'extra']);
    expect(nodeInputs(node('transform'))).toEqual(['value']);
    expect(nodeInputs(node('nope', { inputs: { a: { from: 'expression', code: '1' } } }))).toEqual(['a']);
  });

  it("are named by position from the registry or from the code, then by the kind's fields, in the order calls write them", () => {
    const byId = new Map(parseFlowModule(MODULE).graph.nodes.map((n) => [n.id, n]));
    const add = byId.get('add')!;
    const count = byId.get('count')!;
    const child = byId.get('child')!;
    expect(positionNames(nodeKind('code')!, add)).toEqual(['a', 'b']);
    expect(inputNames(add, nodeKind('code')!)).toEqual(['a', 'b']);
    expect(positionNames(nodeKind('transform')!, count)).toEqual(['value', 'fn']);
    expect(inputNames(count, nodeKind('transform')!)).toEqual(['value', 'fn']);
    expect(child.positional).toBe(true);
    expect(positionNames(nodeKind('subflow')!, child)).toEqual(['limit', 'mode']);
    expect(inputNames(node('httpRequest'), nodeKind('httpRequest')!)).toEqual(nodeKind('httpRequest')!.fields.map((f) => f.name));
  });

  it('are taken when the kind or code names them, as extra arguments of a function, or any for a subflow', () => {
    const code = node('code', { code: 'async (rows: unknown[]) => rows' });
    expect(takesInput(code, nodeKind('code')!, 'rows')).toBe(true);
    expect(takesInput(code, nodeKind('code')!, 'arg3')).toBe(true);
    expect(takesInput(code, nodeKind('code')!, 'other')).toBe(false);
    expect(takesInput(node('transform'), nodeKind('transform')!, 'arg2')).toBe(false);
    expect(takesInput(node('httpRequest'), nodeKind('httpRequest')!, 'url')).toBe(true);
    expect(takesInput(node('httpRequest'), nodeKind('httpRequest')!, 'link')).toBe(false);
    expect(takesInput(node('subflow'), nodeKind('subflow')!, 'anything')).toBe(true);
  });
});
