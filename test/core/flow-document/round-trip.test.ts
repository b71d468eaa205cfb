import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEdit,
  EditError,
  generateFlowModule,
  NODE_KINDS,
  nodeKind,
  parseFlowModule,
  type FlowGraph,
  type GraphEdit,
  type GraphNode,
  type NodeKind,
} from '../../../app/core/flow-document/index.js';
import { fieldValue, normalize, options as optionsArbitrary, pick, randomGraph } from './support.js';

describe('graph → code → graph', () => {
  it('gives back the same graph for random graphs of every kind', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { graph } = randomGraph(g);
        const code = generateFlowModule(graph);
        const parsed = parseFlowModule(code);
        expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(normalize(parsed.graph)).toEqual(normalize(graph));
      }),
      { numRuns: 300, interruptAfterTimeLimit: 60_000 },
    );
  });
});

const KEEP_DECLARATION = [
  '// keepThis: written by hand, with a reason.',
  'const keepThis = task(',
  "  { name: 'keep-this' },",
  '  async (input: unknown) => {',
  '    // changed by hand',
  '    const doubled = [input, input];',
  '    return doubled; // still verbatim',
  '  },',
  ');',
].join('\n');
const KEEP_CALL = '  const kept = await keepThis(\n    1, // the answer\n  );';
const HEADER = '// Hand-written header: keep me.';
const HELPER = 'function helper(value: number): number {\n  // doubles\n  return value * 2;\n}';
const BODY_START = '  const started = Date.now(); // timing\n  // a note that stays\n';
const LOOP = '  for (const n of [1, 2]) {\n    console.log(helper(n), started);\n  }\n';
const KEPT_CODE = 'async (input: unknown) => {\n  // changed by hand\n  const doubled = [input, input];\n  return doubled; // still verbatim\n}';

/** A generated module with hand edits in several places; returns the text and what must survive. */
function handEdited(graph: FlowGraph): { source: string; snippets: string[] } {
  const keep: GraphNode = {
    id: 'keepThis',
    kind: 'code',
    name: 'keep-this',
    fields: { input: 1 },
    options: {},
    inputs: {},
    code: 'async (input: unknown) => {\n  return input;\n}',
    output: 'kept',
    span: { start: 0, end: 0 },
  };
  let source = generateFlowModule({ ...graph, nodes: [keep, ...graph.nodes] });
  const replace = (from: string, to: string) => {
    expect(source).toContain(from);
    source = source.replace(from, to);
  };
  replace("const keepThis = task({ name: 'keep-this' }, async (input: unknown) => {\n  return input;\n});", KEEP_DECLARATION);
  replace('  const kept = await keepThis(1);', KEEP_CALL);
  source = `${HEADER}\n${source}`;
  const flowStart = source.indexOf('export default flow(');
  source = `${source.slice(0, flowStart)}${HELPER}\n\n${source.slice(flowStart)}`;
  const bodyStart = source.indexOf('{\n', source.indexOf('=> {', source.indexOf('export default flow('))) + 2;
  source = `${source.slice(0, bodyStart)}${BODY_START}\n${source.slice(bodyStart)}`;
  // A flow whose first line is too long is written with its options and function on lines of their own.
  const closing = source.includes('export default flow(\n') ? '\n  },\n);' : '\n});';
  const bodyEnd = source.indexOf(closing, bodyStart) + 1;
  source = `${source.slice(0, bodyEnd)}${LOOP}  return started;\n${source.slice(bodyEnd)}`;
  return { source, snippets: [KEEP_DECLARATION, KEEP_CALL, HEADER, HELPER, BODY_START, LOOP, `  return started;${closing}`] };
}

function inputsOf(node: GraphNode): string[] {
  const kind = nodeKind(node.kind)!;
  if (kind.syntax.form === 'if') return ['condition'];
  if (kind.openFields) return ['source', 'limit'];
  if (kind.parametersFromCode) return node.code?.includes('(item') ? ['item'] : ['input'];
  return kind.inputs.length > 0 ? [...kind.inputs] : kind.fields.map((f) => f.name);
}

