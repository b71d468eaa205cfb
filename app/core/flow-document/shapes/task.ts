/**
 * A task with its own function: `const x = task({...}, async (...) => {...})`, called `await x(...)`
 * or, mapped, `await x.map(items).result()` (or `x.map(items)`, its futures, read later).
 */
import type { KindSyntax } from '../node-kinds.js';
import { functionParameters, indentCode } from '../syntax.js';
import { INDENT, MAX_LINE, optionEntries, writeObject } from '../write-parts.js';
import { ownCallee, type ShapeCodec } from './shape.js';

export const taskShape: ShapeCodec<Extract<KindSyntax, { form: 'task' }>> = (syntax) => ({
  read: {
    key: syntax.call,
    argumentStyle: () => ({ style: 'code' }),
    codeParameters: functionParameters,
  },
  write: {
    imports: { module: 'sdk', name: 'task' },
    declared: true,
    result: true,
    importedDeclaration: () => false,
    declaration(node, ctx) {
      const head = `const ${node.id} = `;
      const callee = `${ctx.local('sdk', 'task')}(`;
      const code = node.code ?? 'async () => {}';
      const entries = optionEntries(node);
      const hugged = `${head}${callee}{ ${entries.join(', ')} }, ${code}`;
      const firstLine = hugged.split('\n')[0];
      // As a formatter would: the options and function on the first line when they fit, otherwise each on its own.
      if (!entries.some((e) => e.includes('\n')) && firstLine.length + (hugged.includes('\n') ? 0 : 2) <= MAX_LINE) return `${hugged});`;
      return `${head}${callee}\n${INDENT}${writeObject(entries, INDENT, INDENT.length, 1)},\n${INDENT}${indentCode(code, INDENT)},\n);`;
    },
    callee(node) {
      if (syntax.call !== 'map') return ownCallee(node);
      return { callee: `${node.repeats ?? node.id}.map`, after: node.futures ? '' : '.result()' };
    },
  },
  edit: { namedByResult: false, opensBlock: false },
});
