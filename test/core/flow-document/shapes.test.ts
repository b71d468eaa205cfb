import { describe, expect, it } from 'vitest';
import { NODE_KINDS, nodeKind, parseFlowModule, generateFlowModule, emptyGraph } from '../../../app/core/flow-document/index.js';
import { kindReadAs, shapeOf } from '../../../app/core/flow-document/shapes/index.js';

describe('code shapes', () => {
  it('read every kind of the registry back as itself, by its form and key', () => {
    for (const kind of NODE_KINDS) expect(kindReadAs(kind.syntax.form, shapeOf(kind).read.key)?.id).toBe(kind.id);
    expect(kindReadAs('library', 'nope')).toBeUndefined();
  });

  it('say what each shape imports, declares and gives', () => {
    const parts = (id: string) => {
      const shape = shapeOf(nodeKind(id)!);
      return { imports: shape.write.imports, declared: shape.write.declared, result: shape.write.result, ...shape.edit };
    };
    expect(parts('httpRequest')).toEqual({
      imports: { module: 'tasks', name: 'httpRequest' },
      declared: true,
      result: true,
      namedByResult: false,
      opensBlock: false,
    });
    expect(parts('code')).toEqual({
      imports: { module: 'sdk', name: 'task' },
      declared: true,
      result: true,
      namedByResult: false,
      opensBlock: false,
    });
    expect(parts('subflow')).toEqual({
      imports: { module: 'sdk', name: 'flow' },
      declared: true,
      result: true,
      namedByResult: false,
      opensBlock: false,
    });
    expect(parts('pause')).toEqual({
      imports: { module: 'sdk', name: 'pauseFlowRun' },
      declared: false,
      result: true,
      namedByResult: true,
      opensBlock: false,
    });
    expect(parts('branch')).toEqual({ imports: undefined, declared: false, result: false, namedByResult: false, opensBlock: true });
  });

  it('write each kind so that it reads back as the same kind', () => {
    for (const kind of NODE_KINDS) {
      const graph = emptyGraph('shapes');
      graph.nodes.push({
        id: kind.defaultId,
        kind: kind.id,
        name: kind.defaultId,
        fields: { ...kind.initialFields },
        options: {},
        inputs: {},
        span: { start: 0, end: 0 },
        ...(kind.initialCode ? { code: kind.initialCode(kind.defaultId) } : {}),
        ...(shapeOf(kind).edit.namedByResult ? { output: kind.defaultId } : {}),
      });
      const read = parseFlowModule(generateFlowModule(graph));
      expect(
        read.problems.filter((p) => p.severity === 'error'),
        kind.id,
      ).toEqual([]);
      expect(
        read.graph.nodes.map((n) => n.kind),
        kind.id,
      ).toEqual([kind.id]);
    }
  });
});
