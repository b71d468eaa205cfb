// Every bundled example and every template the builder offers opens as steps, with nothing left as
// code the canvas can only show as written, and reads back into exactly the text it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdit, generateFlowModule, nodeKind, parseFlowModule, type GraphNode } from '../../../app/core/flow-document/index.js';
import { kebabCase } from '../../../app/core/flow-document/ids.js';
import { renderLiteral } from '../../../app/core/flow-document/syntax.js';
import { examplesDir } from '../../../app/server/package-root.js';
import { listTemplates } from '../../../app/server/workspace/templates.js';
import { normalize } from './support.js';

const examples = readdirSync(examplesDir())
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ name: `example ${file}`, source: readFileSync(join(examplesDir(), file), 'utf8') }));
const templates = (await listTemplates(examplesDir())).map((t) => ({ name: `template ${t.name}`, source: t.content }));

/** The one stretch of text an edit changed: what it took out and what it put in. */
function changed(before: string, after: string): { removed: string; added: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { removed: before.slice(start, before.length - end), added: after.slice(start, after.length - end) };
}

/** A different value of the same shape. */
function otherValue(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') return `${value}!`;
  if (Array.isArray(value)) return value.slice(0, 1);
  return { changed: true };
}

function declaredStep(nodes: readonly GraphNode[]): GraphNode {
  const step = nodes.find((n) => !n.repeats && nodeKind(n.kind)?.syntax.form !== 'if' && nodeKind(n.kind)?.syntax.form !== 'sdkCall');
  if (!step) throw new Error('no declared step');
  return step;
}

describe('bundled examples and templates', () => {
  it('are all here: the templates are the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
    expect(templates.map((t) => t.source).sort()).toEqual(examples.map((e) => e.source).sort());
  });

  for (const { name, source } of [...examples, ...templates]) {
    describe(name, () => {
      const { graph, problems } = parseFlowModule(source);

      it('draws as steps, with no code left as written inside the flow', () => {
        // Nothing to warn about either: a task only another flow of the file calls is used.
        expect(problems).toEqual([]);
        expect(graph.regions.filter((r) => r.scope !== 'module')).toEqual([]);
        expect(graph.nodes.filter((n) => !n.uncalled).length).toBeGreaterThan(0);
      });

      it('is written back exactly as it is', () => {
        const written = generateFlowModule(graph);
        expect(written).toBe(source);
        expect(normalize(parseFlowModule(written).graph)).toEqual(normalize(graph));
      });

      it('renaming a step changes its name where it is written and nothing else', () => {
        const step = declaredStep(graph.nodes);
        const newId = 'renamedStep';
        const after = applyEdit(source, { type: 'renameNode', id: step.id, newId });
        const beforeLines = source.split('\n');
        const afterLines = after.split('\n');
        expect(afterLines).toHaveLength(beforeLines.length);
        const word = (id: string) => new RegExp(`(?<![\\w$'-])${id.replace(/\$/g, '\\$')}(?![\\w$'-])`, 'g');
        let changedLines = 0;
        for (const [i, line] of beforeLines.entries()) {
          if (line === afterLines[i]) continue;
          changedLines++;
          let expected = line.replace(word(step.id), newId);
          // A task's name that follows its id keeps following it.
          if (nodeKind(step.kind)?.taskOptions) expected = expected.replace(`'${kebabCase(step.id)}'`, `'${kebabCase(newId)}'`);
          expect(afterLines[i]).toBe(expected);
        }
        expect(changedLines).toBeGreaterThan(0);
        const renamed = parseFlowModule(after).graph;
        expect(renamed.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => (n.id === step.id ? newId : n.id)));
        expect(renamed.regions.filter((r) => r.scope !== 'module')).toEqual([]);
      });

      it('changing a literal changes that literal alone', () => {
        const withField = graph.nodes.find((n) => Object.keys(n.fields).length > 0 && !n.uncalled);
        let after: string;
        let oldText: string;
        let newText: string;
        let check: (node: GraphNode) => void;
        if (withField) {
          const [field, value] = Object.entries(withField.fields)[0];
          const next = otherValue(value);
          after = applyEdit(source, { type: 'setFields', id: withField.id, fields: { [field]: next } });
          [oldText, newText] = [renderLiteral(value), renderLiteral(next)];
          check = (node) => expect(node.fields[field]).toEqual(next);
        } else {
          // No step takes a literal argument here: change (or add) a task option instead.
          const step = graph.nodes.find((n) => nodeKind(n.kind)?.taskOptions && !n.repeats)!;
          const old = step.options.timeoutSeconds;
          after = applyEdit(source, { type: 'setOptions', id: step.id, options: { timeoutSeconds: (old ?? 0) + 9 } });
          [oldText, newText] = [old === undefined ? '' : String(old), old === undefined ? ', timeoutSeconds: 9' : String(old + 9)];
          check = (node) => expect(node.options.timeoutSeconds).toBe((old ?? 0) + 9);
        }
        const { removed, added } = changed(source, after);
        expect(removed).not.toContain('\n');
        expect(added).not.toContain('\n');
        expect(oldText).toContain(removed);
        expect(newText).toContain(added);
        const edited = parseFlowModule(after).graph;
        const id = withField?.id ?? graph.nodes.find((n) => nodeKind(n.kind)?.taskOptions && !n.repeats)!.id;
        check(edited.nodes.find((n) => n.id === id)!);
        expect(edited.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
        expect(edited.regions).toEqual(graph.regions.map((r) => ({ ...r, span: expect.anything() })));
      });
    });
  }
});
