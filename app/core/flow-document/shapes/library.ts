/** A library task: `const x = fn.withOptions({...})` with `fn` from flowdeck/tasks, called `await x(args)`. */
import type { KindSyntax } from '../node-kinds.js';
import { functionParameters } from '../syntax.js';
import { optionEntries, writeObject } from '../write-parts.js';
import { ownCallee, type ShapeCodec } from './shape.js';

export const libraryShape: ShapeCodec<Extract<KindSyntax, { form: 'library' }>> = (syntax) => ({
  read: {
    key: syntax.fn,
    argumentStyle: () => syntax.args,
    codeParameters: functionParameters,
  },
  write: {
    imports: { module: 'tasks', name: syntax.fn },
    declared: true,
    result: true,
    importedDeclaration: () => false,
    declaration(node, ctx) {
      const head = `const ${node.id} = `;
      const callee = `${ctx.local('tasks', syntax.fn)}.withOptions(`;
      return `${head}${callee}${writeObject(optionEntries(node), '', head.length + callee.length, 2)});`;
    },
    callee: ownCallee,
  },
  edit: { namedByResult: false, opensBlock: false },
});
