import { describe, expect, it } from 'vitest';
import { applyEdit, COMMON_OPTION_FIELDS, NODE_KINDS, nodeKind, parseFlowModule, validateGraph } from '../../../app/core/flow-document/index.js';

const EMPTY = "import { flow } from 'flowdeck';\n\nexport default flow({ name: 'empty' }, async () => {\n});\n";

describe('node kinds', () => {
  it('has the built-in kinds, each described for the palette and the side panel', () => {
    expect(NODE_KINDS.map((k) => k.id)).toEqual([
      'code',
      'httpRequest',
      'sqlQuery',
      'shellCommand',
      'readFile',
      'writeFile',
      'transform',
      'notify',
      'branch',
      'map',
      'subflow',
      'pause',
    ]);
    for (const kind of NODE_KINDS) {
      expect(kind.label).not.toBe('');
      expect(kind.description).not.toBe('');
      expect(nodeKind(kind.id)).toBe(kind);
      for (const input of kind.inputs) expect(kind.fields.map((f) => f.name)).toContain(input);
      for (const field of kind.fields) {
        if (field.control === 'select') expect(field.choices?.length).toBeGreaterThan(0);
        if (field.default !== undefined && field.control !== 'code') expect(field.schema.safeParse(field.default).success).toBe(true);
      }
      for (const [name, value] of Object.entries(kind.initialFields)) {
        // A kind whose inputs are its function's parameters starts with values for those.
        if (kind.parametersFromCode) {
          expect(kind.initialCode?.('x'), `${kind.id}.${name}`).toMatch(new RegExp(`^async \\(${name}\\b`));
          continue;
        }
        const field = kind.fields.find((f) => f.name === name);
        expect(field, `${kind.id}.${name}`).toBeDefined();
        expect(field!.schema.safeParse(value).success).toBe(true);
      }
    }
    expect(COMMON_OPTION_FIELDS.map((f) => f.name)).toEqual([
      'name',
      'retries',
      'retryDelaySeconds',
      'timeoutSeconds',
      'cacheExpirationSeconds',
      'cachePolicy',
      'tags',
    ]);
  });

  it('maps library kinds to the functions of flowdeck/tasks', () => {
    const library = NODE_KINDS.flatMap((k) => (k.syntax.form === 'library' ? [[k.id, k.syntax.fn]] : []));
    expect(library).toEqual([
      ['httpRequest', 'httpRequest'],
      ['sqlQuery', 'sqlQuery'],
      ['shellCommand', 'shellCommand'],
      ['readFile', 'readFile'],
      ['writeFile', 'writeFile'],
      ['transform', 'transform'],
      ['notify', 'notify'],
    ]);
  });

  it('a new map runs over a list as a person writes it, awaiting the results', () => {
    const source = applyEdit(EMPTY, { type: 'addNode', kind: 'map' });
    expect(source).toContain('  await forEachItem.map([]).result();\n');
  });

  it('a pause takes a reason, a timeout and a schema for the input it is resumed with', () => {
    const pause = nodeKind('pause')!;
    expect(pause.syntax).toEqual({ form: 'sdkCall', fn: 'pauseFlowRun', args: { style: 'object' } });
    expect(pause.fields.map((f) => [f.name, f.control])).toEqual([
      ['reason', 'text'],
      ['timeoutSeconds', 'number'],
      ['input', 'code'],
    ]);
    let source = applyEdit(EMPTY, { type: 'addNode', kind: 'pause' });
    source = applyEdit(source, { type: 'setFields', id: 'approval', fields: { input: 'z.object({ approved: z.boolean() })', timeoutSeconds: 600 } });
    expect(source).toContain(
      "const approval = await pauseFlowRun({ reason: 'Waiting for approval', input: z.object({ approved: z.boolean() }), timeoutSeconds: 600 });",
    );
    const node = parseFlowModule(source).graph.nodes[0];
    expect(node).toMatchObject({
      kind: 'pause',
      fields: { reason: 'Waiting for approval', timeoutSeconds: 600, input: 'z.object({ approved: z.boolean() })' },
    });
  });

  for (const kind of NODE_KINDS) {
    it(`${kind.id}: a new node is written with its starting values and read back as the same kind`, () => {
      const source = applyEdit(EMPTY, { type: 'addNode', kind: kind.id });
      const { graph, problems } = parseFlowModule(source);
      expect(problems).toEqual([]);
      expect(graph.nodes).toHaveLength(1);
      const node = graph.nodes[0];
      expect(node.kind).toBe(kind.id);
      expect(node.fields).toEqual(kind.initialFields);
      if (kind.initialCode) expect(node.code).toBe(kind.initialCode(node.name));
      // Required inputs a new node cannot know yet are the only problems it shows.
      for (const problem of validateGraph(graph)) expect(problem.message).toMatch(/is required$/);
    });
  }
});