describe('graph edits on hand-edited code', () => {
  it('keep every hand edit verbatim while the graph follows the edits', () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { graph } = randomGraph(g, 5);
        const handMade = handEdited(graph);
        let source = handMade.source;
        const first = parseFlowModule(source);
        expect(first.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(first.graph.nodes.find((n) => n.id === 'keepThis')?.code).toBe(KEPT_CODE);

        const steps = g(fc.integer, { min: 1, max: 6 });
        for (let step = 0; step < steps; step++) {
          const before = parseFlowModule(source).graph;
          const called = before.nodes.filter((n) => !n.uncalled);
          const editable = called.filter((n) => n.id !== 'keepThis');
          const op = g(fc.constantFrom, 'addNode', 'removeNode', 'renameNode', 'setFields', 'setOptions', 'connect', 'disconnect', 'setCode');
          let edit: GraphEdit | undefined;
          let check: (after: FlowGraph) => void = () => {};
          if (op === 'addNode') {
            const kind: NodeKind = pick(g, NODE_KINDS);
            const id = `added${step}`;
            const fields: Record<string, unknown> = {};
            const spec = kind.fields.find((f) => f.control !== 'code');
            if (spec && g(fc.boolean)) fields[spec.name] = g(() => fieldValue(spec));
            const branches = called.filter((n) => n.kind === 'branch');
            const where = g(fc.integer, { min: 0, max: 2 });
            const after = where === 1 && called.length > 0 ? pick(g, called).id : undefined;
            const scope =
              where === 2 && branches.length > 0
                ? { branch: pick(g, branches).id, arm: g(fc.constantFrom, 'then' as const, 'else' as const) }
                : undefined;
            edit = {
              type: 'addNode',
              kind: kind.id,
              ...(kind.id === 'branch' ? {} : { id }),
              fields,
              ...(after ? { after } : {}),
              ...(scope ? { scope } : {}),
            };
            check = (after) => {
              const added = after.nodes.filter((n) => !before.nodes.some((b) => b.id === n.id));
              expect(added.map((n) => n.kind)).toEqual([kind.id]);
              if (kind.id !== 'branch') expect(added[0].id).toBe(id);
              for (const [name, value] of Object.entries({ ...kind.initialFields, ...fields })) expect(added[0].fields[name]).toEqual(value);
            };
          } else if (op === 'removeNode' && editable.length > 0) {
            const target = pick(g, editable);
            edit = { type: 'removeNode', id: target.id };
            check = (after) => {
              // Branch ids follow their conditions, so another branch may now go by the removed one's id.
              if (target.kind === 'branch') expect(after.nodes.length).toBeLessThan(before.nodes.length);
              else {
                expect(after.nodes.some((n) => n.id === target.id)).toBe(false);
                expect(after.edges.some((e) => e.source === target.id)).toBe(false);
              }
            };
          } else if (op === 'renameNode' && editable.some((n) => n.kind !== 'branch')) {
            const target = pick(
              g,
              editable.filter((n) => n.kind !== 'branch'),
            );
            const newId = `renamed${step}`;
            edit = { type: 'renameNode', id: target.id, newId };
            check = (after) => {
              expect(after.nodes.some((n) => n.id === target.id)).toBe(false);
              expect(after.nodes.find((n) => n.id === newId)?.kind).toBe(target.kind);
            };
          } else if (op === 'setFields' && editable.some((n) => nodeKind(n.kind)!.fields.length > 0)) {
            const target = pick(
              g,
              editable.filter((n) => nodeKind(n.kind)!.fields.length > 0),
            );
            const spec = pick(g, nodeKind(target.kind)!.fields);
            const value = spec.name === 'condition' ? "'x' !== 'y'" : g(() => fieldValue(spec));
            edit = { type: 'setFields', id: target.id, fields: { [spec.name]: value } };
            check = (after) => {
              const node = after.nodes.find((n) => n.id === target.id || (n.kind === 'branch' && n.fields.condition === value))!;
              expect(node.fields[spec.name]).toEqual(value);
              expect(node.inputs[spec.name]).toBeUndefined();
            };
          } else if (op === 'setOptions' && editable.some((n) => nodeKind(n.kind)!.taskOptions)) {
            const target = pick(
              g,
              editable.filter((n) => nodeKind(n.kind)!.taskOptions),
            );
            const options = g(() => optionsArbitrary);
            edit = { type: 'setOptions', id: target.id, options };
            check = (after) => expect(after.nodes.find((n) => n.id === target.id)!.options).toMatchObject(options);
          } else if (op === 'connect' && editable.length > 0) {
            const target = pick(g, editable);
            const sources = called.filter((n) => n.kind !== 'branch' && n.id !== target.id);
            if (sources.length === 0) continue;
            const source = pick(g, sources);
            const input = pick(g, inputsOf(target));
            edit = { type: 'connect', source: source.id, target: target.id, input };
            check = (after) => {
              // A branch's id follows its condition, so a branch target may have a new id now.
              const targets = target.kind === 'branch' ? after.nodes.filter((n) => n.kind === 'branch').map((n) => n.id) : [target.id];
              expect(after.edges.some((e) => e.source === source.id && targets.includes(e.target) && e.input === input)).toBe(true);
            };
          } else if (op === 'disconnect' && before.edges.some((e) => e.target !== 'keepThis')) {
            const edge = pick(
              g,
              before.edges.filter((e) => e.target !== 'keepThis'),
            );
            edit = { type: 'disconnect', target: edge.target, input: edge.input };
            check = (after) => {
              expect(after.edges.some((e) => e.target === edge.target && e.input === edge.input)).toBe(false);
              // A branch's id follows its condition, so a branch target may have a new id now.
              const target = after.nodes.find((n) => n.id === edge.target);
              if (target) expect(target.inputs[edge.input]).toBeUndefined();
            };
          } else if (op === 'setCode' && editable.some((n) => nodeKind(n.kind)!.syntax.form === 'task' && n.code !== undefined && !n.repeats)) {
            const target = pick(
              g,
              editable.filter((n) => nodeKind(n.kind)!.syntax.form === 'task' && n.code !== undefined && !n.repeats),
            );
            // The same parameters, so what feeds them still fits; a new body.
            const code = `${target.code!.slice(0, target.code!.indexOf('=>') + 2)} {\n  // rewritten in step ${step}\n  return null;\n}`;
            edit = { type: 'setCode', id: target.id, code };
            check = (after) => expect(after.nodes.find((n) => n.id === target.id)?.code).toBe(code);
          }
          if (!edit) continue;
          let next: string;
          try {
            next = applyEdit(source, edit);
          } catch (error) {
            // Only a connection may be refused: it would make a cycle or cross a branch.
            expect(error).toBeInstanceOf(EditError);
            expect(edit.type).toBe('connect');
            continue;
          }
          const after = parseFlowModule(next);
          expect(
            after.problems.filter((p) => p.severity === 'error'),
            `${JSON.stringify(edit)}\n${next}`,
          ).toEqual([]);
          check(after.graph);
          for (const snippet of handMade.snippets) expect(next, JSON.stringify(edit)).toContain(snippet);
          expect(after.graph.nodes.find((n) => n.id === 'keepThis')?.code).toBe(KEPT_CODE);
          for (const code of [HELPER, 'return started;']) expect(after.graph.regions.some((r) => r.code.includes(code))).toBe(true);
          source = next;
        }
      }),
      { numRuns: 150, interruptAfterTimeLimit: 60_000 },
    );
  });
});
